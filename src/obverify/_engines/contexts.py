"""Bundled JSON-LD contexts, pinned by SHA-256 and never fetched (DESIGN.md §5, SECURITY.md §6).

`schemas/contexts/index.json` (written by `scripts/bundle_contexts.py`) maps each context URL to a file,
the SHA-256 of its bytes, and its provenance (registry package, version, licence, upstream hash). A file is
checked against its pin when first read. A few contexts no registry package distributes (OB v1, CLR 2.0)
are listed with `"file": null` and a `jcs_sha256` pin: they may be fetched through the run's loader, and
only a document whose RFC 8785 canonical form has that hash is accepted (`fetch_pin`, `matches_pin`).
"""

from __future__ import annotations

import hashlib
from functools import cache
from typing import Any

from obverify._core.resources import read_data
from obverify._core.strictjson import parse_package_json


@cache
def _index() -> dict[str, Any]:
    raw = read_data("contexts/index.json")
    if raw is None:
        return {}
    value = parse_package_json(raw)
    return value if isinstance(value, dict) else {}


@cache
def bundled_context(url: str) -> Any | None:
    """The parsed context document bundled for `url`, or None if none is bundled.

    The value is shared: callers must not mutate it (copy it first).
    """
    entry = _index().get(url)
    if not isinstance(entry, dict) or not isinstance(entry.get("file"), str):
        return None
    raw = read_data(f"contexts/{entry['file']}")
    if raw is None:
        raise RuntimeError(f"bundled context file for {url} is missing")
    if hashlib.sha256(raw).hexdigest() != entry["sha256"]:
        raise RuntimeError(f"bundled context for {url} does not match its pinned SHA-256")
    return parse_package_json(raw)


def bundled_urls() -> list[str]:
    """Every URL served from the bundle (not the fetch-pinned ones)."""
    return [u for u, e in _index().items() if isinstance(e, dict) and isinstance(e.get("file"), str)]


def fetch_pin(url: str) -> str | None:
    """For a context no package distributes: the SHA-256 its RFC 8785 form must have; else None."""
    entry = _index().get(url)
    if isinstance(entry, dict) and entry.get("file") is None and isinstance(entry.get("jcs_sha256"), str):
        return str(entry["jcs_sha256"])
    return None


def matches_pin(url: str, document: Any) -> bool:
    """Whether a fetched `document` is exactly the pinned context for `url` (compared in RFC 8785 form)."""
    pin = fetch_pin(url)
    if pin is None:
        return False
    import rfc8785  # on first use: only a fetched, pinned context needs it (~4 ms of start-up otherwise)

    try:
        canonical = rfc8785.dumps(document)
    except (rfc8785.CanonicalizationError, TypeError, ValueError):
        return False
    return hashlib.sha256(canonical).hexdigest() == pin
