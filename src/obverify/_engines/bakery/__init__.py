"""Internals of `unbake` and `bake`: PNG chunk walking (`png`), SVG element location (`svg`), payloads.

Implements the Open Badges 2.0 Baking Specification (PNG iTXt/legacy tEXt, SVG `openbadges:assertion`)
and OB 3.0 §5.3 "Baked Badge" (PNG iTXt `openbadgecredential`, SVG `openbadges:credential`), under the
limits of SECURITY.md §3 (PNG structure and decompression bombs) and §4 (SVG and XML).

Everything here raises `BakeryError` with a message of our own (it never quotes the payload or other
attacker text); `obverify.unbake` turns it into `Baked(error=...)` and `obverify.bake` into `ValueError`.
"""

from __future__ import annotations


class BakeryError(ValueError):
    """A malformed, hostile or badge-less image; the message is ours and quotes nothing of the input."""


MAX_IMAGE_BYTES = 16 * 1024 * 1024
"""Input size cap (SECURITY.md limits table), also applied to an SVG after gunzip."""

MAX_INFLATED_TEXT = 1024 * 1024
"""Cap on inflated OB 2.0 badge text from zTXt or compressed iTXt (SECURITY.md limits table)."""
