"""Images inspected or shown to people, through Pillow: the import check of a PNG, and small PNG thumbnails.

The verdict never depends on pixels (the badge is a text chunk, read by `bakery`). Pillow is used where an
image is looked at as an image:

- `check_png`: is an uploaded PNG a real, whole PNG? Badgr's import (BACKPACK-IMPORT-RESEARCH.md §1) opens
  it with PIL and calls `verify()`, which checks the chunk CRCs up to IEND but decodes no pixel, so a PNG of
  garbage pixels passes there; Badgr can afford that because it never stores the uploaded image. obverify
  keeps it (`ImportedImage`, the service's stored original) and shows it, so here the pixels must decode
  too, and nothing may follow IEND: bytes after IEND are how a PNG is made into a PNG+HTML or PNG+ZIP
  polyglot, and no baker needs them (the OB 2.0 Baking Specification puts the badge in a chunk).
- `png_thumbnail` / `thumbnail_data_uri`: a PNG of at most `THUMBNAIL_SIDE` pixels a side, re-encoded from
  the decoded pixels alone (no text chunk, ICC profile, EXIF or trailing bytes survives), at most
  `MAX_THUMBNAIL_BYTES`, for the service page and the audit report.

Bounds (SECURITY.md §3): obverify reads the width and height from IHDR itself and refuses more than
`MAX_PIXELS` (4096×4096) before Pillow sees the file, because decoding allocates about 4 bytes per pixel
(64 MiB at the cap) and a 16 MB file can declare 10^10 pixels. Pillow's own `Image.MAX_IMAGE_PIXELS`
(89 M pixels: a warning, an error past twice that) is process-wide and belongs to the host application, so
it is read, never set. Pillow is opened with `formats=["PNG"]` only, and every exception out of it (it
raises OSError, SyntaxError, IndexError, zlib errors… on hostile files) becomes a message of ours.

SVG is never rasterized: no SVG renderer is trusted with attacker markup, and an SVG's markup is never put
into a page. Pillow is imported on first use (PIL.Image and its PNG plugin: about 30 ms, measured with
-X importtime), never on the verify or unbake paths.
"""

from __future__ import annotations

import base64
import io
import struct
import zlib
from typing import TYPE_CHECKING

from obverify._engines.bakery import BakeryError
from obverify._engines.bakery.png import PNG_SIGNATURE, walk

if TYPE_CHECKING:
    from PIL.Image import Image

MAX_PIXELS = 4096 * 4096
"""The most pixels (width × height, from IHDR) obverify lets Pillow decode: about 64 MiB as RGBA."""
THUMBNAIL_SIDE = 96
"""A thumbnail's longest side in pixels; smaller images keep their size (never enlarged)."""
MAX_THUMBNAIL_BYTES = 48 * 1024
"""The largest thumbnail PNG embedded in a page (96×96 RGBA is 36 KiB raw, so only a broken encoder hits it)."""


def png_size(data: bytes) -> tuple[int, int] | None:
    """(width, height) from the IHDR chunk that must follow the PNG signature, or None if there is none."""
    if len(data) < 24 or not data.startswith(PNG_SIGNATURE) or data[12:16] != b"IHDR":
        return None
    width, height = struct.unpack_from(">II", data, 16)
    return width, height


def _decode(data: bytes) -> Image | str:
    """The decoded image of a whole PNG, or why there is none (our words, quoting nothing of the file)."""
    size = png_size(data)
    if size is None:
        return "the file does not start with a PNG signature and an IHDR chunk"
    width, height = size
    if width == 0 or height == 0:
        return "the PNG declares an empty image"
    if width * height > MAX_PIXELS:
        return f"the PNG declares {width}×{height} pixels, over the {MAX_PIXELS:,}-pixel limit; it was not decoded"
    end = len(PNG_SIGNATURE)
    try:
        for _, start, length in walk(data):
            end = start + length + 4
    except BakeryError as exc:
        return str(exc)
    if end != len(data):
        return f"{len(data) - end} bytes follow the PNG's IEND chunk (a polyglot file); they are not accepted"
    from PIL import Image as PILImage

    try:
        with PILImage.open(io.BytesIO(data), formats=["PNG"]) as probe:
            probe.verify()  # every chunk's CRC up to IEND, as Badgr checks
    except Exception:  # noqa: BLE001 - the fence: Pillow raises many types on hostile files
        return "the PNG's chunks are damaged (Pillow's verify failed)"
    problem = _image_data_size_problem(data)
    if problem is not None:
        return problem
    try:
        image = PILImage.open(io.BytesIO(data), formats=["PNG"])
        image.load()
    except Exception:  # noqa: BLE001
        return "the PNG's pixel data does not decode (truncated or corrupt image data)"
    return image


