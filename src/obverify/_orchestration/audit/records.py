"""Audit results as records: the journal (`results.jsonl`) lines, and the facts an auditor sorts by.

`results.jsonl` holds one line per file: `{"path", "sha256", "object", "verdict", "report"}`, where
`report` is exactly `verify`'s JSON report and `verdict` the audit's count for it (valid, invalid, or
not_awarded for a valid object that is not an awarded badge). It is the run's journal: written as
results arrive, read back by `--resume`, and the source of `results.csv` and `report.html`, so those
describe every file of a resumed run too.

Every writer takes any iterable of `(path, Report)` pairs or `AuditRecord`s (`as_record`).
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterable, Iterator, Mapping
from typing import IO, TYPE_CHECKING, Any, NamedTuple

from obverify._orchestration.audit.job import Outcome, object_type, verdict_of

if TYPE_CHECKING:
    from obverify._core.report import Report


class AuditRecord(NamedTuple):
    """One audited file: where, its digest, what object it was, the audit's verdict and the JSON report."""

    path: str
    sha256: str | None
    object_type: str | None
    verdict: str
    report: Mapping[str, Any]


class Facts(NamedTuple):
    """The columns of results.csv (and the HTML table), read from the report's displayer summary."""

    issuer_id: str | None
    issuer_name: str | None
    name: str | None
    recipient: str | None
    issued: str | None
    expires: str | None


Result = AuditRecord | tuple["str | os.PathLike[str]", "Report"]


def as_record(item: Result) -> AuditRecord:
    """An `AuditRecord` from a record, or from a `(path, Report)` pair as `obverify.audit` yields."""
    if isinstance(item, AuditRecord):
        return item
    path, report = item
    kind = object_type(report)
    return AuditRecord(os.fspath(path), None, kind, verdict_of(report, kind), report.to_dict())


def journal_line(outcome: Outcome) -> str:
    """The results.jsonl line of an outcome, composed around the report JSON the worker already made."""
    head = json.dumps({"path": outcome.path, "sha256": outcome.sha256, "object": outcome.object_type,
                       "verdict": outcome.verdict}, ensure_ascii=True)
    return f'{head[:-1]}, "report": {outcome.report_json}}}\n'


def stdout_line(outcome: Outcome) -> str:
    """The line `obverify audit` prints without `--out`: `{"path", "sha256", ...report}` (the old shape)."""
    head = json.dumps({"path": outcome.path, "sha256": outcome.sha256}, ensure_ascii=True)
    body = outcome.report_json or "{}"
    return f"{head[:-1]}, {body[1:]}\n" if body != "{}" else f"{head}\n"


def record_line(record: AuditRecord) -> str:
    """The results.jsonl line of a record."""
    return json.dumps({"path": record.path, "sha256": record.sha256, "object": record.object_type,
                       "verdict": record.verdict, "report": record.report}, ensure_ascii=True, default=str) + "\n"


def write_jsonl(results: Iterable[Result], fh: IO[str]) -> int:
    """Write results.jsonl lines; returns how many."""
    n = 0
    for item in results:
        fh.write(record_line(as_record(item)))
        n += 1
    return n


def parse_line(line: str) -> AuditRecord | None:
    """A journal line as a record, or None for a torn or foreign line (a run killed mid-write)."""
    try:
        value = json.loads(line)
    except ValueError:
        return None
    if not isinstance(value, dict) or not isinstance(value.get("path"), str):
        return None
    report, sha, kind, verdict = value.get("report"), value.get("sha256"), value.get("object"), value.get("verdict")
    if not isinstance(report, dict) or not (sha is None or isinstance(sha, str)):
        return None
    if verdict not in ("valid", "invalid", "not_awarded"):
        return None
    return AuditRecord(value["path"], sha, kind if isinstance(kind, str) else None, verdict, report)


def read_journal(path: str | os.PathLike[str]) -> Iterator[AuditRecord]:
    """Every complete, well-formed line of a results.jsonl (a torn last line is left out)."""
    with open(path, encoding="utf-8") as fh:
        for line in fh:
            if not line.endswith("\n"):
                return
            record = parse_line(line)
            if record is not None:
                yield record


def facts(report: Mapping[str, Any]) -> Facts:
    """Issuer, badge name, matched recipient and dates from a JSON report's summary (OB 2.0 or 3.0 shape)."""
    summary = report.get("summary")
    s: Mapping[str, Any] = summary if isinstance(summary, Mapping) else {}
    issuer = s.get("issuer")
    issuer_name = s.get("issuerName") if "issuerName" in s else (issuer if isinstance(issuer, str) else None)
    if issuer_name is None and isinstance(issuer, Mapping):
        issuer_name = issuer.get("name")
    recipient = report.get("recipient")
    matched = recipient.get("matched") if isinstance(recipient, Mapping) else None
    return Facts(
        issuer_id=_text(s.get("issuerId")),
        issuer_name=_text(issuer_name),
        name=_text(s.get("name")),
        recipient=_text(matched),
        issued=_text(s.get("issuedOn") if s.get("issuedOn") is not None else s.get("validFrom")),
        expires=_text(s.get("expires") if s.get("expires") is not None else s.get("validUntil")),
    )


def _text(value: Any) -> str | None:
    return value if isinstance(value, str) else None


def codes_of(report: Mapping[str, Any]) -> list[str]:
    """The report's distinct error codes, in order of discovery."""
    out: list[str] = []
    errors = report.get("errors")
    for f in errors if isinstance(errors, list) else []:
        code = f.get("code") if isinstance(f, Mapping) else None
        if isinstance(code, str) and code not in out:
            out.append(code)
    return out
