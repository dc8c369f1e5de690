"""`obverify audit`: the command's options and its run (cli.py only wires these in).

    obverify audit PATH... [--jobs N] [--engine local|dask] [--scheduler ADDRESS] [--out DIR]
        [--format jsonl,csv,html] [--resume] [--manifest FILE.csv] [--ordered] [--quiet]
        [--recipient ID]... [--at ISO8601] [--documents DIR] [--offline]

Without `--out`: one JSON line per file on stdout (`{"path", "sha256", ...report}`). With `--out DIR`:
`results.jsonl` (the journal, always written: `--resume` reads it), then `results.csv` and `report.html`
as `--format` asks, both rendered from the journal so a resumed run's reports cover every file.
`DIR/audit.json` keeps the run's options; `--resume` reuses its instant and refuses different options,
so a resumed audit is one audit at one instant. Counts go to stderr; exit 1 when any file is not a valid
awarded badge, 2 for a usage error.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import uuid
from collections import Counter
from collections.abc import Iterator, Mapping
from datetime import UTC, datetime
from typing import IO, Any, NoReturn

from obverify._orchestration.audit.discover import count, discover, missing
from obverify._orchestration.audit.engines import EngineUnavailableError, default_jobs, run
from obverify._orchestration.audit.job import Item, Settings
from obverify._orchestration.audit.manifest import ManifestError, key, load_manifest
from obverify._orchestration.audit.progress import AuditProgress
from obverify._orchestration.audit.records import journal_line, read_journal, stdout_line

FORMATS = ("jsonl", "csv", "html")
JOURNAL, CSV, HTML, PARAMS = "results.jsonl", "results.csv", "report.html", "audit.json"
EXIT_OK, EXIT_FAILED, EXIT_USAGE = 0, 1, 2


def add_arguments(a: argparse.ArgumentParser) -> None:
    """The audit subcommand's options."""
    a.add_argument("paths", nargs="+", metavar="PATH", help="badge files, or directories searched recursively")
    a.add_argument("--recipient", action="append", default=[], metavar="ID",
                   help="an identity every badge must belong to (repeatable); see --manifest")
    a.add_argument("--at", metavar="ISO8601", help="one instant for the whole run (default: now, fixed at start)")
    a.add_argument("--documents", metavar="DIR", help="a document store shared by every file")
    a.add_argument("--offline", action="store_true", help="no network at all")
    a.add_argument("--jobs", type=int, default=None, metavar="N",
                   help=f"verifications in parallel (default: one per core, here {default_jobs()})")
    a.add_argument("--engine", choices=("local", "dask"), default="local",
                   help="local worker processes, or a Dask cluster (extra 'dask')")
    a.add_argument("--scheduler", metavar="ADDRESS", help="Dask scheduler (tcp://host:port); default a local cluster")
    a.add_argument("--out", metavar="DIR", help="write results.jsonl, results.csv and report.html into DIR")
    a.add_argument("--format", default=",".join(FORMATS), metavar="LIST",
                   help="with --out: which of jsonl,csv,html (results.jsonl is always kept: it is the journal)")
    a.add_argument("--resume", action="store_true", help="with --out: skip files already in DIR/results.jsonl")
    a.add_argument("--manifest", metavar="FILE.csv", help="per-file recipients: columns path,recipient (a;b)")
    a.add_argument("--ordered", action="store_true", help="results in input order (default: as they finish)")
    a.add_argument("--quiet", action="store_true", help="no progress bar")
    from obverify._core.policy import add_policy_arguments

    add_policy_arguments(a)


def _fail(parser: argparse.ArgumentParser, message: str) -> NoReturn:
    parser.error(message)


