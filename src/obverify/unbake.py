"""Unbake PNG and SVG badge images (OB 2.0 baking spec; OB 3.0 §5 document formats). Placeholder."""

from __future__ import annotations

from obverify.baked import Baked


def unbake(data: bytes) -> Baked:
    """Return what `data` (a PNG or SVG image) holds; never raises on any bytes."""
    return Baked(image=None, payload=None, payload_kind=None, version=None, error="unbaking is not implemented yet")
