"""The Report contract: verdict, caps on findings, JSON output free of originals."""

from __future__ import annotations

import json
from dataclasses import replace

import pytest

from obverify._core.errors import Code, WarningCode
from obverify._core.report import MAX_ERRORS, Collector, Report


def test_findings_are_capped_and_counted() -> None:
    out = Collector(Report())
    for i in range(MAX_ERRORS + 7):  # distinct paths: one code at one path collapses into one finding
        out.error(Code.SCHEMA_INVALID, f"problem {i}", stage="schemas", path=f"/p/{i}")
    report = out.finish()
    assert len(report.errors) == MAX_ERRORS
    assert report.dropped_findings == 7
    assert json.loads(report.to_json())["droppedFindings"] == 7


def test_duplicate_findings_are_kept_once() -> None:
    out = Collector(Report())
    out.error(Code.EXPIRED, "same", stage="validity")
    out.error(Code.EXPIRED, "same", stage="validity")
    assert out.finish().codes() == ["expired"]


def test_json_carries_no_original_and_has_contract_fields() -> None:
    out = Collector(Report(original=b"SECRET-IMAGE-BYTES", originals={"https://a.example/": b"SECRET-BODY"}))
    out.warn(WarningCode.WEAK_HASH, "weak hash", stage="recipient")
    report = out.finish()
    assert report.original == b"SECRET-IMAGE-BYTES"
    text = report.to_json()
    assert "SECRET" not in text
    data = json.loads(text)
    for key in ("valid", "version", "errors", "warnings", "revoked", "expired"):
        assert key in data
    assert data["valid"] is True
    assert data["warnings"][0]["code"] == "weak_hash"


def test_messages_are_bounded_and_escaped() -> None:
    out = Collector(Report())
    out.error(Code.INPUT_INVALID, "\x1b" + "y" * 5000, stage="sniff", url="https://x.example/\n")
    finding = out.finish().errors[0]
    assert "\x1b" not in finding.message
    assert len(finding.message) < 2100
    assert finding.url is not None
    assert "\n" not in finding.url


def test_has_error() -> None:
    out = Collector(Report())
    assert not out.has_error()
    out.error(Code.REVOKED, "r", stage="status")
    assert out.has_error(Code.REVOKED)
    assert not out.has_error(Code.EXPIRED)


def test_report_equality_repr_and_hash() -> None:
    a, b = Report(kind="json", original=b"SECRET"), Report(kind="json", original=b"SECRET")
    assert a == b
    b = replace(b, revoked=True)
    assert a != b
    assert a != Report(kind="json", original=b"OTHER")
    assert "SECRET" not in repr(a)
    assert repr(a).startswith("Report(version=None, kind='json'")
    with pytest.raises(TypeError):
        hash(a)
