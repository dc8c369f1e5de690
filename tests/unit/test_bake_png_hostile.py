"""Baking into hostile PNGs now that pypng reads and writes the chunks (issue 11).

pypng differs from our own walk in ways an attacker could use, each pinned here:
- it checks the CRC of every chunk (our walk checks only the badge chunk's), and `png.write_chunk`
  computes fresh CRCs, so a damaged chunk must be refused, never silently "repaired" by baking;
- `Reader.chunk` reads `length` bytes with `file.read(length)`: on a real file object CPython allocates the
  whole declared length first (2 GiB for 2^31-1), on `bytes=` (a BytesIO) only what is there. obverify only
  ever hands pypng bytes, after its own walk has checked every length against the bytes left;
- it has no cap on the number of chunks and does not require IHDR first: our walk runs first.
"""

from __future__ import annotations

import io
import struct

import png as pypng
import pytest
from PIL import Image

from helpers import pngkit as k
from helpers.bounded import MAX_EXTRA_BYTES, peak_extra
from obverify import bake, unbake
from obverify._engines.bakery.png import MAX_CHUNKS

ASSERTION = {"@context": "https://w3id.org/openbadges/v2", "id": "https://issuer.example/a/1", "type": "Assertion"}


def refused(image: bytes, fragment: str) -> None:
    """`bake` refuses `image` with `fragment` in its message, under the hostile-image memory bound."""

    def attempt() -> str:
        try:
            bake(image, ASSERTION)
        except ValueError as exc:
            return str(exc)
        return "baked"

    message, peak = peak_extra(attempt)
    assert fragment in message, message
    assert peak < MAX_EXTRA_BYTES, peak


def test_bad_crc_on_an_ordinary_chunk_is_refused_not_repaired() -> None:
    damaged = k.small_png(k.chunk(b"tEXt", b"Comment\x00hello", crc=0x12345678))
    refused(damaged, "fails its CRC check")


def test_bad_crc_on_an_old_badge_chunk_is_refused() -> None:
    damaged = k.small_png(k.chunk(b"iTXt", b"openbadges\x00\x00\x00\x00\x00{}", crc=0))
    refused(damaged, "fails its CRC check")


def test_bad_crc_on_idat_is_refused() -> None:
    idat = k.idat_rgba(3, 2)
    damaged = k.png(k.ihdr(3, 2), idat[:-4] + b"\x00\x00\x00\x00", k.iend())
    refused(damaged, "fails its CRC check")


def test_length_2_31_minus_1_is_refused_without_allocating_it() -> None:
    image = k.png(k.ihdr(1, 1), struct.pack(">I", 0x7FFFFFFF) + b"tEXt" + b"Comment\x00x" * 4, k.iend())
    refused(image, "declares 2147483647 bytes")


def test_length_over_2_31_is_refused() -> None:
    refused(k.png(k.ihdr(1, 1), struct.pack(">I", 0xFFFFFFF0) + b"tEXt" + b"x" * 20), "over 2^31-1")


def test_pypng_on_bytes_does_not_allocate_a_declared_length() -> None:
    # the fence: the property of pypng's Reader(bytes=...) that bake relies on if a length ever got past walk
    image = k.png(k.ihdr(1, 1), struct.pack(">I", 0x7FFFFFFF) + b"tEXt" + b"x" * 64)
    reader = pypng.Reader(bytes=image)
    reader.chunk()  # IHDR

    def second() -> str:
        try:
            reader.chunk()
        except pypng.ChunkError as exc:
            return str(exc)
        return "read"

    message, peak = peak_extra(second)
    assert "too short" in message
    assert peak < 1024 * 1024, peak


def test_many_chunks_are_refused_before_pypng_reads_them() -> None:
    image = k.png(k.ihdr(1, 1), k.chunk(b"teSt", b"") * (MAX_CHUNKS + 10), k.iend())
    refused(image, f"more than {MAX_CHUNKS} chunks")


def test_missing_ihdr_and_truncation_are_refused() -> None:
    refused(k.png(k.chunk(b"tEXt", b"a\x00b"), k.ihdr(1, 1), k.idat_rgba(1, 1), k.iend()), "13-byte IHDR")
    refused(k.small_png()[:-12], "without an IEND")


def test_baked_file_is_a_png_pillow_decodes_with_the_same_pixels() -> None:
    original = k.small_png(k.text(b"Software", b"kit"), width=5, height=4)
    baked = bake(original, ASSERTION)
    with Image.open(io.BytesIO(baked)) as im:
        im.load()  # decodes every pixel and checks the IDAT stream
        assert (im.format, im.size, im.mode) == ("PNG", (5, 4), "RGBA")
        assert im.info.get("Software") == "kit"
        pixels = im.tobytes()
    with Image.open(io.BytesIO(original)) as im:
        assert im.tobytes() == pixels
    assert unbake(baked).ok


@pytest.mark.parametrize("image", [k.small_png(), k.small_png() + b"trailer"])
def test_baking_twice_gives_the_same_bytes(image: bytes) -> None:
    once = bake(image, ASSERTION)
    assert bake(once, ASSERTION) == once
