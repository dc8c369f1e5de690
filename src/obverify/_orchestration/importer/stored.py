"""What a backpack stores so it can verify a badge again: the verified document's exact text.

`originalJson` is the text of the document that was verified, byte for byte (BACKPACK-IMPORT-RESEARCH.md
§3): the hosted copy fetched at an OB 2.0 assertion's id (never the presented pointer); for a signed OB 2.0
badge or an OB 3.0 VC-JWT the compact JWS/JWT itself, so that the signature survives; for an OB 3.0 JSON
credential its exact text (re-serialising it could change what a JCS proof covers). Feeding it back to
`verify` gives the import's verdict again.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

from obverify._core.report import Report
from obverify._core.sniff import sniff


def presented_text(kind: str, source: str | bytes, report: Report, image: bytes | None) -> str | None:
    """The text of the badge document the input carried, before any refetch: the assertion text, the payload
    baked into the image, or what the URL answered (unbaked if it answered with an image)."""
    if kind == "assertion" and isinstance(source, bytes):
        return _decode(source)
    if image is not None:
        from obverify._orchestration.unbake import unbake

        baked = unbake(image)
        return baked.payload if baked.ok else None
    if kind == "url" and isinstance(source, str):
        raw = report.originals.get(source)
        if raw is None:
            return None
        if sniff(raw) in ("png", "svg", "svgz"):
            from obverify._orchestration.unbake import unbake

            baked = unbake(raw)
            return baked.payload if baked.ok else None
        return _decode(raw)
    return None


def verified_text(report: Report, presented: str | None) -> str | None:
    """The exact text of the document that was verified (see the module doc)."""
    badge: Mapping[str, Any] = report.badge or {}
    ident = badge.get("id")
    if report.version != "3.0" and isinstance(ident, str):
        hosted = report.originals.get(ident)
        if hosted is not None:
            text = _decode(hosted)
            if text is not None:
                return text
    if presented is None:
        return None
    stripped = presented.lstrip("\ufeff").strip()
    if sniff(stripped.encode("utf-8", "surrogatepass")) == "url":
        # a baked URL: the document verified is the one fetched there (a JWS or JSON answer)
        fetched = report.originals.get(stripped)
        return _decode(fetched) if fetched is not None else None
    return stripped if stripped.startswith(("{", "[")) or "." in stripped else None


def text_of_badge(report: Report) -> str | None:
    """Last resort: the verified badge serialised (for an input given as a mapping with nothing better)."""
    if report.badge is None:
        return None
    try:
        return json.dumps(dict(report.badge), ensure_ascii=False, allow_nan=False)
    except (TypeError, ValueError):
        return None


def _decode(data: bytes) -> str | None:
    try:
        return data.decode("utf-8").lstrip("\ufeff")
    except UnicodeDecodeError:
        return None
