"""obverify: import and verify Open Badges 0.5, 1.x, 2.0 and 3.0.

One call decides whether a badge is genuine, whose it is and whether it still holds; every failure is
data in a `Report` with stable codes (DESIGN.md §2, §4), never a traceback.
"""

from obverify.audit import audit
from obverify.bake import bake
from obverify.baked import Baked
from obverify.errors import Code, LoadError
from obverify.importer import ImportResult, import_badge
from obverify.loaders.base import Document, Loader
from obverify.loaders.http import HttpLoader
from obverify.loaders.policy import NetworkPolicy
from obverify.loaders.store import DocumentStore
from obverify.pipeline import verify
from obverify.report import Check, Finding, RecipientResult, Report
from obverify.unbake import unbake

__all__ = [
    "Baked",
    "Check",
    "Code",
    "Document",
    "DocumentStore",
    "Finding",
    "HttpLoader",
    "ImportResult",
    "LoadError",
    "Loader",
    "NetworkPolicy",
    "RecipientResult",
    "Report",
    "audit",
    "bake",
    "import_badge",
    "unbake",
    "verify",
]
