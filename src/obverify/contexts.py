"""Bundled JSON-LD contexts, pinned by SHA-256 and never fetched (DESIGN.md §5, SECURITY.md §6).

`schemas/contexts/index.json` maps each canonical context URL to a file and its SHA-256; the file is
checked against the pin when first read. Placeholder until the contexts land.
"""

from __future__ import annotations

import hashlib
from functools import cache
from typing import Any

from obverify.resources import data_dir
from obverify.strictjson import parse_json


@cache
def _index() -> dict[str, Any]:
    path = data_dir() / "contexts" / "index.json"
    if not path.is_file():
        return {}
    value = parse_json(path.read_bytes())
    return value if isinstance(value, dict) else {}


@cache
def bundled_context(url: str) -> Any | None:
    """The parsed context document bundled for `url`, or None if none is bundled."""
    entry = _index().get(url)
    if not isinstance(entry, dict):
        return None
    raw = (data_dir() / "contexts" / entry["file"]).read_bytes()
    if hashlib.sha256(raw).hexdigest() != entry["sha256"]:
        raise RuntimeError(f"bundled context for {url} does not match its pinned SHA-256")
    return parse_json(raw, max_depth=256)
