"""PNG unbaking (OB 2.0 Baking "PNGs", OB 3.0 §5.3.1, SECURITY.md §3): every baking variant and hostile file."""

from __future__ import annotations

import json
import struct
from pathlib import Path

import pytest

from helpers import pngkit as k
from helpers.bounded import MAX_EXTRA_BYTES, peak_extra
from obverify import Baked, unbake
from obverify._engines.bakery.png import MAX_CHUNKS

ASSERTION = json.dumps({
    "@context": "https://w3id.org/openbadges/v2", "id": "https://issuer.example/assertions/1", "type": "Assertion",
}).encode()
VC = json.dumps({
    "@context": ["https://www.w3.org/ns/credentials/v2"], "type": ["VerifiableCredential", "OpenBadgeCredential"],
}).encode()
JWT = b"eyJhbGciOiJFZERTQSJ9.eyJ2YyI6e319.c2lnbmF0dXJl"
MARKER = "SECRET-MARKER-7f3a"


def ok(data: bytes) -> Baked:
    baked = unbake(data)
    assert baked.ok, baked.error
    assert baked.image == "png"
    return baked


def fails(data: bytes, fragment: str) -> Baked:
    """Unbake a hostile file: it must fail with `fragment` in our message, under 64 MB of extra memory."""
    baked, peak = peak_extra(lambda: unbake(data))
    assert not baked.ok
    assert baked.payload is None
    assert baked.error is not None
    assert fragment in baked.error, baked.error
    assert MARKER not in baked.error
    assert peak < MAX_EXTRA_BYTES, peak
    return baked


@pytest.mark.parametrize(
    ("chunk", "version", "location"),
    [
        (k.itxt(b"openbadges", ASSERTION), "2.0", "iTXt openbadges"),
        (k.itxt(b"openbadges", ASSERTION, compressed=True), "2.0", "iTXt openbadges (compressed)"),
        (k.itxt(b"openbadges", ASSERTION, lang=b"en", translated=b"Abzeichen"), "2.0", "iTXt openbadges"),
        (k.text(b"openbadges", ASSERTION), "2.0", "tEXt openbadges"),
        (k.ztxt(b"openbadges", ASSERTION), "2.0", "zTXt openbadges"),
        (k.itxt(b"openbadgecredential", VC), "3.0", "iTXt openbadgecredential"),
    ],
)
def test_every_json_baking_reads(chunk: bytes, version: str, location: str) -> None:
    baked = ok(k.small_png(chunk))
    assert baked.payload_kind == "json"
    assert baked.version == version
    assert baked.location == location
    assert baked.payload is not None
    assert json.loads(baked.payload) == json.loads(VC if version == "3.0" else ASSERTION)


def test_ob3_jwt_and_ob2_jws_and_legacy_url() -> None:
    assert ok(k.small_png(k.itxt(b"openbadgecredential", JWT))).payload_kind == "jws"
    signed = ok(k.small_png(k.itxt(b"openbadges", JWT)))
    assert (signed.payload_kind, signed.version, signed.payload) == ("jws", "2.0", JWT.decode())
    legacy = ok(k.small_png(k.text(b"openbadges", b"https://issuer.example/assertions/1\n")))
    assert (legacy.payload_kind, legacy.payload) == ("url", "https://issuer.example/assertions/1")


def test_badge_chunk_after_idat_is_found() -> None:
    data = k.png(k.ihdr(3, 2), k.idat_rgba(3, 2), k.itxt(b"openbadges", ASSERTION), k.iend())
    assert ok(data).payload == ASSERTION.decode()


def test_other_text_chunks_are_ignored() -> None:
    data = k.small_png(k.text(b"Software", b"x"), k.itxt(b"openbadgesX", b"y"), k.itxt(b"openbadges", ASSERTION))
    assert ok(data).payload == ASSERTION.decode()


def test_utf8_text_survives() -> None:
    payload = json.dumps({"name": "Zertifikat für Ünïcödé ✓"}, ensure_ascii=False).encode()
    assert json.loads(ok(k.small_png(k.itxt(b"openbadges", payload))).payload or "") == json.loads(payload)
    assert json.loads(ok(k.small_png(k.text(b"openbadges", payload))).payload or "") == json.loads(payload)


# --- hostile files: each one fails with unbake_failed, a clear message, bounded memory ---------------


def test_zlib_bomb_in_ztxt() -> None:
    bomb = k.zlib_bomb(2 << 30)  # 2 GiB of zeros in about 2 MB
    data = k.small_png(k.chunk(b"zTXt", b"openbadges\x00\x00" + bomb))
    fails(data, "decompression bomb")


def test_zlib_bomb_in_compressed_itxt() -> None:
    data = k.small_png(k.itxt_raw(b"openbadges", b"\x01\x00", k.zlib_bomb(2 << 30)))
    fails(data, "decompression bomb")


def test_ob3_compressed_itxt_is_refused() -> None:
    fails(k.small_png(k.itxt(b"openbadgecredential", VC, compressed=True)), "forbids compression")


def test_ob3_in_text_chunk_is_refused() -> None:
    fails(k.small_png(k.text(b"openbadgecredential", VC)), "uncompressed iTXt")


def test_length_past_end_of_file() -> None:
    data = k.small_png(k.chunk(b"iTXt", b"openbadges\x00\x00\x00\x00\x00" + ASSERTION, length=10_000))
    fails(data, "declares 10000 bytes")


def test_length_over_2_31() -> None:
    data = k.png(k.ihdr(1, 1), struct.pack(">I", 0xFFFFFFF0) + b"iTXt" + b"openbadges\x00")
    fails(data, "2^31-1")


