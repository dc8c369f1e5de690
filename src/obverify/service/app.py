"""`create_app`: the ASGI application of the backpack service and verification microservice.

FastAPI was chosen because it derives `/openapi.json` from the same typed (pydantic) models that validate
the bodies, so the published API description cannot drift from the code, and it sits on Starlette, whose
plain ASGI middleware carries the body limit. Every error leaves through one handler as the seed's
envelope; FastAPI's own 422 becomes the seed's 400.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.openapi.utils import get_openapi
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException as StarletteHTTPException

from obverify.service import backpack, collections, page, verifyapi
from obverify.service.envelope import ApiError, SafeJSONResponse
from obverify.service.inputs import media_type, unsupported
from obverify.service.limits import BodyLimit
from obverify.service.settings import Settings
from obverify.service.state import ServiceState


def _field_errors(exc: RequestValidationError) -> dict[str, list[str]]:
    out: dict[str, list[str]] = {}
    for error in exc.errors():
        loc = [str(part) for part in error.get("loc", ()) if part != "body"]
        out.setdefault(".".join(loc) or "non_field_errors", []).append(str(error.get("msg", "invalid")))
    return out


def create_app(settings: Settings | None = None, *, migrate: bool = True) -> FastAPI:
    """The service for `settings` (default: from the environment); migrations applied first unless told not."""
    settings = settings or Settings.from_env()
    state = ServiceState(settings)
    if migrate:
        from obverify.service.migrate import upgrade

        upgrade(state.engine)

    @asynccontextmanager
    async def lifespan(_app: FastAPI) -> AsyncIterator[None]:
        yield
        state.close()

    app = FastAPI(
        title="obverify backpack service",
        version="1",
        description="The Parchment/Badgr Backpack API and an Open Badges verification service, on obverify.",
        lifespan=lifespan,
        default_response_class=SafeJSONResponse,
    )
    app.state.obverify = state
    app.include_router(backpack.router)
    app.include_router(collections.router)
    app.include_router(verifyapi.router)
    app.include_router(page.router)

    @app.exception_handler(ApiError)
    async def _api_error(_request: Request, exc: ApiError) -> JSONResponse:
        return exc.response()

    @app.exception_handler(RequestValidationError)
    async def _invalid(request: Request, exc: RequestValidationError) -> JSONResponse:
        kind = media_type(request)
        if request.method in {"POST", "PUT"} and kind and kind != "application/json" and not kind.endswith("+json"):
            return unsupported(request).response()
        if any(e.get("type") == "json_invalid" for e in exc.errors()):
            text = "JSON parse error - " + "; ".join(str(e.get("msg")) for e in exc.errors())
            return ApiError(400, validation_errors=[text], error_code="PARSE_ERROR").response()
        return ApiError(400, field_errors=_field_errors(exc), error_code="INVALID_INPUT").response()

    @app.exception_handler(StarletteHTTPException)
    async def _http(_request: Request, exc: StarletteHTTPException) -> JSONResponse:
        status = exc.status_code if exc.status_code in {400, 401, 404, 405, 413, 415} else 400
        return ApiError(status, error_code="NOT_FOUND" if status == 404 else None,
                        headers=dict(exc.headers or {})).response()

    def openapi() -> dict[str, Any]:
        if app.openapi_schema is None:
            schema = get_openapi(title=app.title, version=app.version, description=app.description,
                                 routes=app.routes)
            for path in schema.get("paths", {}).values():
                for operation in path.values():
                    operation.get("responses", {}).pop("422", None)  # answered as the seed's 400
            for name in ("HTTPValidationError", "ValidationError"):
                schema.get("components", {}).get("schemas", {}).pop(name, None)
            app.openapi_schema = schema
        return app.openapi_schema

    app.openapi = openapi  # type: ignore[method-assign]
    app.add_middleware(BodyLimit, limit=settings.max_body)
    return app
