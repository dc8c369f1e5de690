"""An in-process, bounded, thread-safe document cache honouring `Cache-Control` (RFC 9111 §5.2, §4.2.1).

A service verifying many badges from one issuer should fetch the issuer profile and keys once, but must not
keep a revocation answer longer than the server allows. So the cache stores a response only when the
server gave it an explicit lifetime (`s-maxage`, else `max-age`, minus `Age`), never when it says
`no-store`, `no-cache` or `private` (this is a shared cache: one process serves many users), and never
longer than `max_ttl_s`. Without an explicit lifetime nothing is cached unless `default_ttl_s` says so.
Entries are bounded in number and in total bytes, least recently used first out.
"""

from __future__ import annotations

import threading
import time
from collections import OrderedDict
from collections.abc import Callable, Hashable

from obverify._core.loader import Document

MiB = 1024 * 1024


def freshness_lifetime(cache_control: str | None, age: str | None = None) -> float | None:
    """Seconds a response may be reused, from its `Cache-Control` and `Age`; 0 if it must not be stored.

    None means the server gave no explicit lifetime (the caller's default applies).
    """
    if cache_control is None:
        return None
    directives: dict[str, str | None] = {}
    for item in cache_control.split(","):
        name, _, value = item.strip().partition("=")
        if name:
            directives[name.strip().lower()] = value.strip().strip('"') if value else None
    if {"no-store", "no-cache", "private"} & directives.keys():
        return 0.0
    lifetime: float | None = None
    for name in ("s-maxage", "max-age"):
        raw = directives.get(name)
        if raw is not None:
            lifetime = float(int(raw)) if raw.isdigit() else 0.0
            break
    if lifetime is None:
        return None
    if age is not None and age.strip().isdigit():
        lifetime -= int(age.strip())
    return max(lifetime, 0.0)


class DocumentCache:
    """A bounded LRU of documents with per-entry expiry; safe to share between threads and loaders."""

    def __init__(
        self,
        *,
        max_entries: int = 512,
        max_bytes: int = 64 * MiB,
        max_ttl_s: float = 3600.0,
        default_ttl_s: float = 0.0,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.max_entries = max_entries
        self.max_bytes = max_bytes
        self.max_ttl_s = max_ttl_s
        self.default_ttl_s = default_ttl_s
        self._clock = clock
        self._lock = threading.Lock()
        self._entries: OrderedDict[Hashable, tuple[float, Document]] = OrderedDict()
        self._bytes = 0
        self.hits = 0
        self.misses = 0

    def ttl_for(self, cache_control: str | None, age: str | None = None) -> float:
        """How long to keep a response with these headers (0: do not store)."""
        lifetime = freshness_lifetime(cache_control, age)
        if lifetime is None:
            lifetime = self.default_ttl_s
        return min(lifetime, self.max_ttl_s)

    def get(self, key: Hashable) -> Document | None:
        """The cached document for `key` if still fresh."""
        with self._lock:
            entry = self._entries.get(key)
            if entry is None:
                self.misses += 1
                return None
            expires, doc = entry
            if self._clock() >= expires:
                self._drop(key)
                self.misses += 1
                return None
            self._entries.move_to_end(key)
            self.hits += 1
            return doc

    def put(self, key: Hashable, doc: Document, ttl_s: float) -> None:
        """Keep `doc` for `ttl_s` seconds (nothing happens for ttl <= 0 or a document over the byte bound)."""
        if ttl_s <= 0 or len(doc.content) > self.max_bytes:
            return
        with self._lock:
            if key in self._entries:
                self._drop(key)
            self._entries[key] = (self._clock() + ttl_s, doc)
            self._bytes += len(doc.content)
            while len(self._entries) > self.max_entries or self._bytes > self.max_bytes:
                oldest = next(iter(self._entries))
                self._drop(oldest)

    def _drop(self, key: Hashable) -> None:
        _, doc = self._entries.pop(key)
        self._bytes -= len(doc.content)

    def clear(self) -> None:
        """Forget everything."""
        with self._lock:
            self._entries.clear()
            self._bytes = 0

    def __len__(self) -> int:
        with self._lock:
            return len(self._entries)

    @property
    def size_bytes(self) -> int:
        """Total bytes held."""
        with self._lock:
            return self._bytes
