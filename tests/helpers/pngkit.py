"""A tiny PNG writer for tests: any chunk, any length, any CRC, so hostile files can be built exactly.

It builds files with struct and `zlib.crc32` rather than an imaging library, because the files it makes
are deliberately broken (lying lengths, bad CRCs, duplicated or misplaced chunks, decompression bombs).
"""

from __future__ import annotations

import struct
import zlib

SIGNATURE = b"\x89PNG\r\n\x1a\n"


def chunk(ctype: bytes, body: bytes, *, crc: int | None = None, length: int | None = None) -> bytes:
    """One chunk; `crc` and `length` override the true values to build broken files."""
    real_crc = zlib.crc32(ctype + body)
    return struct.pack(">I", len(body) if length is None else length) + ctype + body + struct.pack(
        ">I", real_crc if crc is None else crc
    )


def ihdr(width: int, height: int, *, color_type: int = 6) -> bytes:
    """An IHDR chunk for 8-bit samples (color type 6 = RGBA, 2 = RGB)."""
    return chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 8, color_type, 0, 0, 0))


def idat_rgba(width: int, height: int, seed: int = 1) -> bytes:
    """An IDAT chunk with deterministic RGBA pixels (filter type 0 on every row)."""
    rows = []
    for y in range(height):
        row = bytes(((x * 31 + y * 17 + seed * 7 + c * 59) % 256) for x in range(width) for c in range(4))
        rows.append(b"\x00" + row)
    return chunk(b"IDAT", zlib.compress(b"".join(rows)))


def iend() -> bytes:
    """The IEND chunk."""
    return chunk(b"IEND", b"")


def png(*chunks: bytes) -> bytes:
    """Signature followed by the given chunks, as they are."""
    return SIGNATURE + b"".join(chunks)


def small_png(*extra_after_ihdr: bytes, width: int = 3, height: int = 2) -> bytes:
    """A valid RGBA PNG with `extra_after_ihdr` chunks inserted after IHDR."""
    return png(ihdr(width, height), *extra_after_ihdr, idat_rgba(width, height), iend())


def itxt(keyword: bytes, text: bytes, *, compressed: bool = False, lang: bytes = b"", translated: bytes = b"") -> bytes:
    """An iTXt chunk; `compressed` deflates the text with flag 1, method 0."""
    body = zlib.compress(text) if compressed else text
    flag = b"\x01\x00" if compressed else b"\x00\x00"
    return chunk(b"iTXt", keyword + b"\x00" + flag + lang + b"\x00" + translated + b"\x00" + body)


def itxt_raw(keyword: bytes, flag: bytes, compressed_body: bytes) -> bytes:
    """An iTXt chunk whose (possibly compressed) body is given as is."""
    return chunk(b"iTXt", keyword + b"\x00" + flag + b"\x00\x00" + compressed_body)


def text(keyword: bytes, value: bytes) -> bytes:
    """A tEXt chunk."""
    return chunk(b"tEXt", keyword + b"\x00" + value)


def ztxt(keyword: bytes, value: bytes) -> bytes:
    """A zTXt chunk (compression method 0)."""
    return chunk(b"zTXt", keyword + b"\x00\x00" + zlib.compress(value))


def zlib_bomb(inflated_bytes: int, block: int = 1 << 20) -> bytes:
    """A zlib stream inflating to about `inflated_bytes` zeros, built without ever holding them.

    Each full-flushed block is byte-aligned and independent, so one compressed block of `block` zeros is
    repeated as many times as needed; the trailing checksum is wrong, which the cap must hit first.
    """
    comp = zlib.compressobj(9)
    head = comp.compress(b"\x00" * block) + comp.flush(zlib.Z_FULL_FLUSH)
    middle = comp.compress(b"\x00" * block) + comp.flush(zlib.Z_FULL_FLUSH)
    tail = comp.flush()
    return head + middle * max(0, inflated_bytes // block - 1) + tail