_CHANNELS = {0: 1, 2: 3, 3: 1, 4: 2, 6: 4}  # PNG §6.1: samples per pixel of each colour type
_ADAM7 = ((0, 0, 8, 8), (4, 0, 8, 8), (0, 4, 4, 8), (2, 0, 4, 4), (0, 2, 2, 4), (1, 0, 2, 2), (0, 1, 1, 2))
_INFLATE_STEP = 64 * 1024


def _expected_image_data(ihdr: bytes) -> int | None:
    """How many bytes the IDAT stream must inflate to (PNG §7.2 scanlines with filter bytes, §8.2 Adam7)."""
    width, height, depth, color, _, _, interlace = struct.unpack(">IIBBBBB", ihdr)
    if color not in _CHANNELS or interlace not in (0, 1):
        return None
    bits = _CHANNELS[color] * depth

    def rows(w: int, h: int) -> int:
        return 0 if w <= 0 or h <= 0 else h * (1 + (w * bits + 7) // 8)

    if interlace == 0:
        return rows(width, height)
    return sum(rows((width - x0 + dx - 1) // dx, (height - y0 + dy - 1) // dy) for x0, y0, dx, dy in _ADAM7)


def _image_data_size_problem(data: bytes) -> str | None:
    """Why the IDAT stream does not inflate to exactly the scanlines IHDR promises, or None.

    Pillow treats a zlib stream that ends early as the whole image (the missing rows stay blank) and
    ignores data after it, so both are checked here: inflated in 64 KiB steps and only counted, so the
    memory stays 64 KiB whatever the stream claims.
    """
    expected = _expected_image_data(data[16:29])
    if expected is None:
        return "the PNG's IHDR has an unknown colour type or interlace method"
    view = memoryview(data)
    inflater = zlib.decompressobj()
    total = 0
    try:
        for ctype, start, length in walk(data):
            if ctype != b"IDAT":
                continue
            if inflater.eof:
                return "the PNG's image data continues after its zlib stream ends"
            pending: memoryview | bytes = view[start:start + length]
            while pending and not inflater.eof:
                total += len(inflater.decompress(pending, _INFLATE_STEP))
                if total > expected:
                    return "the PNG's image data inflates past the size its IHDR promises"
                pending = inflater.unconsumed_tail
            if inflater.unused_data:
                return "the PNG's image data continues after its zlib stream ends"
    except (zlib.error, BakeryError):
        return "the PNG's pixel data does not decode (truncated or corrupt image data)"
    if not inflater.eof or total != expected:
        return "the PNG's image data is truncated: it holds fewer rows than its IHDR promises"
    return None


def check_png(data: bytes) -> str | None:
    """None when `data` is a whole PNG whose pixels decode; else why not, in our words."""
    decoded = _decode(data)
    if isinstance(decoded, str):
        return decoded
    decoded.close()
    return None


def png_thumbnail(data: bytes) -> bytes | None:
    """A PNG of at most THUMBNAIL_SIDE pixels a side showing `data`'s pixels, or None if it has none to show."""
    decoded = _decode(data)
    if isinstance(decoded, str):
        return None
    from PIL import Image as PILImage

    with decoded:
        image = decoded if decoded.mode in ("RGB", "RGBA", "L", "LA") else decoded.convert("RGBA")
        image.thumbnail((THUMBNAIL_SIDE, THUMBNAIL_SIDE), PILImage.Resampling.LANCZOS)
        rgba = image.convert("RGBA")
    clean = PILImage.frombytes("RGBA", rgba.size, rgba.tobytes())  # pixels only: no chunk of the upload survives
    out = io.BytesIO()
    clean.save(out, "PNG", optimize=True)
    encoded = out.getvalue()
    return encoded if len(encoded) <= MAX_THUMBNAIL_BYTES else None


def thumbnail_data_uri(data: bytes) -> str | None:
    """`png_thumbnail` as a `data:image/png;base64,` URI (only base64 characters: safe in an attribute)."""
    thumb = png_thumbnail(data)
    return None if thumb is None else "data:image/png;base64," + base64.b64encode(thumb).decode("ascii")
