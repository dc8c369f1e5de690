"""`obverify._core.strictjson.parse_json`: the one strict parser (SECURITY.md §5)."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from obverify._core.resources import data_dir
from obverify._core.strictjson import MAX_DEPTH, JSONError, parse_json, parse_package_json


def test_plain_json_and_bom() -> None:
    assert parse_json(b'\xef\xbb\xbf{"a": [1, 2.5, "x", null, true]}') == {"a": [1, 2.5, "x", None, True]}
    assert parse_json('\ufeff{"a": 1}') == {"a": 1}


@pytest.mark.parametrize(("data", "why"), [
    (b'{"a": 1, "a": 2}', "duplicate"),
    (b'{"a": NaN}', "NaN"),
    (b'[Infinity]', "Infinity"),
    (b'{"a": "\\ud800"}', "surrogate"),
    (b'{"\\udc00": 1}', "surrogate"),
    ('{"a": 1}'.encode("utf-16"), "UTF-8"),
    (b"\xff\xfe", "UTF-8"),
    (b'{"a": 1,}', "offset"),
    (b"1" * 5000, "JSON"),
])
def test_refused(data: bytes, why: str) -> None:
    with pytest.raises(JSONError, match=why):
        parse_json(data)


def test_depth_cap() -> None:
    ok = b"[" * MAX_DEPTH + b"]" * MAX_DEPTH
    parse_json(ok)
    with pytest.raises(JSONError, match="deeper"):
        parse_json(b"[" * (MAX_DEPTH + 1) + b"]" * (MAX_DEPTH + 1))
    with pytest.raises(JSONError, match="deeper"):
        parse_json(b"[" * 100_000 + b"]" * 100_000)


def test_size_cap() -> None:
    with pytest.raises(JSONError, match="larger"):
        parse_json(b'"' + b"x" * 100 + b'"', max_bytes=50)


def test_messages_quote_nothing() -> None:
    with pytest.raises(JSONError) as info:
        parse_json(b'{"secret-marker": ,}')
    assert "secret-marker" not in str(info.value)


@given(st.binary(max_size=200))
def test_arbitrary_bytes_give_a_value_or_our_error(data: bytes) -> None:
    try:
        value = parse_json(data)
    except JSONError:
        return  # our own error: fine (any other exception fails the test)
    assert value is None or isinstance(value, dict | list | str | int | float | bool)


PACKAGE_JSON = sorted(data_dir().rglob("*.json"))


def test_the_package_has_json_files() -> None:
    assert len(PACKAGE_JSON) >= 30


@pytest.mark.parametrize("path", PACKAGE_JSON, ids=lambda p: str(p.relative_to(data_dir())))
def test_every_package_json_file_passes_the_strict_parser(path: Path) -> None:
    """`parse_package_json` skips the strict rules at run time because this test applies them to every file."""
    raw = path.read_bytes()
    assert parse_json(raw, max_depth=256) == parse_package_json(raw)


def test_parse_package_json_still_refuses_broken_json() -> None:
    with pytest.raises(JSONError):
        parse_package_json(b'{"a": ')

