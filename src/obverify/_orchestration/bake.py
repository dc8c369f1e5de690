"""Bake a badge into a PNG or SVG image (OB 2.0 Baking Specification; OB 3.0 §5.3 "Baked Badge").

PNG: one uncompressed iTXt chunk right after IHDR (keyword `openbadges` for OB 2.0, `openbadgecredential`
for OB 3.0), replacing any earlier badge chunk; every other chunk keeps its bytes (pypng reads and writes
the chunks, refusing any chunk with a bad CRC). SVG: one
`openbadges:assertion` (namespace `http://openbadges.org`) or `openbadges:credential`
(`https://purl.imsglobal.org/ob/v3p0`) element right after the root start tag, the namespace declared on
the root, replacing any earlier badge element; JSON goes in CDATA (any `]]>` split), a JWS/JWT or URL in
`verify`. The SVG text is spliced, not re-serialized. The result is unbaked again before it is returned,
so `bake` never hands out an image that `unbake` would not read back.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, Literal

from obverify._engines.bakery import BakeryError
from obverify._engines.bakery.payload import hosted_url, prepare

if TYPE_CHECKING:
    from obverify._core.policy import VerificationPolicy


def bake(
    image: bytes,
    payload: str | bytes | Mapping[str, Any],
    *,
    version: Literal["2.0", "3.0"] | None = None,
    policy: VerificationPolicy | None = None,
) -> bytes:
    """Return `image` with `payload` baked in; raise `ValueError` for a non-image or a bad payload.

    `payload` is JSON text or a mapping (an assertion or credential), a compact JWS/JWT, or a hosted URL.
    The version follows the payload (a VC JSON or a VC-JWT is OB 3.0, anything else OB 2.0); `version`
    forces it, e.g. to bake a deliberately broken token for a test. `policy` gives the image caps the
    result is read back under (`max_image_bytes`, `max_baked_text_bytes`; None: the defaults).
    """
    from obverify._orchestration.unbake import unbake

    if not isinstance(image, bytes | bytearray | memoryview):
        raise TypeError(f"cannot bake into a {type(image).__name__}")
    image = bytes(image)
    try:
        text, kind, ver = prepare(payload, version)
        if image.startswith(b"\x89PNG\r\n\x1a\n"):
            from obverify._engines.bakery import png

            out = png.bake(image, text, ver)
        else:
            from obverify._engines.bakery import svg_write as svg

            head = image[:4096].lstrip(b"\xef\xbb\xbf").lstrip()
            if not (image.startswith(b"\x1f\x8b") or head.startswith(b"<")):
                raise BakeryError("the image is neither PNG nor SVG")
            url = hosted_url(text) if kind == "json" and ver == "2.0" else None
            out = svg.bake(image, text, kind, ver, url)
    except BakeryError as exc:
        raise ValueError(str(exc)) from None
    check = unbake(out, policy=policy)
    if not check.ok:
        raise ValueError(f"the baked image does not read back: {check.error}")
    return out
