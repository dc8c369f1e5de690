"""Build the loader a run uses from the CLI/API options (DESIGN.md §3, §5).

    record ─▶ DocumentStore (--documents) ─▶ HttpLoader under the NetworkPolicy (unless --offline)

`default_loader` shares one bounded in-process cache between every loader it makes, so a service that
verifies many badges of one issuer fetches its profile and keys once (while the server's `Cache-Control`
allows). The cache key includes the policy, so documents fetched under a relaxed policy are never served
to a stricter one.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from obverify._core.loader import Loader
from obverify._engines.net.cache import DocumentCache
from obverify._engines.net.http import HttpLoader
from obverify._engines.net.policy import NetworkPolicy
from obverify._engines.net.record import RecordingLoader
from obverify._engines.net.store import DocumentStore

if TYPE_CHECKING:
    from pathlib import Path

    from obverify._core.policy import NetworkRules

SHARED_CACHE = DocumentCache()
"""The process-wide cache behind `default_loader` (thread-safe, bounded; `SHARED_CACHE.clear()` empties it)."""


def default_loader(policy: NetworkRules | None = None) -> Loader:
    """The loader used when the caller gives none: the safe HTTP loader under `policy` (a `NetworkPolicy`, as
    `VerificationPolicy.network` holds it; anything else is a `TypeError`), with the shared cache."""
    if policy is not None and not isinstance(policy, NetworkPolicy):
        raise TypeError(f"policy must be a NetworkPolicy, not {type(policy).__name__}")
    return HttpLoader(policy, cache=SHARED_CACHE)  # checked just above: a NetworkPolicy or None


def make_loader(
    *,
    documents: str | Path | None = None,
    offline: bool = False,
    policy: NetworkRules | None = None,
    record: str | Path | None = None,
) -> Loader:
    """A store (if `documents`) in front of the network (unless `offline`), everything recorded (if `record`).

    Raises ValueError (a usage error) for an unreadable store or record directory.
    """
    fallback = None if offline else default_loader(policy)
    loader: Loader
    if documents is not None:
        loader = DocumentStore.from_directory(documents, fallback=fallback)
    elif fallback is None:
        loader = DocumentStore()
    else:
        loader = fallback
    if record is not None:
        try:
            loader = RecordingLoader(loader, record)
        except OSError as exc:
            raise ValueError(f"cannot record into {record}: {exc.strerror}") from None
    return loader
