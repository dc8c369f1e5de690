"""Strict ISO 8601 / xsd:dateTime parsing for every date in every badge version (SECURITY.md §14).

Two rules: OB 3.0 (and `--at`) take RFC 3339 date-times (`parse_datetime`); OB 2.0 documents take what OB 2.0
"Data Types: DateTime" allows (`parse_ob2_datetime`: optional seconds, `+hhmm` and `+hh` offsets).

An impossible date, a year outside 1–9999 or a missing time zone is refused with `ValueError` carrying
our own message; callers turn it into `schema_invalid`. Never raises anything else, on any text.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta, timezone

__all__ = ["parse_datetime", "parse_legacy_date", "parse_ob2_datetime"]

_DATETIME = re.compile(
    r"(?P<y>\d{4})-(?P<mo>\d{2})-(?P<d>\d{2})"
    r"[Tt](?P<h>\d{2}):(?P<mi>\d{2}):(?P<s>\d{2})(?:\.(?P<f>\d{1,9}))?"
    r"(?P<tz>[Zz]|[+-]\d{2}:\d{2})",
    re.ASCII,
)
_OB2_DATETIME = re.compile(
    r"(?P<y>\d{4})-(?P<mo>\d{2})-(?P<d>\d{2})"
    r"[Tt](?P<h>\d{2}):(?P<mi>\d{2})(?::(?P<s>\d{2})(?:\.(?P<f>\d{1,9}))?)?"
    r"(?P<tz>[Zz]|[+-]\d{2}(?::?\d{2})?)",
    re.ASCII,
)
"""OB 2.0 "Data Types: DateTime": ISO 8601 with hour and minute, *optional* seconds and decimal fraction, and a
zone designator, `Z` or an offset in any ISO 8601 form (`+08:00`, `+0800` as PHP's ISO 8601 format writes,
`+08`). The date stays complete (YYYY-MM-DD) and the `T` and zone stay required."""
_DATE = re.compile(r"(?P<y>\d{4})-(?P<mo>\d{2})-(?P<d>\d{2})", re.ASCII)


def parse_datetime(value: object) -> datetime:
    """Parse a date-time with a time zone into an aware `datetime`, or raise `ValueError`.

    The strict rule (RFC 3339 / xsd:dateTime with a zone: seconds and `±hh:mm` required) that OB 3.0 and the
    command line use; OB 2.0 documents use `parse_ob2_datetime`.
    """
    if not isinstance(value, str):
        raise ValueError("a date-time must be a string")
    m = _DATETIME.fullmatch(value)
    if m is None:
        raise ValueError("not an ISO 8601 date-time with a time zone")
    return _build(m)


def parse_ob2_datetime(value: object) -> datetime:
    """Parse an OB 2.0 DateTime (see `_OB2_DATETIME`: seconds optional, `+hhmm` and `+hh` offsets), or raise
    `ValueError`. Date-only and zone-less values stay refused, as the OB 2.0 text requires "the time and a time
    zone indicator"."""
    if not isinstance(value, str):
        raise ValueError("a date-time must be a string")
    m = _OB2_DATETIME.fullmatch(value)
    if m is None:
        raise ValueError("not an ISO 8601 date-time with a time zone")
    return _build(m)


def _build(m: re.Match[str]) -> datetime:
    try:
        tz_text = m["tz"]
        if tz_text in ("Z", "z"):
            tz: timezone = UTC
        else:
            sign = 1 if tz_text[0] == "+" else -1
            digits = tz_text[1:].replace(":", "")
            hours, minutes = int(digits[:2]), int(digits[2:] or "0")
            if hours > 23 or minutes > 59:
                raise ValueError("impossible time zone offset")
            tz = timezone(sign * timedelta(hours=hours, minutes=minutes))
        second = int(m["s"] or "0")
        leap = second == 60
        frac = (m["f"] or "0")[:6].ljust(6, "0")
        dt = datetime(
            int(m["y"]), int(m["mo"]), int(m["d"]), int(m["h"]), int(m["mi"]),
            59 if leap else second, int(frac), tzinfo=tz,
        )
        if leap:
            dt += timedelta(seconds=1)
    except (ValueError, OverflowError):
        raise ValueError("impossible date-time") from None
    if dt.year < 1:
        raise ValueError("year outside 1-9999")
    return dt


def parse_legacy_date(value: object) -> datetime:
    """OB 1.x dates: an OB 2.0 date-time, a date-only `YYYY-MM-DD` (taken as UTC midnight) or a Unix timestamp."""
    if isinstance(value, bool):
        raise ValueError("a date must be a string or a number")
    if isinstance(value, int | float):
        try:
            return datetime.fromtimestamp(value, UTC)
        except (ValueError, OverflowError, OSError):
            raise ValueError("timestamp out of range") from None
    if isinstance(value, str):
        if value.isdigit() and len(value) <= 12:
            return parse_legacy_date(int(value))
        m = _DATE.fullmatch(value)
        if m is not None:
            try:
                return datetime(int(m["y"]), int(m["mo"]), int(m["d"]), tzinfo=UTC)
            except ValueError:
                raise ValueError("impossible date") from None
    return parse_ob2_datetime(value)
