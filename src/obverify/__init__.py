"""obverify: import and verify Open Badges 0.5, 1.x, 2.0 and 3.0.

One call decides whether a badge is genuine, whose it is and whether it still holds; every failure is
data in a `Report` with stable codes (DESIGN.md §2, §4), never a traceback.
"""

import importlib
import sys
import types
from typing import TYPE_CHECKING, Any

from obverify.errors import Code, LoadError

__version__ = "0.1.0"
"""The package version: the single source (pyproject.toml reads it through hatch's version source), so
`obverify --version` needs no `importlib.metadata` (which would import email, zipfile, csv… at start-up)."""

if TYPE_CHECKING:
    from obverify.audit import audit, write_csv, write_html, write_jsonl
    from obverify.bake import bake
    from obverify.baked import Baked
    from obverify.importer import (
        ImportedAssertion,
        ImportFinding,
        ImportResult,
        Reverification,
        import_badge,
        reverify_import,
    )
    from obverify.loaders.base import Document, Loader
    from obverify.loaders.http import HttpLoader
    from obverify.loaders.policy import NetworkPolicy
    from obverify.loaders.store import DocumentStore
    from obverify.ob3.status import verify_status_list
    from obverify.pipeline import verify
    from obverify.report import Check, Finding, RecipientResult, Report
    from obverify.unbake import unbake
    from obverify.url import URL

# Loaded on first use (PEP 562): they pull in HTTP, JSON-LD, schema and loader code, which `obverify
# unbake` and `obverify bake` never need, so the command line starts fast (issue 3: process < 100 ms); and
# the bakery, which verifying a JSON or JWS input never needs (issue 2: process < 150 ms).
_LAZY = {
    "audit": "obverify.audit",
    "write_csv": "obverify.audit",
    "write_html": "obverify.audit",
    "write_jsonl": "obverify.audit",
    "bake": "obverify.bake",
    "Baked": "obverify.baked",
    "unbake": "obverify.unbake",
    "ImportResult": "obverify.importer",
    "ImportedAssertion": "obverify.importer",
    "ImportFinding": "obverify.importer",
    "Reverification": "obverify.importer",
    "import_badge": "obverify.importer",
    "reverify_import": "obverify.importer",
    "HttpLoader": "obverify.loaders.http",
    "NetworkPolicy": "obverify.loaders.policy",
    "verify": "obverify.pipeline",
    "verify_status_list": "obverify.ob3.status",
    "Document": "obverify.loaders.base",
    "Loader": "obverify.loaders.base",
    "DocumentStore": "obverify.loaders.store",
    "Check": "obverify.report",
    "Finding": "obverify.report",
    "RecipientResult": "obverify.report",
    "Report": "obverify.report",
    "URL": "obverify.url",
}


def __getattr__(name: str) -> Any:
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module 'obverify' has no attribute {name!r}")
    value = getattr(importlib.import_module(module), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    """Exactly the public names (PEP 562): `__all__`, which holds `__version__`, whether or not a lazy name has
    been loaded yet; the helper imports and submodules that also live in the module's namespace are not API."""
    return sorted(__all__)


class _Package(types.ModuleType):
    """Keeps `obverify.audit` the function when the submodule of the same name is imported later."""

    def __setattr__(self, name: str, value: Any) -> None:
        if name in _LAZY and isinstance(value, types.ModuleType) and value.__name__ == _LAZY[name]:
            value = getattr(value, name)
        super().__setattr__(name, value)


sys.modules[__name__].__class__ = _Package

__all__ = [
    "URL",
    "Baked",
    "Check",
    "Code",
    "Document",
    "DocumentStore",
    "Finding",
    "HttpLoader",
    "ImportFinding",
    "ImportResult",
    "ImportedAssertion",
    "LoadError",
    "Loader",
    "NetworkPolicy",
    "RecipientResult",
    "Report",
    "Reverification",
    "__version__",
    "audit",
    "bake",
    "import_badge",
    "reverify_import",
    "unbake",
    "verify",
    "verify_status_list",
    "write_csv",
    "write_html",
    "write_jsonl",
]
