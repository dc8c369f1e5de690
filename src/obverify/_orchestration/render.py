"""The report as a person reads it in a terminal: verdict, badge, reasons, and with `-v` the checks.

`render_report` turns a `Report` into lines of (text, style) segments; `write_lines` prints them plainly, or
through rich with colour when the stream is a terminal and `NO_COLOR` is unset. rich costs about 30 ms to
import, so it is imported only then: the JSON and the piped output of `obverify verify` never load it.

Every value that comes from a badge, a document or a file name passes through `show`, which quotes it with
`obverify._core.text.quote` (control characters, escape sequences and bidi overrides become visible escapes), so a
badge named `"\\x1b[32mGenuine"` cannot draw its own verdict; and rich is given `Text` objects, never markup, so
`[green]` in a badge name stays text. `None`, booleans and JSON values are rendered as words, never as Python
reprs.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping, Sequence
from typing import IO, TYPE_CHECKING, Any

from obverify._core.text import quote

if TYPE_CHECKING:
    from obverify._core.report import Finding, Report

Segment = tuple[str, str]
"""A piece of text and its rich style name ("" for none)."""
Line = list[Segment]

STYLE_GOOD = "bold green"
STYLE_BAD = "bold red"
STYLE_LABEL = "bold"
STYLE_ERROR = "red"
STYLE_WARNING = "yellow"
STYLE_DIM = "dim"

# The headline reason of a failed verification: the first code of this list the report has, as a person
# would say it. Earlier codes explain the later ones (no badge in the image explains everything after it; a
# revoked badge is revoked whatever else is wrong), so the headline names the cause.
_REASONS: tuple[tuple[str, str], ...] = (
    ("unbake_failed", "the image holds no readable badge"),
    ("input_invalid", "this is not an Open Badge obverify can read"),
    ("revoked", "the issuer has revoked this badge"),
    ("proof_invalid", "the signature or proof does not verify"),
    ("issuer_mismatch", "the badge is not vouched for by the issuer it names"),
    ("recipient_mismatch", "the badge was not issued to the recipient given"),
    ("expired", "the badge has expired"),
    ("not_yet_valid", "the badge is not valid yet"),
    ("context_invalid", "the badge's JSON-LD context is missing or not allowed"),
    ("schema_invalid", "the badge's data is malformed"),
    ("status_unavailable", "its revocation status could not be checked"),
    ("url_blocked", "a URL it names was refused by the network policy"),
    ("fetch_failed", "a document needed to verify it could not be retrieved"),
)

_WORDS = {True: "yes", False: "no", None: "none"}


def show(value: Any, limit: int = 300) -> str:
    """A value as words for a person: text quoted (escapes visible), `None` as "none", booleans as yes/no."""
    if isinstance(value, str):
        return quote(value, limit)
    if value is None or isinstance(value, bool):
        return _WORDS[value]
    if isinstance(value, int | float):
        return str(value)
    try:
        text = json.dumps(value, ensure_ascii=False, sort_keys=True, default=str)
    except (TypeError, ValueError, RecursionError):
        text = type(value).__name__
    return quote(text, limit)


def show_time(value: Any, version: str | None = "3.0") -> str:
    """A date-time in ISO 8601 with its zone, read by the rules of the badge's `version` (OB 3.0: RFC 3339;
    OB 2.0: seconds optional, `+hhmm`; OB 0.5-1.1 also a date alone or a Unix timestamp); anything else is
    shown quoted, and said so."""
    if value is None:
        return "none"
    from obverify._core.timeparse import parse_datetime, parse_legacy_date, parse_ob2_datetime

    parse = parse_ob2_datetime if version == "2.0" else parse_legacy_date if version in (
        "0.5", "1.0", "1.1") else parse_datetime
    try:
        return parse(value).isoformat()
    except ValueError:
        return f"{show(value, 80)} (not a valid date-time)"


def _date(summary: Mapping[str, Any], keys: tuple[str, ...], report: Report, *, missing: str) -> str:
    """The first of `keys` the summary has; when none, "invalid" if a finding points at one of them."""
    value = next((summary[k] for k in keys if summary.get(k) is not None), None)
    if value is not None:
        return show_time(value, report.version)
    pointers = tuple(f"/{k}" for k in keys)
    if any(f.path is not None and f.path.endswith(pointers) for f in (*report.errors, *report.warnings)):
        return "not a valid date-time (see below)"
    return missing


_KIND_NAMES = {"BadgeClass": "badge class", "Profile": "issuer profile", "Endorsement": "endorsement",
               "RevocationList": "revocation list", "CryptographicKey": "cryptographic key"}


def _kind(report: Report) -> str | None:
    """What kind of object was verified: None for a badge (assertion, achievement credential), else one of
    `_KIND_NAMES` (an OB 3.0 EndorsementCredential is an "Endorsement")."""
    kind = report.related.get("type")
    if isinstance(kind, str) and kind in _KIND_NAMES:
        return kind
    summary = report.summary() or {}
    return "Endorsement" if summary.get("kind") == "endorsement" else None


def _thing(report: Report) -> str:
    kind = _kind(report)
    return f" {_KIND_NAMES[kind]}" if kind is not None else ""


def verdict(report: Report) -> Segment:
    """The one line a person reads first, and its style."""
    version = report.version or "(version unknown)"
    if report.valid:
        text = f"Genuine Open Badge {version}{_thing(report)}"
        rec = report.recipient
        if rec.matched is not None:
            text += f", issued to {show(rec.matched, 120)}"
        elif not _thing(report):
            text += " (recipient not checked)"
        return text, STYLE_GOOD
    codes = set(report.codes())
    reason = next((text for code, text in _REASONS if code in codes), None)
    if reason is not None and "unbake_failed" not in codes and "input_invalid" in codes:
        # our own sentence naming what the input is instead ("this is a BadgeClass, not an awarded badge")
        reason = show(next(f.message for f in report.errors if f.code == "input_invalid"), 200)
    if reason is not None and "revoked" in codes and report.revocation_reason == "suspended":
        reason = "the issuer has suspended this badge"  # a Bitstring Status List with statusPurpose suspension
    if reason is None:
        first = report.errors[0] if report.errors else None
        reason = f"{first.code}: {first.message}" if first is not None else "the verification did not complete"
    others = len(report.errors) - 1
    more = f" (and {others} more problem{'s' if others != 1 else ''})" if others > 0 else ""
    return f"NOT VALID: {reason}{more}", STYLE_BAD


def _issuer_name(summary: Mapping[str, Any]) -> Any:
    name = summary.get("issuerName")
    if name is None:
        name = summary.get("issuer")
        if isinstance(name, Mapping):
            name = name.get("name")
    return name


def _issuer(summary: Mapping[str, Any]) -> str | None:
    name = _issuer_name(summary)
    ident = summary.get("issuerId")
    if name is None and ident is None:
        return None
    if ident is None:
        return show(name, 200)
    if name is None:
        return show(ident, 300)
    return f"{show(name, 200)} ({show(ident, 300)})"


def _recipient(report: Report, recipients_given: bool) -> str:
    rec = report.recipient
    detail = getattr(rec, "detail", None)
    how = ", ".join(p for p in (
        show(rec.identity_type, 40) if rec.identity_type else "",
        {True: "hashed", False: "plain", None: ""}[rec.hashed],
    ) if p)
    how = f" ({how})" if how else ""
    if rec.matched is not None:
        text = f"matched {show(rec.matched, 200)}{how}"
    elif rec.checked:
        text = f"NO MATCH: none of the identities given is the badge's recipient{how}"
    elif not recipients_given:
        text = "not checked: no --recipient given"
    elif not detail and report.revoked and report.summary() is None:
        text = "not checked: the issuer's copy is a revocation notice that names no recipient"
    elif not detail:
        text = "not checked: the verification stopped before the recipient check"
    else:
        return f"not checked: {show(detail, 300)}"
    if detail:
        text += f"; {show(detail, 300)}"
    return text


def _status(report: Report) -> str:
    if report.revoked is True:
        reason = report.revocation_reason
        return f"revoked: {show(reason, 300)}" if reason else "revoked (the issuer gave no reason)"
    status_checks = [c for c in report.checks if c.name in ("revocation", "ob3.status")]
    if report.revoked is False:
        skipped = next((c for c in status_checks if c.status == "skipped"), None)
        if skipped is not None and skipped.detail:
            return f"not revoked ({show(skipped.detail, 200)})"
        return "not revoked"
    why = next((f.message for f in report.errors if f.code == "status_unavailable"), None)
    if why is None:
        why = next((c.detail for c in status_checks if c.status != "passed" and c.detail), None)
    return f"status could not be checked: {show(why, 300)}" if why else "status could not be checked"


_UNTRUSTED = frozenset({"proof_invalid", "issuer_mismatch"})
"""Codes after which the badge's own statements (name, issuer, dates) are claims nobody vouched for."""


