"""Unbake PNG and SVG badge images: the `unbake` stage (DESIGN.md §1) → `unbake_failed`.

Implements the Open Badges 2.0 Baking Specification ("PNGs: Extracting", "Legacy PNGs", "SVGs:
Extracting") and OB 3.0 §5.3 "Baked Badge" (PNG iTXt `openbadgecredential`, SVG `openbadges:credential`),
under SECURITY.md §3 (PNG structure, decompression bombs) and §4 (SVG/XML). The work is done in
`obverify._engines.bakery.png` and `obverify._engines.bakery.svg_read`; this module only dispatches on the image
type and turns every failure, expected or not, into `Baked(error=...)` so that no bytes can make it raise.

This module imports nothing heavy (no JSON-LD, schema or HTTP code; the PNG reader is struct and zlib),
so `obverify unbake` starts fast; defusedxml is imported only when an SVG is read.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Literal

from obverify._core.baked import Baked
from obverify._core.policy import DEFAULT_POLICY
from obverify._engines.bakery import BakeryError, png

if TYPE_CHECKING:
    from obverify._core.policy import VerificationPolicy
from obverify._engines.bakery.payload import classify

_PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"


def _image_type(data: bytes) -> Literal["png", "svg"] | None:
    if data.startswith(_PNG_SIGNATURE):
        return "png"
    if data.startswith(b"\x1f\x8b"):
        return "svg"
    head = data[:4096].lstrip(b"\xef\xbb\xbf").lstrip()
    if head.startswith(b"<") or data.startswith((b"\xfe\xff", b"\xff\xfe")):
        return "svg"
    return None


def unbake(data: bytes, *, policy: VerificationPolicy | None = None) -> Baked:
    """Return what `data` (a PNG, SVG or gzipped SVG image) holds; never raises on any bytes.

    `policy` gives the image caps (`max_image_bytes` for the image and a gunzipped SVG,
    `max_baked_text_bytes` for text inflated from a compressed PNG chunk); None: the defaults.

    `payload` is the baked text with surrounding whitespace removed, `payload_kind` says whether it is
    JSON (already checked to parse as a JSON object), a compact JWS/JWT or a hosted URL, and `version`
    is the baking's own claim (keyword or namespace). Any failure is `Baked(error=...)`, a message of our
    own that never quotes the payload.
    """
    if not isinstance(data, bytes | bytearray | memoryview):
        raise TypeError(f"unbake needs bytes, not {type(data).__name__}")
    if policy is None:
        policy = DEFAULT_POLICY
    max_image, max_text = policy.max_image_bytes, policy.max_baked_text_bytes
    data = bytes(data)
    image = _image_type(data)
    try:
        if image is None:
            raise BakeryError("not a PNG or SVG image")
        if len(data) > max_image:
            raise BakeryError(f"image larger than {max_image} bytes (max_image_bytes)")
        verify_url: str | None = None
        if image == "png":
            found_png = png.read_badge(data, max_text)
            text, version, location = found_png.text.strip(), found_png.version, found_png.location
        else:
            # not `from ... import`: that form runs Python code on each call
            import obverify._engines.bakery.svg_read as svg

            if data.startswith(b"\x1f\x8b"):
                data = svg.gunzip(data, max_image)
            found_svg = svg.read_badge(data, max_image)
            text, version, location = found_svg.text, found_svg.version, found_svg.location
            verify_url = found_svg.verify_url
        kind = classify(text, version)
    except BakeryError as exc:
        return Baked(image=image, payload=None, payload_kind=None, version=None, error=str(exc))
    except Exception as exc:  # the boundary: never let hostile bytes raise  # noqa: BLE001
        return Baked(
            image=image, payload=None, payload_kind=None, version=None,
            error=f"internal error while unbaking ({type(exc).__name__})",
        )
    return Baked(
        image=image, payload=text, payload_kind=kind, version=version, location=location, verify_url=verify_url
    )
