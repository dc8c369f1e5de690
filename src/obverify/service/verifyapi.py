"""The verification microservice: `POST /v1/verify` (no account), `GET /healthz`, `GET /readyz`.

`/v1/verify` takes the import's inputs (`url`, `assertion`, `image`) plus `recipient` identities and the
instant `at`, and answers the obverify report as JSON, whatever the verdict (200); only a request that
cannot be read is a 400 envelope. The verification runs through the same bounded verifier as imports.
"""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import JSONResponse
from sqlalchemy import text

from obverify._core.report import Report
from obverify._core.timeparse import parse_datetime
from obverify._core.url import URL
from obverify._orchestration.importer.inputs import BodyErrors, read_body
from obverify._orchestration.pipeline import verify
from obverify.service.envelope import ApiError, SafeJSONResponse
from obverify.service.inputs import read_inputs
from obverify.service.models import Health, VerifyBody
from obverify.service.openapi import ERRORS, body_schema
from obverify.service.state import ServiceState, state_of

router = APIRouter(tags=["Verify"])

def _field(name: str, message: str) -> ApiError:
    return ApiError(400, field_errors={name: [message]}, error_code="INVALID_INPUT")


def source_of(inputs: dict[str, Any]) -> bytes | URL:
    """What `verify` gets for the request's one input, read by the import's own rules (`read_body`: exactly
    one of url/assertion/image, http(s) URLs only, PNG or SVG images); ApiError 400 with its texts otherwise."""
    body = read_body(inputs.get("url"), inputs.get("assertion"), inputs.get("image"))
    if isinstance(body, BodyErrors):
        raise ApiError(400, field_errors=body.field_errors, non_field_errors=body.non_field_errors,
                       error_code="INVALID_INPUT")
    if isinstance(body.source, str):  # a URL read_body checked; to `verify` a plain str is badge text only
        try:
            return URL(body.source)
        except ValueError:
            raise ApiError(400, field_errors={body.kind: ["Enter a valid URL."]},
                           error_code="INVALID_INPUT") from None
    return body.source


def recipients_of(inputs: dict[str, Any]) -> list[str]:
    """`recipient` as a list of non-empty strings (one string is one identity)."""
    value = inputs.get("recipient")
    if value is None or value == "":
        return []
    items = [value] if isinstance(value, str) else value
    if not isinstance(items, list) or not all(isinstance(v, str) for v in items) or len(items) > 64:
        raise _field("recipient", "Expected a list of at most 64 identity strings.")
    return [v.strip() for v in items if v.strip()]


def at_of(inputs: dict[str, Any]) -> Any:
    """`at` as an aware datetime, or None for now."""
    value = inputs.get("at")
    if value is None or value == "":
        return None
    try:
        return parse_datetime(value)
    except ValueError as exc:
        raise _field("at", f"Enter a valid date-time with a time zone ({exc}).") from None


async def run_verify(state: ServiceState, inputs: dict[str, Any]) -> Report:
    """Verify the request's input off the event loop, through the bounded verifier."""
    source = source_of(inputs)
    recipients = recipients_of(inputs)
    at = at_of(inputs)
    return await state.verifier.run(verify, source, recipients=recipients, at=at, loader=state.loader,
                                    policy=state.policy)


@router.post("/v1/verify", responses={k: v for k, v in ERRORS.items() if k not in (401, 404)},
             summary="Verify a badge (no account needed) and get the obverify report",
             openapi_extra=body_schema(VerifyBody, multipart=True),
             response_model=dict[str, Any])
async def verify_endpoint(request: Request) -> JSONResponse:
    """The obverify report of the badge given by `url`, `assertion` or `image`, judged at `at` for `recipient`."""
    state = state_of(request)
    inputs = await read_inputs(request)
    report = await run_verify(state, inputs)
    return SafeJSONResponse(report.to_dict())


@router.get("/healthz", response_model=Health, summary="The process is up")
async def healthz() -> Health:
    """Liveness: answers while the event loop runs."""
    return Health(status="ok")


def _database_ok(state: ServiceState) -> bool:
    try:
        with state.engine.connect() as connection:
            connection.execute(text("SELECT 1"))
        return True
    except Exception:  # noqa: BLE001 (readiness reports any database failure as "not ready")
        return False


@router.get("/readyz", response_model=Health, responses={503: {"model": Health, "description": "Not ready"}},
            summary="The service can take requests (database reachable, verifier not full)")
async def readyz(request: Request) -> JSONResponse:
    """Readiness: the database answers and the verifier has room."""
    state = state_of(request)
    database = await run_in_threadpool(_database_ok, state)
    room = state.verifier.admitted < state.verifier.queue_limit
    checks = {"database": "ok" if database else "unreachable", "verifier": "ok" if room else "full"}
    ready = database and room
    return JSONResponse(Health(status="ok" if ready else "unavailable", checks=checks).model_dump(),
                        status_code=200 if ready else 503)
