"""Loaders: the document store, and (in `policy`/`http`) the network policy and the safe HTTP loader."""

from obverify.loaders.base import Document, Loader
from obverify.loaders.store import DocumentStore

__all__ = ["Document", "DocumentStore", "Loader"]
