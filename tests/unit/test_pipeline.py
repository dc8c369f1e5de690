"""The orchestrator: source kinds, dispatch, limits and the exception boundary."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from obverify import URL, Code, DocumentStore, verify
from obverify._core.policy import DEFAULT_POLICY
from obverify._core.sniff import is_ob3

AT = datetime(2024, 6, 1, tzinfo=UTC)


def test_file_path_is_read(tmp_path: Path) -> None:
    path = tmp_path / "x.bin"
    path.write_bytes(b"nothing useful")
    report = verify(path, loader=DocumentStore(), at=AT)
    assert report.original == b"nothing useful"
    assert report.codes() == [Code.INPUT_INVALID]


def test_missing_file_is_input_invalid(tmp_path: Path) -> None:
    report = verify(tmp_path / "absent.png", loader=DocumentStore(), at=AT)
    assert report.codes() == [Code.INPUT_INVALID]


def test_oversized_input_is_refused() -> None:
    report = verify(b"{" + b" " * DEFAULT_POLICY.max_input_bytes + b"}", loader=DocumentStore(), at=AT)
    assert report.codes() == [Code.INPUT_INVALID]
    assert "larger than" in report.errors[0].message


def test_deep_json_is_input_invalid_not_recursion_error() -> None:
    report = verify(b"[" * 100_000 + b"]" * 100_000, loader=DocumentStore(), at=AT)
    assert report.codes() == [Code.INPUT_INVALID]


def test_json_array_is_not_a_badge() -> None:
    report = verify(b"[1, 2]", loader=DocumentStore(), at=AT)
    assert report.codes() == [Code.INPUT_INVALID]


def test_url_input_missing_from_offline_store_is_fetch_failed() -> None:
    store = DocumentStore()
    report = verify(URL("https://issuer.example/assertions/1"), loader=store, at=AT)
    assert Code.FETCH_FAILED in report.codes()
    assert store.requested == ["https://issuer.example/assertions/1"]


def test_url_answering_with_a_url_is_refused() -> None:
    store = DocumentStore({"https://a.example/1": b"https://a.example/1"})
    report = verify(URL("https://a.example/1"), loader=store, at=AT)
    assert Code.INPUT_INVALID in report.codes()


def test_jws_with_garbage_segments_is_input_invalid() -> None:
    report = verify(b"bm90anNvbg.bm90anNvbg.c2ln", loader=DocumentStore(), at=AT)
    assert report.codes() == [Code.INPUT_INVALID]


def test_unexpected_exception_becomes_a_finding() -> None:
    class Exploding:
        def load(self, url: str, *, accept: str | None = None) -> Any:
            raise RuntimeError("boom")

    report = verify(URL("https://a.example/x"), loader=Exploding(), at=AT)
    assert not report.valid
    assert "RuntimeError" in report.errors[0].message
    assert "boom" not in report.to_json()


def test_recipients_must_not_be_a_bare_string() -> None:
    with pytest.raises(TypeError):
        verify(b"{}", recipients="alice@example.org", loader=DocumentStore(), at=AT)


@pytest.mark.parametrize(
    ("doc", "ob3"),
    [
        ({"@context": ["https://www.w3.org/ns/credentials/v2"], "type": ["VerifiableCredential"]}, True),
        ({"@context": "https://www.w3.org/2018/credentials/v1"}, True),
        ({"type": "OpenBadgeCredential"}, True),
        ({"@context": "https://w3id.org/openbadges/v2", "type": "Assertion"}, False),
        ({"recipient": "x@example.org", "badge": {}}, False),
    ],
)
def test_is_ob3(doc: dict[str, Any], ob3: bool) -> None:
    assert is_ob3(doc) is ob3


@pytest.mark.parametrize("url", ["file:///etc/passwd", "ftp://a.example/x", "gopher://a.example/", "data:,{}", "x"])
def test_only_http_urls_reach_any_loader(url: str) -> None:
    from obverify._core.context import RunContext
    from obverify._core.report import Collector, Report

    store = DocumentStore({url: b"{}"})
    ctx = RunContext(loader=store, at=AT, recipients=(), out=Collector(Report()))
    assert ctx.fetch(url, stage="resolve") is None
    assert ctx.out.report.codes() == [Code.URL_BLOCKED]
    assert store.requested == []