def _claims_only(summary: Mapping[str, Any], report: Report) -> bool:
    return summary.get("unverified") is True or not _UNTRUSTED.isdisjoint(report.codes())


def _unverified_note(summary: Mapping[str, Any], report: Report) -> str:
    """Why the badge block describes what nobody vouched for: a copy that was not verified
    (`obverify._ob2._describe_unverified`), or a badge whose signature or issuer did not verify."""
    if summary.get("unverified") is not True:
        return "(as the badge states it: its signature or issuer did not verify)"
    if summary.get("source") == "hosted":
        return "(read from the issuer's revoked copy, which was not verified)"
    if report.revoked:
        return "(read from the copy presented, not verified: the issuer's own copy is a revocation notice)"
    return "(read from the copy presented, which could not be verified)"


def _field(label: str, value: str, style: str = "") -> Line:
    return [(f"  {label:<11}", STYLE_LABEL), (value, style)]


def badge_lines(report: Report, *, recipients_given: bool = False) -> list[Line]:
    """Block 2: name, issuer, recipient, dates, status, as far as the report knows them.

    A report without a summary (the input was never read as a badge) shows no dates, rather than "never".
    """
    recipient_style = STYLE_ERROR if report.recipient.checked and report.recipient.matched is None else ""
    kind = _kind(report)
    if kind in ("RevocationList", "CryptographicKey"):  # the verdict line says what it is; nothing else to show
        return []
    summary = report.summary()
    if summary is None:  # only what is known: no dates, no status nobody could check
        lines = [_field("Badge", "not read (the verification stopped before it)", STYLE_DIM)]
        if recipients_given or report.recipient.checked:
            lines.append(_field("Recipient", _recipient(report, recipients_given), recipient_style))
        if report.revoked is not None:
            lines.append(_field("Status", _status(report), STYLE_ERROR if report.revoked else ""))
        return lines
    name, issuer = summary.get("name"), _issuer(summary)
    if kind in ("BadgeClass", "Profile"):  # no recipient, dates or status of their own
        label = "BadgeClass" if kind == "BadgeClass" else "Profile"
        lines = [_field(label, show(name, 200) if name is not None else "unknown (not read)")]
        if kind == "BadgeClass":
            lines.append(_field("Issuer", issuer if issuer is not None else "unknown (not read)"))
        elif summary.get("issuerId") is not None:
            lines.append(_field("Id", show(summary.get("issuerId"), 300)))
        return lines
    lines = []
    if kind == "Endorsement":
        claim = summary.get("claim")
        lines.append(_field("Endorses", show(claim, 300) if claim is not None else show(name, 200)))
        lines.append(_field("Endorser", issuer if issuer is not None else "unknown (not read)"))
    else:
        lines.append(_field("Badge", show(name, 200) if name is not None else "unknown (not read)"))
        lines.append(_field("Issuer", issuer if issuer is not None else "unknown (not read)"))
    if _claims_only(summary, report):
        lines.append(_field("", _unverified_note(summary, report), STYLE_DIM))
    if kind is None:
        lines.append(_field("Recipient", _recipient(report, recipients_given), recipient_style))
    issued = _date(summary, ("validFrom", "issuanceDate", "issuedOn"), report, missing="none")
    lines.append(_field("Issued", issued))
    expires_text = _date(summary, ("validUntil", "expirationDate", "expires"), report, missing="never")
    if report.expired:
        expires_text += " (expired)"
    lines.append(_field("Expires", expires_text, STYLE_ERROR if report.expired else ""))
    lines.append(_field("Status", _status(report), STYLE_ERROR if report.revoked else ""))
    if report.checked_at is not None:
        lines.append(_field("Checked at", report.checked_at.isoformat()))
    return lines


