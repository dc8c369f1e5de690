"""A hosted OB 2.0 badge that fails before its checks run still gets a summary and a recipient note (issue 17).

Before: a revoked hosted badge (`revoked: true` at its id, or 410 Gone) reported `summary: null` and a
recipient "not checked" even with `--recipient` given, because the verification stops at the revocation
notice. Now the badge is described from the copy at hand, marked `unverified`, without any of that
description's findings joining the report and without `recipient.matched` ever being set from it.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from obverify import DocumentStore, verify
from obverify._core.timeparse import parse_datetime

CASES = Path(__file__).resolve().parents[2] / "fixtures" / "cases"
AT = parse_datetime("2024-06-01T00:00:00Z")


def _case(name: str, recipients: list[str], store: DocumentStore | None = None) -> dict[str, Any]:
    case = CASES / name
    loader = store if store is not None else DocumentStore.from_directory(case / "documents")
    report = verify((case / "input.json").read_bytes(), recipients=recipients, at=AT, loader=loader)
    assert not report.valid
    return report.to_dict()


@pytest.mark.parametrize("name", ["ob2-hosted-revoked-true", "ob2-hosted-410-gone"])
def test_revoked_hosted_badge_is_described(name: str) -> None:
    out = _case(name, ["alice@example.org"])
    assert [e["code"] for e in out["errors"]] == ["revoked"]
    summary = out["summary"]
    assert isinstance(summary, dict)
    assert (summary["name"], summary["issuerName"], summary["issuerId"]) == (
        "Robot Wrangler", "Example Robotics Guild", "https://issuer.example/issuer")
    assert (summary["unverified"], summary["source"], summary["revoked"]) == (True, "presented", True)
    recipient = out["recipient"]
    assert isinstance(recipient, dict)
    assert (recipient["checked"], recipient["matched"]) == (False, None)  # never matched from an unverified copy
    assert "alice@example.org" in recipient["detail"]


def test_revoked_hosted_badge_names_another_recipient() -> None:
    recipient = _case("ob2-hosted-revoked-true", ["mallory@example.org"])["recipient"]
    assert isinstance(recipient, dict)
    assert recipient["matched"] is None
    assert "none of the identities given" in recipient["detail"]


def test_no_recipient_given_leaves_no_detail() -> None:
    recipient = _case("ob2-hosted-revoked-true", [])["recipient"]
    assert recipient == {"checked": False, "matched": None, "type": None, "hashed": None}


def test_describing_adds_no_findings() -> None:
    """The presented copy's badge class is missing from the store: the report still says only `revoked`."""
    case = CASES / "ob2-hosted-revoked-true"
    index = json.loads((case / "documents" / "index.json").read_text())
    store = DocumentStore()
    url = "https://issuer.example/assertions/1"
    store.add(url, (case / "documents" / index[url]).read_bytes(), content_type="application/ld+json")
    out = _case("ob2-hosted-revoked-true", ["alice@example.org"], store)
    assert [e["code"] for e in out["errors"]] == ["revoked"]
    assert out["warnings"] == []
    summary = out["summary"]
    assert isinstance(summary, dict)
    assert summary["name"] is None
    assert summary["unverified"] is True


def test_a_verified_badge_is_never_marked_unverified() -> None:
    case = CASES / "ob2-hosted-valid"
    report = verify((case / "input.json").read_bytes(), recipients=["alice@example.org"], at=AT,
                    loader=DocumentStore.from_directory(case / "documents"))
    assert report.valid
    summary = report.summary()
    assert summary is not None
    assert "unverified" not in summary
    assert report.recipient.matched == "alice@example.org"
    assert "detail" not in report.recipient.to_dict()


def test_a_url_answering_a_revocation_notice_is_not_described() -> None:
    """Given the URL alone, the only copy is the notice itself: no badge to describe, no recipient claimed."""
    from obverify import URL

    case = CASES / "ob2-hosted-revoked-true"
    report = verify(URL("https://issuer.example/assertions/1"), recipients=["alice@example.org"], at=AT,
                    loader=DocumentStore.from_directory(case / "documents"))
    assert report.codes() == ["revoked"]
    assert report.summary() is None
    assert report.recipient.checked is False
    assert report.recipient.matched is None
    assert report.recipient.detail is None
