"""Reading the request body of `import` and `verify`: JSON, multipart or a urlencoded form.

Only the transport is decided here (which content types, what a parse error says, how a file upload
becomes bytes); what the values mean, and every check of them, is `import_badge`'s. A content type other
than JSON or a form is 415; a body that does not parse is 400 with the parse error (research §2 rows 3-4).
"""

from __future__ import annotations

import json
from typing import Any

from starlette.datastructures import UploadFile
from starlette.requests import Request

from obverify.service.envelope import ApiError

FORM_TYPES = ("multipart/form-data", "application/x-www-form-urlencoded")
MAX_FORM_FIELDS = 16


def media_type(request: Request) -> str:
    """The request's media type, lowercased, without parameters ("" when absent)."""
    return request.headers.get("content-type", "").split(";")[0].strip().lower()


def unsupported(request: Request) -> ApiError:
    """415 for the request's content type, with DRF's text (research §2 row 4)."""
    text = f'Unsupported media type "{request.headers.get("content-type", "")}" in request.'
    return ApiError(415, description=text, validation_errors=[text], error_code="UNSUPPORTED_MEDIA_TYPE")


async def read_json_object(request: Request) -> dict[str, Any]:
    """The body as a JSON object; an empty body is `{}` (DRF reads it so too)."""
    kind = media_type(request)
    if kind and kind != "application/json" and not kind.endswith("+json"):
        raise unsupported(request)
    raw = await request.body()
    if not raw.strip():
        return {}
    try:
        value = json.loads(raw)
    except (ValueError, UnicodeDecodeError) as exc:
        text = f"JSON parse error - {exc}"
        raise ApiError(400, validation_errors=[text], error_code="PARSE_ERROR") from None
    if not isinstance(value, dict):
        text = f"Invalid data. Expected a dictionary, but got {type(value).__name__}."
        raise ApiError(400, non_field_errors=[text], error_code="INVALID_INPUT")
    return value


async def read_inputs(request: Request) -> dict[str, Any]:
    """The body's fields: from JSON as given; from a form as strings, a file upload as its bytes."""
    kind = media_type(request)
    if kind not in FORM_TYPES:
        return await read_json_object(request)
    try:
        form = await request.form(max_files=2, max_fields=MAX_FORM_FIELDS)
    except Exception as exc:  # noqa: BLE001 (python-multipart raises several types for a malformed body)
        text = f"Multipart form parse error - {exc}"
        raise ApiError(400, validation_errors=[text], error_code="PARSE_ERROR") from None
    out: dict[str, Any] = {}
    try:
        for key, value in form.multi_items():
            if isinstance(value, UploadFile):
                out[key] = await value.read()
            elif key == "recipient":
                out.setdefault("recipient", []).append(value)
            else:
                out[key] = value
    finally:
        await form.close()
    return out
