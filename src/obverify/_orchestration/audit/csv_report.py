"""`results.csv`: one row per file with the columns an auditor sorts and filters by.

Badge text (names, issuer names, paths) is attacker-chosen and an auditor opens this file in a
spreadsheet: a cell starting with `=`, `+`, `-`, `@`, a tab or a carriage return would be run there as
a formula (OWASP "CSV injection"), e.g. `=HYPERLINK(...)` exfiltrating the sheet. Such cells get a
leading `'`, which spreadsheets show as text; the JSON journal keeps the exact value.
"""

from __future__ import annotations

import csv
from collections.abc import Iterable
from typing import IO, Any

from obverify._orchestration.audit.records import Result, as_record, codes_of, facts

COLUMNS = ("path", "sha256", "verdict", "valid", "object", "version", "issuer_id", "issuer_name",
           "achievement_name", "recipient_matched", "issued", "expires", "revoked", "expired", "error_codes")

_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def cell(value: Any) -> str:
    """A value as CSV text that no spreadsheet evaluates."""
    if value is None:
        return ""
    if value is True or value is False:
        return "true" if value else "false"
    text = str(value)
    return "'" + text if text.startswith(_FORMULA_START) else text


def write_csv(results: Iterable[Result], fh: IO[str]) -> int:
    """Write the header and one row per result; returns the number of rows."""
    writer = csv.writer(fh)  # RFC 4180 CRLF rows: with "\n" alone, a lone "\r" in a cell went unquoted
    writer.writerow(COLUMNS)
    n = 0
    for item in results:
        rec = as_record(item)
        report = rec.report
        f = facts(report)
        writer.writerow([cell(v) for v in (
            rec.path, rec.sha256, rec.verdict, report.get("valid"), rec.object_type, report.get("version"),
            f.issuer_id, f.issuer_name, f.name, f.recipient, f.issued, f.expires, report.get("revoked"),
            report.get("expired"), ";".join(codes_of(report)),
        )])
        n += 1
    return n
