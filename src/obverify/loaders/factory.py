"""Build the loader a run uses from the CLI/API options. The network issue replaces the plain loader."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from obverify.errors import Code, LoadError
from obverify.loaders.base import Document, Loader
from obverify.loaders.store import DocumentStore


class _NoNetwork:
    """Refuses every URL: the placeholder until the HTTP loader lands."""

    def load(self, url: str, *, accept: str | None = None) -> Document:
        raise LoadError(Code.FETCH_FAILED, url, "no network loader configured")


def default_loader(policy: Any = None) -> Loader:
    """The loader used when the caller gives none: the safe HTTP loader under `policy`."""
    return _NoNetwork()


def make_loader(
    *, documents: str | Path | None = None, offline: bool = False, policy: Any = None
) -> Loader:
    """A store (if `documents`) in front of the network (unless `offline`)."""
    fallback = None if offline else default_loader(policy)
    if documents is not None:
        return DocumentStore.from_directory(documents, fallback=fallback)
    if offline:
        return DocumentStore()
    assert fallback is not None
    return fallback