def test_bad_crc_on_badge_chunk() -> None:
    body = b"openbadges\x00\x00\x00\x00\x00" + ASSERTION
    fails(k.small_png(k.chunk(b"iTXt", body, crc=0x12345678)), "CRC")


@pytest.mark.parametrize("cut", [1, 7, 8, 20, 33, 60, -13, -1])
def test_truncated(cut: int) -> None:
    data = k.small_png(k.itxt(b"openbadges", ASSERTION))
    baked, peak = peak_extra(lambda: unbake(data[:cut]))
    assert not baked.ok
    assert baked.error
    assert peak < MAX_EXTRA_BYTES


def test_truncated_message() -> None:
    fails(k.small_png(k.itxt(b"openbadges", ASSERTION))[:-12], "ends without an IEND")


@pytest.mark.parametrize(
    "second",
    [
        k.itxt(b"openbadges", b'{"other": 1}'),
        k.text(b"openbadges", b"https://elsewhere.example/a"),
        k.ztxt(b"openbadges", b'{"other": 1}'),
        k.itxt(b"openbadgecredential", VC),
    ],
)
def test_duplicated_badge_chunk(second: bytes) -> None:
    data = k.png(k.ihdr(3, 2), k.itxt(b"openbadges", ASSERTION), k.idat_rgba(3, 2), second, k.iend())
    fails(data, "more than one badge chunk")


def test_150k_chunks() -> None:
    filler = k.chunk(b"teSt", b"") * 150_000
    data = k.png(k.ihdr(1, 1), filler, k.itxt(b"openbadges", ASSERTION), k.iend())
    fails(data, f"more than {MAX_CHUNKS} chunks")


def test_badge_after_iend_is_not_read() -> None:
    data = k.small_png() + k.itxt(b"openbadges", ASSERTION)
    fails(data, "no Open Badges chunk")


def test_no_badge() -> None:
    fails(k.small_png(k.text(b"Software", b"test")), "no Open Badges chunk")


def test_must_start_with_ihdr() -> None:
    fails(k.png(k.itxt(b"openbadges", ASSERTION), k.ihdr(1, 1), k.iend()), "IHDR")


def test_invalid_chunk_type() -> None:
    fails(k.png(k.ihdr(1, 1), k.chunk(b"\x00\x01ab", b""), k.iend()), "invalid type")


def test_bad_signature_is_not_a_png() -> None:
    baked = unbake(b"\x89PNX\r\n\x1a\n" + b"\x00" * 40)
    assert not baked.ok
    assert baked.error == "not a PNG or SVG image"


@pytest.mark.parametrize(
    ("body", "fragment"),
    [
        (b"openbadges\x00\x02\x00\x00\x00x", "compression flag"),
        (b"openbadges\x00\x01\x05\x00\x00x", "compression flag"),
        (b"openbadges\x00\x00\x00en", "language tag"),
        (b"openbadges\x00", "truncated"),
        (b"openbadges\x00\x00\x00\x00\x00\xff\xfe", "not UTF-8"),
        (b"openbadges\x00\x01\x00\x00\x00not zlib", "not a valid zlib stream"),
    ],
)
def test_malformed_itxt(body: bytes, fragment: str) -> None:
    fails(k.small_png(k.chunk(b"iTXt", body)), fragment)


def test_truncated_zlib_stream() -> None:
    import zlib

    stream = zlib.compress(ASSERTION)[:-6]
    fails(k.small_png(k.chunk(b"zTXt", b"openbadges\x00\x00" + stream)), "truncated zlib")


def test_ztxt_unknown_method() -> None:
    fails(k.small_png(k.chunk(b"zTXt", b"openbadges\x00\x07abc")), "compression method")


@pytest.mark.parametrize(
    ("text", "fragment"),
    [
        (b"", "empty"),
        (b"   \n", "empty"),
        (f'{{"a": "{MARKER}",}}'.encode(), "not usable"),
        (f'["{MARKER}"]'.encode(), "not an object"),
        (f"hello {MARKER}".encode(), "neither JSON"),
    ],
)
def test_payload_is_checked_and_never_echoed(text: bytes, fragment: str) -> None:
    fails(k.small_png(k.itxt(b"openbadges", text)), fragment)


def test_ob3_url_is_refused() -> None:
    fails(k.small_png(k.itxt(b"openbadgecredential", b"https://issuer.example/c/1")), "URL")


def test_bytearray_and_memoryview_are_accepted() -> None:
    data = k.small_png(k.itxt(b"openbadges", ASSERTION))
    assert unbake(bytearray(data)).ok  # type: ignore[arg-type]
    assert unbake(memoryview(data)).ok  # type: ignore[arg-type]


def test_wrong_type_is_a_programmer_error() -> None:
    with pytest.raises(TypeError):
        unbake("not bytes")  # type: ignore[arg-type]


# --- the shared interop corpus ------------------------------------------------------------------------


def test_interop_pngs(interop_dir: Path) -> None:
    heart = unbake((interop_dir / "bakery/concentricsky/baked_heart.png").read_bytes())
    assert (heart.ok, heart.version, heart.payload_kind, heart.location) == (True, "2.0", "json", "iTXt openbadges")
    assert heart.payload is not None
    value = json.loads(heart.payload)
    assert value["uid"] == "123"
    assert value["verify"]["url"] == "http://example.org/badgeinstance1"
    for name in ("concentricsky/public_domain_heart.png", "mozilla/unbaked.png"):
        baked = unbake((interop_dir / "bakery" / name).read_bytes())
        assert not baked.ok
        assert baked.error is not None
        assert "no Open Badges chunk" in baked.error
