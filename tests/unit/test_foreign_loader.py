"""A caller's own loader is foreign code: whatever it raises is a failed fetch (`fetch_failed`), never
`input_invalid` or an internal error (issue 11). Its exception text stays out of the report."""

from __future__ import annotations

import json

import pytest

from obverify import URL, Document, DocumentStore, verify

HOSTED = "https://issuer.example/assertions/1"


class RaisingLoader:
    """A loader that serves `documents` and raises `exc` for every other URL."""

    def __init__(self, exc: BaseException, documents: dict[str, bytes] | None = None) -> None:
        self.exc = exc
        self.store = DocumentStore(documents or {})
        self.calls: list[str] = []

    def load(self, url: str, *, accept: str | None = None) -> Document:
        self.calls.append(url)
        if url in self.store:
            return self.store.load(url, accept=accept)
        raise self.exc


@pytest.mark.parametrize(
    "exc",
    [RuntimeError("secret \x1b[31m text"), KeyError("k"), ValueError("v"), ZeroDivisionError(), OSError(5, "io"),
     json.JSONDecodeError("bad", "{", 0), UnicodeDecodeError("utf-8", b"\xff", 0, 1, "bad byte")],
    ids=lambda e: type(e).__name__,
)
def test_any_loader_exception_is_fetch_failed(exc: Exception) -> None:
    loader = RaisingLoader(exc)
    report = verify(URL(HOSTED), loader=loader)
    assert loader.calls == [HOSTED]
    assert not report.valid
    codes = report.codes()
    assert "fetch_failed" in codes, report.to_json(indent=1)
    assert "input_invalid" not in codes
    failed = [f for f in report.errors if f.code == "fetch_failed"]
    assert failed[0].url == HOSTED
    assert type(exc).__name__ in failed[0].message
    assert "secret" not in report.to_json()


def test_exception_fetching_a_linked_document_is_fetch_failed() -> None:
    """The hosted assertion loads; its badge class's fetch raises: that document is unavailable, reported so."""
    assertion = {
        "@context": "https://w3id.org/openbadges/v2", "type": "Assertion", "id": HOSTED,
        "recipient": {"type": "email", "hashed": False, "identity": "alice@example.org"},
        "badge": "https://issuer.example/badge", "issuedOn": "2024-01-01T00:00:00Z",
        "verification": {"type": "HostedBadge"},
    }
    loader = RaisingLoader(RuntimeError("boom"), {HOSTED: json.dumps(assertion).encode()})
    report = verify(URL(HOSTED), loader=loader)
    assert "https://issuer.example/badge" in loader.calls
    assert not report.valid
    assert "fetch_failed" in report.codes(), report.to_json(indent=1)
    assert "input_invalid" not in report.codes()
    assert any(f.code == "fetch_failed" and f.url == "https://issuer.example/badge" for f in report.errors)
