"""One validity window for every version (issue 10, problem 4): OB 2.0 `expires`, OB 3.0 `validUntil`, status
list credentials and VC-JWT `exp`/`nbf` give the same answer at the same instant. The window is half-open,
[start, end): valid at the very instant it opens, expired at the very instant it closes."""

from __future__ import annotations

import json
from datetime import datetime, timedelta
from pathlib import Path

import pytest

from obverify import DocumentStore, Report, verify, verify_status_list
from obverify._core.timeparse import parse_datetime
from obverify._core.window import after_window, before_window, window_problem

CASES = Path(__file__).resolve().parents[2] / "fixtures" / "cases"
OB2_EXPIRES = "2024-03-01T00:00:00Z"  # ob2-time-expired's `expires`
OB3_VALID_UNTIL = "2025-06-01T00:00:00Z"  # ob3-expired's `validUntil`, and ob3-status-list-expired's list's


def _run(case: str, at: str) -> Report:
    return verify((CASES / case / "input.json").read_bytes(), at=parse_datetime(at),
                  loader=DocumentStore.from_directory(CASES / case / "documents"))


def _expired(case: str, at: str) -> tuple[bool | None, bool]:
    report = _run(case, at)
    return report.expired, "expired" in report.codes()


def test_ob2_and_ob3_agree_at_the_instant_of_expiry() -> None:
    """Main said OB 2.0 expired (`expires <= at`) but OB 3.0 not (`validUntil < at`) at the same instant."""
    ob2 = _expired("ob2-time-expired", OB2_EXPIRES)
    ob3 = _expired("ob3-expired", OB3_VALID_UNTIL)
    assert ob2 == ob3 == (True, True)


def test_ob2_and_ob3_agree_just_before_expiry() -> None:
    before = timedelta(microseconds=1)
    ob2 = _expired("ob2-time-expired", (parse_datetime(OB2_EXPIRES) - before).isoformat())
    ob3 = _expired("ob3-expired", (parse_datetime(OB3_VALID_UNTIL) - before).isoformat())
    assert ob2 == ob3 == (False, False)


def test_a_status_list_is_expired_at_its_valid_until_instant_too() -> None:
    doc = (CASES / "ob3-status-list-expired" / "documents" / "doc00.json").read_bytes()
    at = parse_datetime(OB3_VALID_UNTIL)
    assert verify_status_list(doc, at=at, loader=DocumentStore()).codes() == ["expired"]
    still = verify_status_list(doc, at=at - timedelta(microseconds=1), loader=DocumentStore())
    assert "expired" not in still.codes()


def test_valid_at_the_instant_the_window_opens() -> None:
    """OB 3.0 validFrom and OB 2.0 issuedOn: valid at their very instant (RFC 7519 nbf, VCDM 2.0 §4.9)."""
    ob3 = _run("ob3-eddsa-rdfc-valid", "2025-01-01T00:00:00Z")  # its validFrom (and proof created)
    ob2 = _run("ob2-time-not-expired", json.loads(
        (CASES / "ob2-time-not-expired" / "input.json").read_bytes())["issuedOn"])
    assert ob3.valid, ob3.to_json()
    assert ob2.valid, ob2.to_json()


@pytest.mark.parametrize("offset", [-1, 0, 1])
def test_the_kernel_states_the_boundary_once(offset: int) -> None:
    end = datetime(2030, 1, 1, tzinfo=parse_datetime("2030-01-01T00:00:00Z").tzinfo)
    at = end + timedelta(seconds=offset)
    assert after_window(end, at) is (offset >= 0)
    assert before_window(end, at) is (offset < 0)
    assert window_problem(at, start=None, end=end) == (None if offset < 0 else "expired")
    assert window_problem(at, start=end, end=None) == ("not_yet_valid" if offset < 0 else None)
