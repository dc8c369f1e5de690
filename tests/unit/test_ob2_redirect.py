"""Hosted OB 2.0: the verified copy must come from the origin its id names, whatever redirects happened."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path

import pytest

from obverify import Code, Document, DocumentStore, verify
from obverify._ob2.hosted import _left_origin

CASE = Path(__file__).resolve().parents[2] / "fixtures" / "cases" / "ob2-hosted-valid"
AT = datetime(2024, 6, 1, tzinfo=UTC)


def _store_with_final_url(final_url: str) -> tuple[DocumentStore, bytes]:
    store = DocumentStore.from_directory(CASE / "documents")
    raw = (CASE / "input.json").read_bytes()
    assertion_id = json.loads(raw)["id"]
    hosted = store.load(assertion_id)
    store.add(assertion_id, Document(url=assertion_id, content=hosted.content, final_url=final_url))
    return store, raw


def test_redirect_to_another_host_is_issuer_mismatch() -> None:
    store, raw = _store_with_final_url("https://attacker.example/forged.json")
    report = verify(raw, recipients=["alice@example.org"], at=AT, loader=store)
    assert not report.valid
    assert Code.ISSUER_MISMATCH in report.codes()


def test_redirect_within_the_origin_is_fine() -> None:
    raw_id = json.loads((CASE / "input.json").read_bytes())["id"]
    store, raw = _store_with_final_url(raw_id + "?v=2")
    report = verify(raw, recipients=["alice@example.org"], at=AT, loader=store)
    assert report.valid, report.to_json()


@pytest.mark.parametrize(
    ("url", "final", "left"),
    [
        ("https://a.example/1", None, False),
        ("https://a.example/1", "https://a.example/2", False),
        ("http://a.example/1", "https://a.example/1", False),
        ("https://a.example/1", "http://a.example/1", True),
        ("https://a.example/1", "https://b.example/1", True),
        ("https://a.example/1", "https://a.example:8443/1", True),
        ("https://a.example/1", "https://A.EXAMPLE/1", False),
        ("https://a.example/1", "https://a.example.evil.example/1", True),
    ],
)
def test_left_origin(url: str, final: str | None, left: bool) -> None:
    assert _left_origin(url, final) is left
