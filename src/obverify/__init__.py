"""obverify: import and verify Open Badges 0.5, 1.x, 2.0 and 3.0.

One call decides whether a badge is genuine, whose it is and whether it still holds; every failure is
data in a `Report` with stable codes (DESIGN.md §2, §4), never a traceback.
"""

import importlib
from typing import TYPE_CHECKING, Any

from obverify._core.errors import Code, LoadError, WarningCode

__version__ = "0.1.0"
"""The package version: the single source (pyproject.toml reads it through hatch's version source), so
`obverify --version` needs no `importlib.metadata` (which would import email, zipfile, csv… at start-up)."""

if TYPE_CHECKING:
    from obverify._core.baked import Baked
    from obverify._core.loader import Document, Loader
    from obverify._core.policy import VerificationPolicy
    from obverify._core.report import Check, Finding, RecipientResult, Report
    from obverify._core.url import URL
    from obverify._engines.net.http import HttpLoader
    from obverify._engines.net.policy import NetworkPolicy
    from obverify._engines.net.store import DocumentStore
    from obverify._orchestration.audit.entry import audit, write_csv, write_html, write_jsonl
    from obverify._orchestration.bake import bake
    from obverify._orchestration.importer import (
        ImportedAssertion,
        ImportFinding,
        ImportResult,
        Reverification,
        import_badge,
        reverify_import,
    )
    from obverify._orchestration.pipeline import verify
    from obverify._orchestration.status_list import verify_status_list
    from obverify._orchestration.unbake import unbake

# Loaded on first use (PEP 562): they pull in HTTP, JSON-LD, schema and loader code, which `obverify
# unbake` and `obverify bake` never need, so those commands start fast (a whole `obverify unbake` process is
# under 100 ms); and the bakery, which verifying a JSON or JWS input never needs.
# No public module is named like a public function (the entry functions live in `obverify._orchestration`),
# so importing any submodule never replaces `obverify.audit`, `obverify.bake`, `obverify.unbake` or
# `obverify.verify`: no module-class swap is needed to keep them functions.
_LAZY = {
    "audit": "obverify._orchestration.audit.entry",
    "write_csv": "obverify._orchestration.audit.entry",
    "write_html": "obverify._orchestration.audit.entry",
    "write_jsonl": "obverify._orchestration.audit.entry",
    "bake": "obverify._orchestration.bake",
    "Baked": "obverify._core.baked",
    "unbake": "obverify._orchestration.unbake",
    "ImportResult": "obverify._orchestration.importer",
    "ImportedAssertion": "obverify._orchestration.importer",
    "ImportFinding": "obverify._orchestration.importer",
    "Reverification": "obverify._orchestration.importer",
    "import_badge": "obverify._orchestration.importer",
    "reverify_import": "obverify._orchestration.importer",
    "HttpLoader": "obverify._engines.net.http",
    "NetworkPolicy": "obverify._engines.net.policy",
    "verify": "obverify._orchestration.pipeline",
    "verify_status_list": "obverify._orchestration.status_list",
    "Document": "obverify._core.loader",
    "Loader": "obverify._core.loader",
    "DocumentStore": "obverify._engines.net.store",
    "Check": "obverify._core.report",
    "Finding": "obverify._core.report",
    "RecipientResult": "obverify._core.report",
    "Report": "obverify._core.report",
    "URL": "obverify._core.url",
    "VerificationPolicy": "obverify._core.policy",
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
    "VerificationPolicy",
    "WarningCode",
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
