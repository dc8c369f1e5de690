"""The Pillow engine (issue 11): which PNGs count as real, the decompression-bomb cap, and the thumbnails.

Images come from `fixtures/images/` (made by fixtures/gen/images.py); the thumbnails are opened again with
Pillow to check their format and size.
"""

from __future__ import annotations

import base64
import io
import subprocess
import sys
from pathlib import Path

import pytest
from PIL import Image

from helpers.bounded import peak_extra
from obverify._engines import images

IMAGES = Path(__file__).resolve().parents[2] / "fixtures" / "images"


def fixture(name: str) -> bytes:
    return (IMAGES / name).read_bytes()


def opened(png: bytes) -> Image.Image:
    im = Image.open(io.BytesIO(png))
    im.load()
    return im


@pytest.mark.parametrize(
    ("name", "size"),
    [
        ("thumb-rgba-300x200.png", (96, 64)),  # longest side to 96, aspect kept
        ("thumb-palette-40x40.png", (40, 40)),  # smaller than a thumbnail: never enlarged
        ("thumb-gray16-128x128.png", (96, 96)),
        ("badge.png", (32, 32)),
    ],
)
def test_thumbnail_is_a_small_rgba_png(name: str, size: tuple[int, int]) -> None:
    data = fixture(name)
    assert images.check_png(data) is None
    thumb = images.png_thumbnail(data)
    assert thumb is not None
    assert len(thumb) <= images.MAX_THUMBNAIL_BYTES
    im = opened(thumb)
    assert (im.format, im.size, im.mode) == ("PNG", size, "RGBA")


def test_thumbnail_keeps_the_pixels_and_drops_every_other_chunk() -> None:
    data = fixture("thumb-palette-40x40.png")
    thumb = images.png_thumbnail(data)
    assert thumb is not None
    assert opened(thumb).tobytes() == opened(data).convert("RGBA").tobytes()
    baked = images.png_thumbnail(fixture("thumb-rgba-300x200.png"))
    assert baked is not None
    assert b"openbadges" not in baked  # the badge chunk is not copied into the thumbnail
    assert b"iTXt" not in baked
    assert b"tEXt" not in baked
    assert b"iCCP" not in baked


def test_data_uri_holds_only_base64() -> None:
    uri = images.thumbnail_data_uri(fixture("thumb-rgba-300x200.png"))
    assert uri is not None
    prefix = "data:image/png;base64,"
    assert uri.startswith(prefix)
    body = uri[len(prefix):]
    assert set(body) <= set("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/=")
    assert opened(base64.b64decode(body)).size == (96, 64)


@pytest.mark.parametrize(
    ("name", "fragment"),
    [
        ("bad-garbage-idat.png", "pixel data does not decode"),
        ("bad-short-idat.png", "holds fewer rows than its IHDR promises"),
        ("bad-polyglot-html.png", "follow the PNG's IEND chunk"),
        ("bomb-100000x100000.png", "100000×100000 pixels, over the 16,777,216-pixel limit"),
        ("bomb-8000x8000.png", "8000×8000 pixels, over the 16,777,216-pixel limit"),
        ("badge.svg", "does not start with a PNG signature"),
    ],
)
def test_not_a_real_png(name: str, fragment: str) -> None:
    data = fixture(name)
    problem = images.check_png(data)
    assert problem is not None
    assert fragment in problem
    assert images.png_thumbnail(data) is None
    assert images.thumbnail_data_uri(data) is None


def test_the_bomb_is_refused_before_pillow_decodes_it() -> None:
    # Pillow's own limit (89 M pixels) would let the 64 M-pixel image through and decode 64 MB of zeros
    data = fixture("bomb-8000x8000.png")
    with Image.open(io.BytesIO(data)) as im:
        assert im.size == (8000, 8000)
        assert im.size[0] * im.size[1] < (Image.MAX_IMAGE_PIXELS or 0)
    problem, peak = peak_extra(lambda: images.check_png(data))
    assert problem is not None
    assert "not decoded" in problem
    assert peak < 1024 * 1024, peak


def test_the_bomb_costs_no_decoding_memory_in_a_fresh_process() -> None:
    # tracemalloc does not see Pillow's C allocations; the process's peak resident set does
    script = (
        "import resource, sys\n"
        "from PIL import Image\n"
        "from obverify._engines import images\n"
        "data = open(sys.argv[1], 'rb').read()\n"
        "before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss\n"
        "problem = images.png_thumbnail(data), images.check_png(data)\n"
        "after = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss\n"
        "print(after - before, problem[0] is None, problem[1] is not None)\n"
    )
    for name in ("bomb-8000x8000.png", "bomb-100000x100000.png"):
        out = subprocess.run([sys.executable, "-c", script, str(IMAGES / name)], capture_output=True, text=True,
                             check=True).stdout.split()
        grown_kib, no_thumb, refused = int(out[0]), out[1], out[2]
        assert (no_thumb, refused) == ("True", "True")
        assert grown_kib < 8 * 1024, f"{name}: the peak RSS grew {grown_kib} KiB"


