"""The records users receive are frozen, slotted classes, not tuples (issue 11).

A caller cannot reassign a field of a report it was given (nor of a finding, a loaded document, an unbaked
payload or an import result), cannot hang a stray attribute on one, and cannot come to depend on a field
order by indexing or unpacking: the records compare and hash by value, and that is all.
"""

from __future__ import annotations

import dataclasses
from datetime import UTC, datetime
from typing import Any

import pytest

import obverify
from obverify import DocumentStore, verify
from obverify._core.report import Collector, Report

FINDING = obverify.Finding(code="expired", message="m", stage="validity", path="/expires")
RECORDS: dict[str, Any] = {
    "Finding": FINDING,
    "Check": obverify.Check(name="ob2.hosted", status="skipped", detail="why"),
    "RecipientResult": obverify.RecipientResult(checked=True, matched="a@example.org"),
    "Report": Report(version="2.0", errors=[FINDING]),
    "Document": obverify.Document(url="https://a.example/b", content=b"{}"),
    "Baked": obverify.Baked(image="png", payload="{}", payload_kind="json", version="2.0"),
    "ImportFinding": obverify.ImportFinding(code="expired", name="ASSERTION_EXPIRED", message="m", detail="d"),
    "ImportResult": obverify.ImportResult(ok=False, report=Report(), input_kind=None, original=None),
}
RECORDS["ImportedAssertion"] = obverify.ImportedAssertion(
    open_badge_id=None, badgeclass_open_badge_id=None, issuer_open_badge_id=None, image=None, recipient=None,
    issued_on=None, narrative=None, evidence=(), revoked=False, revocation_reason=None, expires=None,
    extensions={}, pending=False, source_url=None, original_json="{}", ob3_award_properties=None, version="2.0",
    input_kind="assertion", verification="hosted", original="{}",
)
RECORDS["Reverification"] = obverify.Reverification(result=RECORDS["ImportResult"], revoked=None, expired=None,
                                                    changes=())


SETTINGS = {"NetworkPolicy", "VerificationPolicy"}
"""Frozen dataclasses a caller builds and gives, not records it receives: the policy work owns their shape."""


def test_every_public_record_is_listed_here() -> None:
    """A new public record class gets the same checks: the list above is every one `obverify` exports."""
    classes = {name for name in obverify.__all__ if isinstance(getattr(obverify, name), type)
               and dataclasses.is_dataclass(getattr(obverify, name))}
    assert classes - SETTINGS == set(RECORDS)


@pytest.mark.parametrize("name", sorted(RECORDS))
def test_records_are_frozen_slotted_and_not_tuples(name: str) -> None:
    record = RECORDS[name]
    assert type(record).__name__ == name
    assert not isinstance(record, tuple)
    assert not hasattr(record, "__dict__")
    assert "__slots__" in type(record).__dict__
    first = dataclasses.fields(record)[0].name
    with pytest.raises(dataclasses.FrozenInstanceError):
        setattr(record, first, None)
    with pytest.raises((AttributeError, TypeError)):  # no __dict__ for a stray attribute either
        record.stray = 1
    with pytest.raises(TypeError):
        iter(record)
    with pytest.raises(TypeError):
        record[0]
    assert not hasattr(record, "_replace")
    assert not hasattr(record, "_asdict")
    copy = dataclasses.replace(record)
    assert copy == record
    assert copy is not record


@pytest.mark.parametrize("name", ["Finding", "Check", "RecipientResult", "Document", "Baked", "ImportFinding"])
def test_value_records_hash_by_value(name: str) -> None:
    record = RECORDS[name]
    assert hash(dataclasses.replace(record)) == hash(record)
    assert len({record, dataclasses.replace(record)}) == 1


def test_records_that_hold_lists_compare_by_value_but_do_not_hash() -> None:
    """A Report holds lists (findings, checks) and dicts: equal by value, never a set member or dict key (its
    hash could not stay true to its value)."""
    report = RECORDS["Report"]
    assert report == Report(version="2.0", errors=[FINDING])
    assert report != dataclasses.replace(report, revoked=True)
    with pytest.raises(TypeError):
        hash(report)


def test_a_verify_report_is_frozen_and_its_own() -> None:
    """What `verify` returns cannot be changed by the caller, and the finished report shares no list with the
    collector it came from: a later write to the run's draft does not reach it."""
    report = verify(b"{}", loader=DocumentStore(), at=datetime(2024, 1, 1, tzinfo=UTC))
    assert not report.valid
    with pytest.raises(dataclasses.FrozenInstanceError):
        report.error_count = 0  # type: ignore[misc]
    out = Collector(Report())
    out.error("input_invalid", "m", stage="sniff")
    finished = out.finish()
    out.error("expired", "later", stage="validity")
    out.check("late", "failed")
    assert finished.codes() == ["input_invalid"]
    assert finished.error_count == 1
    assert finished.checks == []
    assert out.finish().codes() == ["input_invalid", "expired"]


def test_a_collector_started_from_a_report_leaves_that_report_alone() -> None:
    """`Collector(report)` continues a finished report (the importer adds `recipient_mismatch` to one): the
    given report is not changed, the continuation counts both."""
    first = Collector(Report())
    first.error("expired", "m", stage="validity")
    report = first.finish()
    more = Collector(report)
    more.error("expired", "m", stage="validity")
    more.error("recipient_mismatch", "m", stage="recipient")
    assert report.codes() == ["expired"]
    assert report.errors[0].occurrences == 1
    assert report.error_count == 1
    after = more.finish()
    assert after.codes() == ["expired", "recipient_mismatch"]
    assert after.errors[0].occurrences == 2
    assert after.error_count == 3


def test_a_report_built_by_hand_counts_its_listed_errors() -> None:
    """`error_count` never undercounts what is listed, so a hand-built report with errors is never valid."""
    report = Report(errors=[FINDING], error_count=0)
    assert report.error_count == 1
    assert not report.valid
    assert report.to_dict()["errorCount"] == 1
