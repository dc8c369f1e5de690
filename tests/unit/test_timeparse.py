"""`obverify.timeparse`: strict date-times with a zone; legacy 1.x dates; never anything but ValueError."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

import pytest
from hypothesis import given
from hypothesis import strategies as st

from obverify.timeparse import parse_datetime, parse_legacy_date


@pytest.mark.parametrize(("text", "expected"), [
    ("2024-01-01T00:00:00Z", datetime(2024, 1, 1, tzinfo=UTC)),
    ("2016-12-31T23:59:59+00:00", datetime(2016, 12, 31, 23, 59, 59, tzinfo=UTC)),
    ("2024-06-01T12:30:00.123456789-05:30", datetime(2024, 6, 1, 12, 30, 0, 123456,
                                                      tzinfo=timezone(-timedelta(hours=5, minutes=30)))),
    ("2016-12-31T23:59:60Z", datetime(2017, 1, 1, tzinfo=UTC)),
])
def test_valid_datetimes(text: str, expected: datetime) -> None:
    assert parse_datetime(text) == expected


@pytest.mark.parametrize("text", [
    "2024-13-45T25:61:61Z", "2024-01-01T00:00:00", "2024-01-01", "0000-01-01T00:00:00Z", "-2024-01-01T00:00:00Z",
    "12024-01-01T00:00:00Z", "2024-01-01T00:00:00+24:00", "2024-02-30T00:00:00Z", " 2024-01-01T00:00:00Z",
    "2024-01-01T00:00:00Z\n", "２０２４-01-01T00:00:00Z", "",
])
def test_invalid_datetimes(text: str) -> None:
    with pytest.raises(ValueError, match=r"\w"):
        parse_datetime(text)


@pytest.mark.parametrize("value", [None, 20240101, 1.5, True, ["2024-01-01T00:00:00Z"]])
def test_non_strings_are_refused(value: object) -> None:
    with pytest.raises(ValueError, match="string"):
        parse_datetime(value)


@pytest.mark.parametrize(("value", "expected"), [
    (1338508800, datetime(2012, 6, 1, tzinfo=UTC)),
    ("1338508800", datetime(2012, 6, 1, tzinfo=UTC)),
    ("2015-05-01", datetime(2015, 5, 1, tzinfo=UTC)),
    ("2015-05-01T10:00:00Z", datetime(2015, 5, 1, 10, tzinfo=UTC)),
])
def test_legacy_dates(value: object, expected: datetime) -> None:
    assert parse_legacy_date(value) == expected


@pytest.mark.parametrize("value", [True, 10**30, "2015-02-30", "yesterday", float("nan")])
def test_bad_legacy_dates(value: object) -> None:
    with pytest.raises(ValueError, match=r"\w"):
        parse_legacy_date(value)


@given(st.text(max_size=40))
def test_parsers_only_raise_value_error(text: str) -> None:
    for parse in (parse_datetime, parse_legacy_date):
        try:
            result = parse(text)
        except ValueError:
            continue
        assert result.tzinfo is not None
