"""The loader seam: how a run obtains documents. `Loader` (the protocol) and `Document` (what it returns),
`LoadError`, the safe `HttpLoader`, the offline `DocumentStore`, and `URL`.

A public facade (the stable import path): it only re-exports; no private module imports it.
"""

from obverify._core.errors import LoadError
from obverify._core.loader import Document, Loader
from obverify._core.url import URL
from obverify._engines.net.http import HttpLoader
from obverify._engines.net.store import DocumentStore

__all__ = ["URL", "Document", "DocumentStore", "HttpLoader", "LoadError", "Loader"]
