"""`obverify._core.timeparse`: strict date-times with a zone; legacy 1.x dates; never anything but ValueError."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

import pytest
from hypothesis import given
from hypothesis import strategies as st

from obverify._core.timeparse import parse_datetime, parse_legacy_date, parse_ob2_datetime


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


PLUS8 = timezone(timedelta(hours=8))


@pytest.mark.parametrize(("text", "expected"), [
    ("2017-09-30T00:00Z", datetime(2017, 9, 30, tzinfo=UTC)),  # no seconds
    ("2024-01-01T08:00:00+0800", datetime(2024, 1, 1, 8, tzinfo=PLUS8)),  # PHP's DATE_ISO8601
    ("2024-01-01T08:00+08", datetime(2024, 1, 1, 8, tzinfo=PLUS8)),  # hour-only offset
    ("2024-01-01T08:00:00.5-0530", datetime(2024, 1, 1, 8, 0, 0, 500000,
                                            tzinfo=timezone(-timedelta(hours=5, minutes=30)))),
    ("2016-12-31T23:59:59+00:00", datetime(2016, 12, 31, 23, 59, 59, tzinfo=UTC)),
])
def test_ob2_datetimes(text: str, expected: datetime) -> None:
    """Issue 15 class 2: OB 2.0 "Data Types: DateTime" (optional seconds, any ISO 8601 offset form)."""
    assert parse_ob2_datetime(text) == expected
    if text.endswith(("Z", "+0800", "+08", "-0530")):  # OB 3.0 and --at keep RFC 3339
        with pytest.raises(ValueError, match="ISO 8601"):
            parse_datetime(text)


@pytest.mark.parametrize("text", [
    "2024-01-01", "2024-01-01T00:00", "2024-01-01T00:00:00", "2024-01-01T00Z", "2024-01-01T00:00+2400",
    "2024-01-01T00:00+08:0", "2024-01-01T00:00+8", "2024-01-01T00:00.5Z", "2024-01-01T00:00:00+08:00:00",
    "20240101T000000Z", "2024-01-01T24:00Z", "2024-02-30T00:00Z", "2024-01-01T00:00+0860",
])
def test_ob2_datetimes_still_refused(text: str) -> None:
    """Date-only, zone-less, basic-format and impossible values stay refused under the OB 2.0 rule."""
    with pytest.raises(ValueError, match=r"\w"):
        parse_ob2_datetime(text)


def test_legacy_dates_take_the_ob2_rule() -> None:
    assert parse_legacy_date("2017-09-30T00:00Z") == datetime(2017, 9, 30, tzinfo=UTC)