class _Run:
    """The checked options of one run."""

    def __init__(self, parser: argparse.ArgumentParser, args: argparse.Namespace, at: datetime) -> None:
        self.parser = parser
        self.args = args
        self.at = at
        if args.jobs is not None and args.jobs < 1:
            _fail(parser, "--jobs must be at least 1")
        if args.scheduler and args.engine != "dask":
            _fail(parser, "--scheduler needs --engine dask")
        absent = missing(args.paths)
        if absent:
            _fail(parser, f"no such file or directory: {absent[0]}")
        self.formats = tuple(f.strip() for f in args.format.split(",") if f.strip())
        unknown = [f for f in self.formats if f not in FORMATS]
        if unknown or not self.formats:
            _fail(parser, f"--format: choose from {','.join(FORMATS)}")
        if args.out is None and (args.resume or args.format != ",".join(FORMATS)):
            _fail(parser, "--resume and --format need --out DIR")
        self.manifest: Mapping[str, tuple[str, ...]] = {}
        if args.manifest is not None:
            try:
                self.manifest = load_manifest(args.manifest)
            except ManifestError as exc:
                _fail(parser, f"--manifest: {exc}")
        from obverify._core.policy import policy_from_arguments

        self.policy = policy_from_arguments(parser, args)
        if args.documents is not None:
            from obverify._engines.net.factory import make_loader

            try:  # checked once here, so a broken store is a usage error and not one failure per file
                make_loader(documents=args.documents, offline=True)
            except ValueError as exc:
                _fail(parser, f"--documents: {exc}")

    def params(self) -> dict[str, Any]:
        a = self.args
        return {"at": self.at.isoformat(), "recipients": list(a.recipient),
                "documents": os.path.abspath(a.documents) if a.documents else None, "offline": bool(a.offline),
                "manifest": os.path.abspath(a.manifest) if a.manifest else None}

    def settings(self) -> Settings:
        a = self.args
        return Settings(token=uuid.uuid4().hex, at=self.at, recipients=tuple(a.recipient),
                        documents=os.path.abspath(a.documents) if a.documents else None, offline=bool(a.offline),
                        policy=self.policy)

    def items(self, done: Mapping[str, str | None]) -> Iterator[Item]:
        for path in discover(self.args.paths):
            recipients = self.manifest.get(key(path)) if self.manifest else None
            if path in done:
                yield Item(path, recipients, resume=True, known_sha256=done[path])
            else:
                yield Item(path, recipients)


def run_command(parser: argparse.ArgumentParser, args: argparse.Namespace, at: datetime | None) -> int:
    """Run `obverify audit`; returns the exit status."""
    out = args.out
    done: dict[str, str | None] = {}
    if out is not None:
        at = _prepare_out(parser, args, at)
    run_at = at if at is not None else datetime.now(UTC)
    checked = _Run(parser, args, run_at)
    if out is not None:
        done = _resume_state(out) if args.resume else {}
        with open(os.path.join(out, PARAMS), "w", encoding="utf-8") as fh:
            json.dump(checked.params(), fh, indent=2)
    totals: Counter[str] = Counter()
    sink: IO[str] = (open(os.path.join(out, JOURNAL), "a", encoding="utf-8")  # noqa: SIM115
                     if out is not None else sys.stdout)
    write_line = journal_line if out is not None else stdout_line
    show = not args.quiet and sys.stderr.isatty()
    names = list(args.paths)
    try:
        with AuditProgress(show, (lambda: count(names)) if show else None) as bar:
            outcomes = run(checked.items(done), checked.settings(), engine=args.engine, jobs=args.jobs,
                           ordered=args.ordered, scheduler=args.scheduler)
            for outcome in outcomes:
                bar.advance(outcome.verdict in ("invalid", "not_awarded"))
                if outcome.verdict == "skipped":
                    totals["resumed"] += 1
                    continue
                sink.write(write_line(outcome))
                totals[outcome.verdict] += 1
                totals.update(f"error:{c}" for c in dict.fromkeys(outcome.codes))
    except EngineUnavailableError as exc:
        sys.stderr.write(f"obverify audit: {exc}\n")
        return EXIT_USAGE
    finally:
        if sink is not sys.stdout:
            sink.close()
        else:
            sink.flush()
    if out is not None:
        totals = _render(out, checked, totals["resumed"])
    sys.stderr.write(" ".join(f"{k}={v}" for k, v in sorted(totals.items())) + "\n")
    return EXIT_OK if totals["invalid"] == 0 and totals["not_awarded"] == 0 else EXIT_FAILED