def finding_line(finding: Finding, severity: str) -> Line:
    """`code: message`, then where: the JSON pointer and the URL, if the finding has them."""
    style = STYLE_ERROR if severity == "error" else STYLE_WARNING
    line: Line = [(f"  {severity:<8}", style), (finding.code, style), (f": {finding.message}", "")]
    if finding.path:
        line.append((f" at {finding.path}", STYLE_DIM))
    if finding.url:
        line.append((f" <{finding.url}>", STYLE_DIM))
    return line


def render_report(report: Report, *, verbose: bool = False, recipients_given: bool = False) -> list[Line]:
    """The whole human view of one report, in that order: verdict, badge, reasons, then (with `-v`) the checks.

    `recipients_given`: whether the caller asked for a recipient check (`--recipient`), so that a report
    whose recipient was not checked says why.
    """
    lines: list[Line] = [[verdict(report)]]
    lines.extend(badge_lines(report, recipients_given=recipients_given))
    if report.errors or report.warnings:
        lines.append([])
    lines.extend(finding_line(f, "error") for f in report.errors)
    lines.extend(finding_line(f, "warning") for f in report.warnings)
    if report.dropped_findings:
        lines.append([(f"  … and {report.dropped_findings} more findings not kept", STYLE_DIM)])
    if verbose:
        lines.append([])
        lines.append([("Checks", STYLE_LABEL)])
        for check in report.checks:
            style = {"passed": "green", "failed": STYLE_ERROR}.get(check.status, STYLE_DIM)
            detail = f": {show(check.detail, 300)}" if check.detail else ""
            lines.append([(f"  {check.status:<8}", style), (f"{show(check.name, 80)}{detail}", "")])
        lines.append([("Documents consulted", STYLE_LABEL)])
        lines.extend([("  " + show(url, 512), "")] for url in report.documents)
        if not report.documents:
            lines.append([("  none", STYLE_DIM)])
    return lines


