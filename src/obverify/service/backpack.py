"""The assertion half of the Backpack API: import, list, read, accept/reject, delete (the seed's five).

`import_badge` (through `importing.run_import`) verifies the badge and builds the Assertion; this module
adds only what a backpack owns: entity ids and timestamps, the owner, acceptance and `pending`, storage of
the original and the report, de-duplication on the canonical OpenBadge id (400 `DUPLICATE_BADGE` unless
the stored copy was rejected), and the re-check of revocation and expiry on read.
"""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
import json
from typing import Any

from fastapi import APIRouter, Depends, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import JSONResponse, Response
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from obverify.service.auth import Caller, reader, writer
from obverify.service.db import StoredAssertion, new_entity_id, storable, storable_text, utcnow
from obverify.service.envelope import ApiError, ok, timestamp
from obverify.service.importing import ImportOutcome, recheck, run_import
from obverify.service.inputs import read_inputs
from obverify.service.models import AcceptanceUpdate, AssertionEnvelope, Envelope, ImportBody
from obverify.service.openapi import ERRORS, body_schema
from obverify.service.state import ServiceState, state_of

router = APIRouter(prefix="/v2/backpack", tags=["Backpack"])

DUPLICATE = "You already have this badge in your backpack"


def short_id(entity: str, value: str | None) -> str | None:
    """A stable entity id for a badge class or issuer that the backpack does not store as an entity."""
    if not value:
        return None
    digest = hashlib.sha256(f"{entity}\0{value}".encode("utf-8", "surrogatepass")).digest()[:16]
    return base64.urlsafe_b64encode(digest).rstrip(b"=").decode()


def assertion_out(row: StoredAssertion, owner: str) -> dict[str, Any]:
    """The seed's Assertion for a stored row: `import_badge`'s fields, then the backpack's own."""
    data: dict[str, Any] = json.loads(row.assertion_json)
    data.update({
        "entityType": "Assertion",
        "id": f"{row.id:024x}",
        "entityId": row.entity_id,
        "createdAt": timestamp(row.created_at),
        "createdBy": owner,
        "badgeclass": short_id("badgeclass", data.get("badgeclassOpenBadgeId")),
        "issuer": short_id("issuer", data.get("issuerOpenBadgeId")),
        "acceptance": row.acceptance,
        "pending": row.pending,
        "revoked": row.revoked,
        "revocationReason": row.revocation_reason,
        "source": "local",  # Badgr's value for every badge in a backpack, imported ones included
        "imagePath": f"originals/{row.image_file}" if row.image_file else None,
    })
    return data


def _find(session: Session, caller: Caller, ident: str) -> StoredAssertion:
    """The caller's assertion by entity id or id; another user's is 404 exactly like a missing one."""
    if not storable(ident) or len(ident) > 64:
        raise ApiError(404, error_code="NOT_FOUND")
    query = select(StoredAssertion).where(StoredAssertion.user_id == caller.user_id)
    row = session.scalars(query.where(StoredAssertion.entity_id == ident)).first()
    if row is None and len(ident) == 24 and all(c in "0123456789abcdef" for c in ident):
        row = session.scalars(query.where(StoredAssertion.id == int(ident, 16))).first()
    if row is None:
        raise ApiError(404, error_code="NOT_FOUND")
    return row


