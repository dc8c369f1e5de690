"""The loader seam (DESIGN.md §5): the only way from the pipeline to documents outside the input.

A `Loader` turns an absolute URL into a `Document` or raises `LoadError` with `fetch_failed` or
`url_blocked`. The pipeline never knows whether the bytes came from a store, a cache or the network.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol, runtime_checkable


@dataclass(frozen=True, slots=True)
class Document:
    """A loaded document: the bytes, the declared content type, the final URL and the HTTP status.

    `status` is 200 for stored documents; a hosted OB 2.0 assertion may be served with 410 (revoked).
    Frozen and slotted (an answer cannot change afterwards); a loader builds one with keywords or
    positionally in this order.
    """

    url: str
    content: bytes
    content_type: str | None = None
    status: int = 200
    final_url: str | None = None


@runtime_checkable
class Loader(Protocol):
    """Anything that can load a URL. Implementations must be safe to call from several threads."""

    def load(self, url: str, *, accept: str | None = None) -> Document:
        """Return the document at `url`, or raise `obverify._core.errors.LoadError`."""
        ...
