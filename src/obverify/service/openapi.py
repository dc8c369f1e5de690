"""OpenAPI pieces the routes share: the error responses, and request bodies read by hand.

Import and verify accept JSON, multipart (a file upload) and urlencoded forms, so they read their bodies
themselves and declare the schema here; every other body is a typed model FastAPI validates and describes.
"""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel

from obverify.service.models import Envelope

ERRORS: dict[int | str, dict[str, Any]] = {
    400: {"model": Envelope, "description": "Bad Request: the reasons are in the envelope"},
    401: {"model": Envelope, "description": "No valid auth token found"},
    404: {"model": Envelope, "description": "Entity not found or insufficient privileges"},
    413: {"model": Envelope, "description": "Request body over the limit"},
    415: {"model": Envelope, "description": "Unsupported media type"},
    503: {"model": Envelope, "description": "Too many verifications in progress, or past the deadline"},
}


def body_schema(model: type[BaseModel], *, multipart: bool) -> dict[str, Any]:
    """`openapi_extra` declaring `model` as a JSON body, and (if `multipart`) its form/multipart twin."""
    schema = model.model_json_schema()
    content: dict[str, Any] = {"application/json": {"schema": schema}}
    if multipart:
        form: dict[str, Any] = {}
        for name, prop in schema.get("properties", {}).items():
            if name == "recipient":
                form[name] = {"type": "array", "items": {"type": "string"}}
            elif name == "image":
                form[name] = {"type": "string", "format": "binary", "description": prop.get("description", "")}
            else:
                form[name] = {"type": "string", "description": prop.get("description", "")}
        content["multipart/form-data"] = {"schema": {"type": "object", "properties": form}}
    return {"requestBody": {"required": False, "content": content}}