def summary_line(label: str, report: Report) -> Line:
    """One input of several: its name, its verdict, and the badge's name and issuer when known."""
    line: Line = [(f"{show(label, 200)}: ", STYLE_LABEL), verdict(report)]
    summary = report.summary() or {}
    name, issuer = summary.get("name"), _issuer_name(summary)
    if name is not None or issuer is not None:
        what = show(name, 120) if name is not None else "a badge"
        claims = "claims to be " if _claims_only(summary, report) else ""
        line.append((f" — {claims}{what}" + (f" from {show(issuer, 120)}" if issuer is not None else ""),
                     STYLE_DIM))
    return line


def count_line(total: int, failed: int) -> Line:
    """The closing count of a run over several inputs."""
    style = STYLE_GOOD if failed == 0 else STYLE_BAD
    return [(f"{total} input{'s' if total != 1 else ''}: {total - failed} valid, {failed} not valid", style)]


def wants_colour(stream: IO[str], environ: Mapping[str, str]) -> bool:
    """Colour only for a terminal, and never when `NO_COLOR` is set to anything (no-color.org) or TERM=dumb."""
    if environ.get("NO_COLOR", "") != "" or environ.get("TERM") == "dumb":
        return False
    try:
        return stream.isatty()
    except (AttributeError, ValueError, OSError):
        return False


def write_lines(lines: Iterable[Sequence[Segment]], stream: IO[str], *, colour: bool) -> None:
    """Print the lines: plain text, or styled by rich (imported only here) when `colour` is set."""
    if not colour:
        stream.write("".join("".join(text for text, _ in line) + "\n" for line in lines))
        return
    from rich.console import Console
    from rich.text import Text

    console = Console(file=stream, force_terminal=True, highlight=False, markup=False, emoji=False,
                      soft_wrap=True)
    for line in lines:
        console.print(Text.assemble(*line) if line else Text())
