"""`import_badge`'s check that an uploaded PNG is a real one (issue 11), through Pillow.

Badgr answers `Invalid image.` when PIL cannot open and verify a PNG (BACKPACK-IMPORT-RESEARCH.md §1, row 10
of its error table); obverify keeps that text first and adds its own reason. Stricter than Badgr on purpose
(the upload is kept and shown): pixels that do not decode, a truncated IDAT stream, bytes after IEND (a
polyglot, here around a badge that verifies) and more than 4096×4096 pixels are all refused before any
verification, in every form the field accepts (bytes, data URI, raw base64).
"""

from __future__ import annotations

import base64
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from helpers.bounded import peak_extra
from obverify import DocumentStore, import_badge
from obverify._orchestration.importer import texts
from obverify._orchestration.importer.inputs import BodyErrors, Input, read_body

AT = datetime(2024, 6, 1, tzinfo=UTC)
FIXTURES = Path(__file__).resolve().parents[2] / "fixtures"
IMAGES = FIXTURES / "images"


def _import(image: Any) -> Any:
    return import_badge(image=image, recipient_profile={"email": ["alice@example.org"]}, at=AT,
                        loader=DocumentStore())


def _forms(data: bytes) -> list[Any]:
    encoded = base64.b64encode(data).decode()
    return [data, "data:image/png;base64," + encoded, encoded]


@pytest.mark.parametrize(("name", "reason"), [
    ("bad-garbage-idat.png", "pixel data does not decode"),
    ("bad-short-idat.png", "holds fewer rows than its IHDR promises"),
    ("bad-polyglot-html.png", "follow the PNG's IEND chunk (a polyglot file)"),
    ("bomb-100000x100000.png", "100000×100000 pixels, over the 16,777,216-pixel limit; it was not decoded"),
    ("bomb-8000x8000.png", "8000×8000 pixels, over the 16,777,216-pixel limit; it was not decoded"),
])
@pytest.mark.parametrize("form", [0, 1, 2])
def test_png_that_is_not_a_real_one_is_a_field_error(name: str, reason: str, form: int) -> None:
    value = _forms((IMAGES / name).read_bytes())[form]
    result, peak = peak_extra(lambda: _import(value))
    assert not result.ok
    assert result.http_status == 400
    messages = result.field_errors["image"]
    assert messages[0] == texts.INVALID_IMAGE
    assert messages[1].startswith("The PNG was refused: ")
    assert reason in messages[1]
    assert [f.code for f in result.report.errors] == ["input_invalid"]  # refused before any verification
    assert peak < 64 * 1024 * 1024


def test_the_polyglot_would_verify_without_its_tail() -> None:
    # the refusal is about the trailing bytes, not the badge: the same file cut at IEND is read
    data = (IMAGES / "bad-polyglot-html.png").read_bytes()
    whole = data[:data.index(b"IEND") + 8]
    assert isinstance(read_body(None, None, whole), Input)
    assert isinstance(read_body(None, None, data), BodyErrors)


def test_damaged_chunk_is_refused_with_badgrs_text_first() -> None:
    data = bytearray((FIXTURES / "cases" / "ob2-baked-png-itxt" / "input.png").read_bytes())
    data[-20] ^= 0x01  # a bit flipped inside the IDAT: its CRC fails
    result = _import(bytes(data))
    assert result.field_errors["image"][0] == texts.INVALID_IMAGE
    assert "damaged" in result.field_errors["image"][1]


@pytest.mark.parametrize("path", [
    FIXTURES / "cases" / "ob2-baked-png-itxt" / "input.png",
    IMAGES / "thumb-rgba-300x200.png",
    IMAGES / "thumb-gray16-128x128.png",
])
def test_real_pngs_pass_the_check(path: Path) -> None:
    for value in _forms(path.read_bytes()):
        body = read_body(None, None, value)
        assert isinstance(body, Input), body


def test_svg_is_only_sniffed_here() -> None:
    svg = (FIXTURES / "cases" / "ob2-baked-svg-cdata" / "input.svg").read_bytes()
    assert isinstance(read_body(None, None, svg), Input)
