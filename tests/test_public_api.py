"""The public API: what `obverify` exports, and the Report contract of DESIGN.md §2."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

import obverify
from obverify import Code, DocumentStore, Report, verify


def test_all_names_are_exported() -> None:
    for name in obverify.__all__:
        assert hasattr(obverify, name), name


def test_report_has_no_truth_value() -> None:
    report = verify(b"not a badge", loader=DocumentStore(), at=datetime(2024, 1, 1, tzinfo=UTC))
    with pytest.raises(TypeError):
        bool(report)


def test_valid_exactly_when_no_errors() -> None:
    assert Report().valid
    report = Report(errors=[obverify.Finding(code="expired", message="m", stage="validity")])
    assert report.error_count == 1  # counted from the listed errors when not given
    assert not report.valid


def test_garbage_is_input_invalid_and_kept() -> None:
    report = verify(b"\x00\x01garbage", loader=DocumentStore(), at=datetime(2024, 1, 1, tzinfo=UTC))
    assert report.codes() == [Code.INPUT_INVALID]
    assert report.original == b"\x00\x01garbage"
    assert '"valid": false' in report.to_json()


def test_naive_at_is_a_programmer_error() -> None:
    with pytest.raises(ValueError, match="timezone-aware"):
        verify(b"{}", loader=DocumentStore(), at=datetime(2024, 1, 1))
