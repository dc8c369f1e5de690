"""Bake a badge into a PNG or SVG image (OB 2.0 baking spec; OB 3.0 §5). Placeholder."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any


def bake(image: bytes, payload: str | bytes | Mapping[str, Any]) -> bytes:
    """Return `image` with `payload` baked in; raise `ValueError` if `image` is no PNG or SVG."""
    raise NotImplementedError("baking is not implemented yet")
