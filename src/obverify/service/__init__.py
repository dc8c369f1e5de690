"""The backpack service and verification microservice (`pip install 'obverify[service]'`).

`uvicorn obverify.service:app` builds the application from `OBVERIFY_*` environment variables on first
access of `app` (PEP 562), so importing this package costs nothing and needs no settings; `obverify
serve` sets the same variables and runs uvicorn. `create_app(Settings(...))` builds one explicitly.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from obverify.service.app import create_app
    from obverify.service.settings import Settings

__all__ = ["Settings", "app", "create_app"]


def __getattr__(name: str) -> Any:
    if name == "app":
        from obverify.service.app import create_app

        value: Any = create_app()
    elif name == "create_app":
        from obverify.service.app import create_app as value
    elif name == "Settings":
        from obverify.service import settings

        value = settings.Settings
    else:
        raise AttributeError(f"module 'obverify.service' has no attribute {name!r}")
    globals()[name] = value
    return value