def test_damaged_chunk_and_truncation_are_refused() -> None:
    data = bytearray(fixture("thumb-palette-40x40.png"))
    data[-20] ^= 0xFF  # inside the IDAT: its CRC no longer matches
    problem = images.check_png(bytes(data))
    assert problem is not None
    assert "damaged" in problem
    problem = images.check_png(fixture("badge.png")[:-12])
    assert problem is not None
    assert "IEND" in problem


def test_pillow_global_limit_is_left_alone() -> None:
    before = Image.MAX_IMAGE_PIXELS
    images.check_png(fixture("bomb-8000x8000.png"))
    images.png_thumbnail(fixture("thumb-rgba-300x200.png"))
    assert before == Image.MAX_IMAGE_PIXELS


@pytest.mark.parametrize("data", [b"", b"\x89PNG\r\n\x1a\n", b"\x89PNG\r\n\x1a\n" + b"\x00" * 30, b"GIF89a"])
def test_short_and_foreign_bytes(data: bytes) -> None:
    assert images.check_png(data) is not None
    assert images.png_thumbnail(data) is None


@pytest.mark.parametrize("interlace", [False, True])
@pytest.mark.parametrize(("greyscale", "alpha", "bitdepth"),
                         [(True, False, 1), (True, False, 2), (True, False, 4), (True, True, 8), (False, False, 16),
                          (False, True, 8)])
@pytest.mark.parametrize(("width", "height"), [(1, 1), (3, 5), (9, 9), (33, 17)])
def test_every_scanline_layout_is_counted_right(interlace: bool, greyscale: bool, alpha: bool, bitdepth: int,
                                               width: int, height: int) -> None:
    # pypng writes Adam7-interlaced and sub-byte images, which Pillow cannot write
    import png as pypng

    planes = (1 if greyscale else 3) + alpha
    top = (1 << bitdepth) - 1
    rows = [[(x * 7 + y * 3 + p) % (top + 1) for x in range(width) for p in range(planes)] for y in range(height)]
    out = io.BytesIO()
    pypng.Writer(width, height, greyscale=greyscale, alpha=alpha, bitdepth=bitdepth, interlace=interlace).write(
        out, rows)
    data = out.getvalue()
    assert images.check_png(data) is None
    thumb = images.png_thumbnail(data)
    assert thumb is not None
    assert opened(thumb).size == (width, height)


def _with_idat(body: bytes) -> bytes:
    import struct
    import zlib

    def chunk(t: bytes, b: bytes) -> bytes:
        return struct.pack(">I", len(b)) + t + b + struct.pack(">I", zlib.crc32(t + b))

    ihdr = chunk(b"IHDR", struct.pack(">IIBBBBB", 2, 2, 8, 0, 0, 0, 0))
    return b"\x89PNG\r\n\x1a\n" + ihdr + body + chunk(b"IEND", b"")


def test_image_data_must_match_ihdr_exactly() -> None:
    import struct
    import zlib

    def idat(b: bytes) -> bytes:
        return struct.pack(">I", len(b)) + b"IDAT" + b + struct.pack(">I", zlib.crc32(b"IDAT" + b))

    rows = b"\x00\x01\x02\x00\x03\x04"
    assert images.check_png(_with_idat(idat(zlib.compress(rows)))) is None
    split = zlib.compress(rows)
    assert images.check_png(_with_idat(idat(split[:5]) + idat(split[5:]))) is None  # IDAT split anywhere
    too_long = images.check_png(_with_idat(idat(zlib.compress(rows + b"\x00\x05\x06"))))
    assert too_long is not None
    assert "inflates past" in too_long
    trailing = images.check_png(_with_idat(idat(zlib.compress(rows) + b"hidden")))
    assert trailing is not None
    assert "continues after its zlib stream" in trailing
    extra_chunk = images.check_png(_with_idat(idat(zlib.compress(rows)) + idat(b"more")))
    assert extra_chunk is not None
    assert "continues after its zlib stream" in extra_chunk
    deflate = zlib.compressobj()
    no_end = deflate.compress(rows) + deflate.flush(zlib.Z_SYNC_FLUSH)  # every row there, the stream unfinished
    unfinished = images.check_png(_with_idat(idat(no_end)))
    assert unfinished is not None
    assert "truncated" in unfinished