def _prepare_out(parser: argparse.ArgumentParser, args: argparse.Namespace, at: datetime | None) -> datetime | None:
    """Create DIR; refuse to overwrite a journal unless resuming; on resume, the first run's instant."""
    out = args.out
    journal = os.path.join(out, JOURNAL)
    if os.path.exists(journal) and not args.resume:
        _fail(parser, f"--out {out} already holds {JOURNAL}: add --resume to finish that audit, or use another DIR")
    try:
        os.makedirs(out, exist_ok=True)
    except OSError as exc:
        _fail(parser, f"--out: cannot create {out}: {exc.strerror}")
    params_path = os.path.join(out, PARAMS)
    if not args.resume or not os.path.exists(params_path):
        return at
    from obverify._core.timeparse import parse_datetime

    try:
        with open(params_path, encoding="utf-8") as fh:
            before = json.load(fh)
        first_at = parse_datetime(before["at"])
    except (OSError, ValueError, KeyError, TypeError) as exc:
        _fail(parser, f"--resume: cannot read {params_path}: {exc}")
    if at is not None and at != first_at:
        _fail(parser, f"--resume: this audit runs at {before['at']}; --at must be the same or left out")
    now = {"recipients": list(args.recipient),
           "documents": os.path.abspath(args.documents) if args.documents else None,
           "offline": bool(args.offline), "manifest": os.path.abspath(args.manifest) if args.manifest else None}
    changed = [k for k, v in now.items() if before.get(k) != v]
    if changed:
        _fail(parser, f"--resume: options differ from the interrupted run ({', '.join(changed)})")
    return first_at


def _resume_state(out: str) -> dict[str, str | None]:
    """path -> sha256 of every complete journal line; a torn last line (a killed run) is cut off."""
    journal = os.path.join(out, JOURNAL)
    if not os.path.exists(journal):
        return {}
    with open(journal, "rb+") as fh:
        fh.seek(0, os.SEEK_END)
        size = fh.tell()
        end = size
        while end > 0:
            step = min(end, 1 << 16)
            fh.seek(end - step)
            block = fh.read(step)
            cut = block.rfind(b"\n")
            if cut >= 0:
                end = end - step + cut + 1
                break
            end -= step
        if end != size:
            fh.truncate(end)
    return {rec.path: rec.sha256 for rec in read_journal(journal)}


def _render(out: str, checked: _Run, resumed: int) -> Counter[str]:
    """results.csv and report.html from the journal; the counts over every file of the audit."""
    totals: Counter[str] = Counter()
    journal = os.path.join(out, JOURNAL)

    def counted() -> Iterator[Any]:
        for rec in read_journal(journal):
            totals[rec.verdict] += 1
            totals.update(f"error:{c}" for c in dict.fromkeys(e.get("code") for e in rec.report.get("errors", [])))
            yield rec

    if "csv" in checked.formats:
        from obverify._orchestration.audit.csv_report import write_csv

        with open(os.path.join(out, CSV), "w", encoding="utf-8", newline="") as fh:
            write_csv(read_journal(journal), fh)
    if "html" in checked.formats:
        from obverify._orchestration.audit.html_report import write_html

        about = {"checked at": checked.at.isoformat(), "engine": checked.args.engine,
                 "recipients": ", ".join(checked.args.recipient) or "-",
                 "manifest": checked.args.manifest or "-", "documents": checked.args.documents or "-",
                 "offline": checked.args.offline}
        with open(os.path.join(out, HTML), "w", encoding="utf-8") as fh:
            write_html(counted(), fh, about=about)
    else:
        for _ in counted():
            pass
    if resumed:
        totals["resumed"] = resumed
    return totals