def _store(state: ServiceState, caller: Caller, outcome: ImportOutcome) -> dict[str, Any]:
    """Insert (or revive a rejected copy of) the imported badge; DUPLICATE_BADGE if the user has it."""
    assert outcome.assertion is not None
    key = outcome.dedupe_key or outcome.assertion.get("openBadgeId")
    if not isinstance(key, str) or not key:
        key = "sha256:" + hashlib.sha256(outcome.original).hexdigest()
    elif not storable(key) or len(key) > 1024:  # an id no database column takes as is: keyed by its hash
        key = "sha256:" + hashlib.sha256(key.encode("utf-8", "surrogatepass")).hexdigest()
    report = outcome.report
    fields = {
        "acceptance": "Accepted",
        "pending": bool(outcome.assertion.get("pending")),
        "revoked": bool(report.revoked),
        "revocation_reason": storable_text(report.revocation_reason),
        "expired": bool(report.expired),
        "input_kind": outcome.input_kind,
        "assertion_json": json.dumps(outcome.assertion, ensure_ascii=True),  # NUL and surrogates escaped
        "report_json": report.to_json(),
        "checked_at": utcnow(),
    }
    duplicate = ApiError(400, validation_errors=[DUPLICATE], error_code="DUPLICATE_BADGE")
    with state.sessions() as session:
        row = session.scalars(select(StoredAssertion).where(
            StoredAssertion.user_id == caller.user_id, StoredAssertion.dedupe_key == key)).first()
        if row is not None and row.acceptance != "Rejected":
            raise duplicate
        old_image = row.image_file if row is not None else None
        if row is None:
            entity = new_entity_id()
            row = StoredAssertion(entity_id=entity, user_id=caller.user_id, dedupe_key=key,
                                  original_file=f"{entity}.bin", created_at=utcnow(), **fields)
            session.add(row)
        else:
            for name, value in fields.items():
                setattr(row, name, value)
        state.write_original(row.original_file, outcome.original)
        row.image_file = None
        if outcome.image is not None:
            row.image_file = f"{row.entity_id}.{'svg' if 'svg' in (outcome.image_type or '') else 'png'}"
            state.write_original(row.image_file, outcome.image)
        if old_image and old_image != row.image_file:
            state.remove_original(old_image)
        try:
            session.commit()
        except IntegrityError:  # the same badge imported twice at once: the other request won
            session.rollback()
            raise duplicate from None
        return assertion_out(row, caller.entity_id)


@router.post(
    "/import", status_code=201, response_model=AssertionEnvelope, responses=ERRORS,
    summary="Upload a new Assertion to the backpack",
    openapi_extra=body_schema(ImportBody, multipart=True),
)
async def import_assertion(request: Request, caller: Caller = Depends(writer)) -> JSONResponse:
    """Import a badge by `url`, `assertion` (JSON object or compact JWS/JWT) or `image` (data URI, base64,
    multipart file or http(s) URL): 201 with the stored Assertion, or 400 with the reasons."""
    state = state_of(request)
    inputs = await read_inputs(request)
    if not caller.profile.verified:
        raise ApiError(404, error_code="NOT_FOUND")  # Badgr: a verified identifier is required to import
    outcome: ImportOutcome = await state.verifier.run(
        run_import, url=inputs.get("url"), assertion=inputs.get("assertion"), image=inputs.get("image"),
        profile=caller.profile, loader=state.loader, policy=state.policy)
    if not outcome.ok:
        raise ApiError(400, validation_errors=outcome.validation_errors, non_field_errors=outcome.non_field_errors,
                       field_errors=outcome.field_errors, error_code=outcome.error_code or "INVALID_BADGE",
                       warnings=outcome.warnings)
    stored = await run_in_threadpool(_store, state, caller, outcome)
    return ok([stored], status=201, warnings=outcome.warnings)


async def refresh(state: ServiceState, caller: Caller, rows: list[StoredAssertion]) -> None:
    """Re-check revocation and expiry of every row whose last check is older than the configured age.

    A re-check the verifier cannot take now (busy, past the deadline) leaves the stored state as it was;
    an answer of "unknown" (an issuer unreachable) never clears a revocation.
    """
    limit = dt.timedelta(seconds=state.settings.recheck_after_s)
    now = utcnow()
    for row in rows:
        checked = row.checked_at if row.checked_at.tzinfo else row.checked_at.replace(tzinfo=dt.UTC)
        if now - checked < limit:
            continue
        try:
            original = await run_in_threadpool(state.original_path(row.original_file).read_bytes)
            revoked, reason, expired = await state.verifier.run(
                recheck, original, row.input_kind, caller.profile, state.loader, state.policy)
        except (ApiError, OSError):
            continue
        await run_in_threadpool(_save_check, state, row.id, revoked, reason, expired)
        if revoked is not None:
            row.revoked = bool(revoked) or row.revoked
            row.revocation_reason = reason if revoked else row.revocation_reason
        if expired is not None:
            row.expired = expired


