"""The seed's response envelope, and the errors that end a request with one.

Every Backpack API answer, success or failure, has the same top-level keys (parchment-backpack-api.txt):
`status{success,description}`, `result[]`, `timestamp`, `validationErrors`, `nonFieldErrors`,
`fieldErrors`, `errorCode`, `warnings`. Errors are raised as `ApiError` anywhere in a request and turned
into that envelope by one exception handler, so no path can answer in another shape.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Mapping, Sequence
from typing import Any

from fastapi.responses import JSONResponse


class SafeJSONResponse(JSONResponse):
    """JSON with every non-ASCII character escaped: a lone surrogate echoed from a request (valid in JSON
    text, not in UTF-8) can never make rendering fail with a 500."""

    def render(self, content: Any) -> bytes:
        return json.dumps(content, ensure_ascii=True, allow_nan=False, separators=(",", ":"), default=str).encode()


DESCRIPTIONS = {
    400: "bad request",
    401: "no valid auth token found",
    404: "entity not found or insufficient privileges",
    405: "method not allowed",
    413: "request body too large",
    415: "unsupported media type",
    503: "service unavailable",
}


def timestamp(when: dt.datetime | None = None) -> str:
    """ISO 8601 UTC with milliseconds and `Z`, as the seed writes times."""
    when = when or dt.datetime.now(dt.UTC)
    # SQLite hands back naive datetimes for timezone-aware columns; the service stores UTC only
    when = when.replace(tzinfo=dt.UTC) if when.tzinfo is None else when.astimezone(dt.UTC)
    return when.strftime("%Y-%m-%dT%H:%M:%S.") + f"{when.microsecond // 1000:03d}Z"


def body(
    *,
    success: bool,
    description: str,
    result: Sequence[Any] = (),
    validation_errors: Sequence[Any] = (),
    non_field_errors: Sequence[str] = (),
    field_errors: Mapping[str, Sequence[str]] | None = None,
    error_code: str | None = None,
    warnings: Mapping[str, Sequence[str]] | None = None,
) -> dict[str, Any]:
    """One envelope as a JSON-ready dict."""
    return {
        "status": {"success": success, "description": description},
        "result": list(result),
        "timestamp": timestamp(),
        "validationErrors": list(validation_errors),
        "nonFieldErrors": list(non_field_errors),
        "fieldErrors": {k: list(v) for k, v in (field_errors or {}).items()},
        "errorCode": error_code,
        "warnings": {k: list(v) for k, v in (warnings or {}).items()},
    }


def ok(result: Sequence[Any], status: int = 200, warnings: Mapping[str, Sequence[str]] | None = None) -> JSONResponse:
    """A successful envelope."""
    return SafeJSONResponse(body(success=True, description="ok", result=result, warnings=warnings), status_code=status)


class ApiError(Exception):
    """Ends the request with `status` and an error envelope (and `headers`, e.g. Retry-After)."""

    def __init__(
        self,
        status: int,
        *,
        description: str | None = None,
        validation_errors: Sequence[Any] = (),
        non_field_errors: Sequence[str] = (),
        field_errors: Mapping[str, Sequence[str]] | None = None,
        error_code: str | None = None,
        warnings: Mapping[str, Sequence[str]] | None = None,
        headers: Mapping[str, str] | None = None,
    ) -> None:
        super().__init__(description or DESCRIPTIONS.get(status, "error"))
        self.status = status
        self.description = description or DESCRIPTIONS.get(status, "error")
        self.validation_errors = list(validation_errors)
        self.non_field_errors = list(non_field_errors)
        self.field_errors = dict(field_errors or {})
        self.error_code = error_code
        self.warnings = dict(warnings or {})
        self.headers = dict(headers or {})

    def response(self) -> JSONResponse:
        """The envelope this error answers with."""
        return SafeJSONResponse(
            body(success=False, description=self.description, validation_errors=self.validation_errors,
                 non_field_errors=self.non_field_errors, field_errors=self.field_errors,
                 error_code=self.error_code, warnings=self.warnings),
            status_code=self.status, headers=self.headers,
        )
