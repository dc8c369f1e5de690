"""The collection half of the Backpack API: create, list, read, update, delete (the seed's five).

A collection holds only its owner's assertions (by id or entity id); a published one gets a random share
hash and a share URL. Another user's collection is 404, exactly like a missing one.
"""

from __future__ import annotations

import secrets
from typing import Any

from fastapi import APIRouter, Depends, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import JSONResponse, Response
from sqlalchemy import Select, select
from sqlalchemy.orm import Session, selectinload

from obverify.service.auth import Caller, reader, writer
from obverify.service.db import Collection, CollectionMember, StoredAssertion, storable
from obverify.service.envelope import ApiError, ok
from obverify.service.models import CollectionCreate, CollectionEnvelope, CollectionUpdate
from obverify.service.openapi import ERRORS
from obverify.service.state import state_of

router = APIRouter(prefix="/v2/backpack", tags=["Backpack"])


def collection_out(row: Collection, owner: str, base_url: str) -> dict[str, Any]:
    """The seed's collection object."""
    return {
        "id": f"{row.id:024x}",
        "entityId": row.entity_id,
        "name": row.name,
        "description": row.description,
        "share_url": f"{base_url}public/collections/{row.share_hash}" if row.published and row.share_hash else None,
        "shareHash": row.share_hash if row.published else None,
        "published": row.published,
        "owner": owner,
        "assertions": [m.assertion.entity_id for m in row.members],
        "entityType": "BackpackCollection",
    }


def _query(caller: Caller) -> Select[Collection]:
    return (select(Collection).where(Collection.user_id == caller.user_id)
            .options(selectinload(Collection.members).selectinload(CollectionMember.assertion)))


def _find(session: Session, caller: Caller, ident: str) -> Collection:
    if not storable(ident) or len(ident) > 64:
        raise ApiError(404, error_code="NOT_FOUND")
    row = session.scalars(_query(caller).where(Collection.entity_id == ident)).first()
    if row is None and len(ident) == 24 and all(c in "0123456789abcdef" for c in ident):
        row = session.scalars(_query(caller).where(Collection.id == int(ident, 16))).first()
    if row is None:
        raise ApiError(404, error_code="NOT_FOUND")
    return row


def _members(session: Session, caller: Caller, idents: list[str]) -> list[StoredAssertion]:
    """The caller's assertions named by `idents`, in order; any other name is a 400 field error."""
    out: list[StoredAssertion] = []
    missing: list[str] = []
    for ident in dict.fromkeys(idents):
        if not storable(ident) or len(ident) > 64:
            missing.append(ident)
            continue
        query = select(StoredAssertion).where(StoredAssertion.user_id == caller.user_id)
        row = session.scalars(query.where(StoredAssertion.entity_id == ident)).first()
        if row is None and len(ident) == 24 and all(c in "0123456789abcdef" for c in ident):
            row = session.scalars(query.where(StoredAssertion.id == int(ident, 16))).first()
        if row is None:
            missing.append(ident)
        else:
            out.append(row)
    if missing:
        raise ApiError(400, field_errors={"assertions": [f"No assertion {m!r} in your backpack." for m in missing]},
                       error_code="INVALID_INPUT")
    return out


def _set_members(row: Collection, members: list[StoredAssertion]) -> None:
    row.members = [CollectionMember(assertion_id=a.id, assertion=a, position=i) for i, a in enumerate(members)]


def _publish(row: Collection, published: bool) -> None:
    row.published = published
    if published and not row.share_hash:
        row.share_hash = secrets.token_urlsafe(24)


def _create(request: Request, caller: Caller, body: CollectionCreate) -> dict[str, Any]:
    with state_of(request).sessions() as session:
        row = Collection(user_id=caller.user_id, name=body.name, description=body.description)
        _publish(row, body.published)
        _set_members(row, _members(session, caller, body.assertions))
        session.add(row)
        session.commit()
        return collection_out(row, caller.entity_id, str(request.base_url))


def _update(request: Request, caller: Caller, ident: str, body: CollectionUpdate) -> dict[str, Any]:
    with state_of(request).sessions() as session:
        row = _find(session, caller, ident)
        if body.name is not None:
            row.name = body.name
        if body.description is not None:
            row.description = body.description
        if body.published is not None:
            _publish(row, body.published)
        if body.assertions is not None:
            members = _members(session, caller, body.assertions)
            row.members.clear()
            session.flush()
            _set_members(row, members)
        session.commit()
        return collection_out(row, caller.entity_id, str(request.base_url))


def _list(request: Request, caller: Caller) -> list[dict[str, Any]]:
    with state_of(request).sessions() as session:
        rows = session.scalars(_query(caller).order_by(Collection.id))
        return [collection_out(r, caller.entity_id, str(request.base_url)) for r in rows]


def _get(request: Request, caller: Caller, ident: str) -> dict[str, Any]:
    with state_of(request).sessions() as session:
        return collection_out(_find(session, caller, ident), caller.entity_id, str(request.base_url))


def _delete(request: Request, caller: Caller, ident: str) -> None:
    with state_of(request).sessions() as session:
        session.delete(_find(session, caller, ident))
        session.commit()


@router.get("/collections", response_model=CollectionEnvelope, responses=ERRORS,
            summary="Get Assertion Collection(s) associated with the authenticated user's backpack")
async def list_collections(request: Request, caller: Caller = Depends(reader)) -> JSONResponse:
    """Every collection of the caller's, oldest first."""
    return ok(await run_in_threadpool(_list, request, caller))


@router.post("/collections", status_code=201, response_model=CollectionEnvelope, responses=ERRORS,
             summary="Create a new Collection")
async def create_collection(request: Request, body: CollectionCreate, caller: Caller = Depends(writer)) -> JSONResponse:
    """A new collection; `assertions` may name only the caller's own assertions."""
    return ok([await run_in_threadpool(_create, request, caller, body)], status=201)


@router.get("/collections/{idOrEntityId}", response_model=CollectionEnvelope, responses=ERRORS,
            summary="Get Assertion Collection(s) associated with the authenticated user's backpack")
async def get_collection(request: Request, idOrEntityId: str, caller: Caller = Depends(reader)) -> JSONResponse:  # noqa: N803
    """One collection of the caller's."""
    return ok([await run_in_threadpool(_get, request, caller, idOrEntityId)])


@router.put("/collections/{idOrEntityId}", response_model=CollectionEnvelope, responses=ERRORS,
            summary="Update a Collection")
async def update_collection(request: Request, idOrEntityId: str, body: CollectionUpdate,  # noqa: N803
                            caller: Caller = Depends(writer)) -> JSONResponse:
    """Change the given fields; `assertions` replaces the members."""
    return ok([await run_in_threadpool(_update, request, caller, idOrEntityId, body)])


@router.delete("/collections/{idOrEntityId}", status_code=204, response_class=Response,
               responses={**ERRORS, 204: {"description": "No Content"}}, summary="Delete a collection")
async def delete_collection(request: Request, idOrEntityId: str, caller: Caller = Depends(writer)) -> Response:  # noqa: N803
    """Delete the collection (its assertions stay in the backpack)."""
    await run_in_threadpool(_delete, request, caller, idOrEntityId)
    return Response(status_code=204)