def _save_check(state: ServiceState, row_id: int, revoked: bool | None, reason: str | None,
                expired: bool | None) -> None:
    with state.sessions() as session:
        row = session.get(StoredAssertion, row_id)
        if row is None:
            return
        if revoked:
            row.revoked, row.revocation_reason = True, storable_text(reason)
        if expired is not None:
            row.expired = expired
        row.checked_at = utcnow()
        session.commit()


def _list(state: ServiceState, caller: Caller) -> list[StoredAssertion]:
    with state.sessions() as session:
        query = select(StoredAssertion).where(StoredAssertion.user_id == caller.user_id)
        return list(session.scalars(query.order_by(StoredAssertion.id)))


@router.get("/assertions", response_model=AssertionEnvelope, responses=ERRORS,
            summary="Get a list of Assertions in authenticated user's backpack")
async def list_assertions(request: Request, caller: Caller = Depends(reader)) -> JSONResponse:
    """Every assertion in the caller's backpack, oldest first (stale ones re-checked first)."""
    state = state_of(request)
    rows = await run_in_threadpool(_list, state, caller)
    await refresh(state, caller, rows)
    return ok([assertion_out(r, caller.entity_id) for r in rows])


def _get(state: ServiceState, caller: Caller, ident: str) -> StoredAssertion:
    with state.sessions() as session:
        return _find(session, caller, ident)


@router.get("/assertions/{idOrEntityId}", response_model=AssertionEnvelope, responses=ERRORS,
            summary="Get detail on an Assertion in the user's Backpack")
async def get_assertion(request: Request, idOrEntityId: str, caller: Caller = Depends(reader)) -> JSONResponse:  # noqa: N803
    """One assertion of the caller's, revocation and expiry re-checked when stale."""
    state = state_of(request)
    row = await run_in_threadpool(_get, state, caller, idOrEntityId)
    await refresh(state, caller, [row])
    return ok([assertion_out(row, caller.entity_id)])


def _accept(state: ServiceState, caller: Caller, ident: str, acceptance: str) -> dict[str, Any]:
    with state.sessions() as session:
        row = _find(session, caller, ident)
        row.acceptance = acceptance
        session.commit()
        return assertion_out(row, caller.entity_id)


@router.put("/assertions/{idOrEntityId}", response_model=AssertionEnvelope, responses=ERRORS,
            summary="Update acceptance of an Assertion in the user's Backpack")
async def update_assertion(request: Request, idOrEntityId: str, body: AcceptanceUpdate,  # noqa: N803
                           caller: Caller = Depends(writer)) -> JSONResponse:
    """Set `acceptance` (Accepted, Unaccepted or Rejected); a rejected badge may be imported again."""
    state = state_of(request)
    return ok([await run_in_threadpool(_accept, state, caller, idOrEntityId, body.acceptance)])


def _delete(state: ServiceState, caller: Caller, ident: str) -> None:
    with state.sessions() as session:
        row = _find(session, caller, ident)
        names = [row.original_file, row.image_file]
        session.delete(row)
        session.commit()
    for name in names:
        if name:
            state.remove_original(name)


@router.delete("/assertions/{idOrEntityId}", status_code=204, response_class=Response,
               responses={**ERRORS, 204: {"description": "No Content"}},
               summary="Remove an assertion from the backpack")
async def delete_assertion(request: Request, idOrEntityId: str, caller: Caller = Depends(writer)) -> Response:  # noqa: N803
    """Delete the row, its collection memberships and its stored files."""
    await run_in_threadpool(_delete, state_of(request), caller, idOrEntityId)
    return Response(status_code=204)


__all__ = ["Envelope", "router"]
