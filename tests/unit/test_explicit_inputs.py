"""Explicit inputs (issue 10, problems 3 and 6 for `verify` and `verify_status_list`): a plain `str` is always
badge text (JSON or compact JWS/JWT), never a path and never a URL; files are `os.PathLike`, URLs `obverify.URL`;
a UTF-8 BOM before a compact JWS/JWT is read as the token it precedes."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from obverify import URL, DocumentStore, Report, verify, verify_status_list
from obverify._core.timeparse import parse_datetime

CASES = Path(__file__).resolve().parents[2] / "fixtures" / "cases"
AT = parse_datetime("2026-01-01T00:00:00Z")
BOM = b"\xef\xbb\xbf"


def _case(name: str, at: str | None = None) -> tuple[bytes, DocumentStore, Any]:
    case = CASES / name
    expected = json.loads((case / "expected.json").read_text())
    return ((case / expected["input"]).read_bytes(), DocumentStore.from_directory(case / "documents"),
            parse_datetime(at or expected["at"]))


def test_a_plain_string_never_opens_a_local_file(tmp_path: Path) -> None:
    """Main read the file a `str` named (issue 10 problem 3): a request body could point verify at any file."""
    data, store, at = _case("ob3-eddsa-rdfc-valid")
    secret = tmp_path / "badge.json"
    secret.write_bytes(data)
    report = verify(str(secret), at=at, loader=store)
    assert report.valid is False
    assert report.codes() == ["input_invalid"]
    assert "os.PathLike" in report.errors[0].message
    assert report.original == str(secret)  # the text as given, never the file's bytes
    assert verify(secret, at=at, loader=store).valid  # the same file as a path verifies


def test_a_plain_string_never_fetches_a_url() -> None:
    store = DocumentStore()
    report = verify("https://issuer.example/assertions/1", at=AT, loader=store)
    assert report.codes() == ["input_invalid"]
    assert "obverify.URL" in report.errors[0].message
    assert store.requested == []
    verify(URL("https://issuer.example/assertions/1"), at=AT, loader=store)
    assert store.requested == ["https://issuer.example/assertions/1"]


def test_a_plain_string_is_json_or_jws_text() -> None:
    for name in ("ob3-eddsa-rdfc-valid", "ob3-jwt-eddsa-valid"):
        data, store, at = _case(name)
        assert verify(data.decode(), at=at, loader=store).valid, name


def test_verify_status_list_takes_a_url_only_as_url() -> None:
    store = DocumentStore()
    report = verify_status_list("https://status.example/lists/1", at=AT, loader=store)
    assert report.codes() == ["input_invalid"]
    assert store.requested == []


@pytest.mark.parametrize("text", ["file:///etc/passwd", "/etc/passwd", "ftp://a.example/x", "https://",
                                  "https:///x", "https://user@a.example/", "https://a.example/\n", "data:,x",
                                  " https://a.example/", "javascript:alert(1)", "https://a .example/"])
def test_url_accepts_only_http_and_https(text: str) -> None:
    with pytest.raises(ValueError, match="http"):
        URL(text)


@pytest.mark.parametrize("source", [123, None, ["{}"], 1.5, object(), {"{}"}])
def test_any_other_type_is_a_type_error_at_the_call(source: Any) -> None:
    with pytest.raises(TypeError):
        verify(source, at=AT, loader=DocumentStore())
    with pytest.raises(TypeError):
        verify_status_list(source, at=AT, loader=DocumentStore())


def test_bad_paths_are_reports(tmp_path: Path) -> None:
    assert verify(tmp_path / "absent.json", at=AT, loader=DocumentStore()).codes() == ["input_invalid"]
    assert verify(tmp_path, at=AT, loader=DocumentStore()).codes() == ["input_invalid"]  # a directory


def test_lone_surrogate_text_is_a_report() -> None:
    for call in (verify, verify_status_list):
        report: Report = call('{"name": "\ud800"}', at=AT, loader=DocumentStore())
        assert report.codes() == ["input_invalid"]


@pytest.mark.parametrize("name", ["ob3-jwt-eddsa-valid", "ob3-jwt-es256-valid"])
def test_a_bom_before_a_compact_jwt_is_not_an_internal_error(name: str) -> None:
    """Main sniffed BOM + JWT as a JWS and then failed with "internal error (UnicodeDecodeError)"."""
    data, store, at = _case(name)
    report = verify(BOM + data, at=at, loader=store)
    assert all("internal error" not in f.message for f in report.errors), report.to_json()
    assert report.valid, report.to_json()
    text = verify((BOM + data).decode("utf-8"), at=at, loader=store)
    assert text.valid, text.to_json()


def test_a_bom_before_an_ob2_compact_jws_is_not_an_internal_error() -> None:
    signed = next(p.name for p in sorted(CASES.iterdir())
                  if p.name.startswith("ob2-signed") and json.loads((p / "expected.json").read_text())["valid"])
    data, store, at = _case(signed)
    report = verify(BOM + data, at=at, loader=store)
    assert report.valid, report.to_json()


@pytest.mark.parametrize("junk", [b"\xbf", b"\xbb\xbf", BOM + BOM, b"\xef"])
def test_stray_bom_bytes_before_a_jws_are_a_report(junk: bytes) -> None:
    data, store, at = _case("ob3-jwt-eddsa-valid")
    report = verify(junk + data, at=at, loader=store)
    assert report.codes() == ["input_invalid"], report.to_json()
    assert all("internal error" not in f.message for f in report.errors), report.to_json()


@pytest.mark.parametrize("data", [b"https://a.example/\xff", BOM + b"https://a.example/\xc3"])
def test_a_url_in_bytes_that_is_not_utf8_is_a_report(data: bytes) -> None:
    report = verify(data, at=AT, loader=DocumentStore())
    assert report.codes() == ["input_invalid"], report.to_json()
    assert all("internal error" not in f.message for f in report.errors)
