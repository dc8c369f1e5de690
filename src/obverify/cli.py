"""The `obverify` command line (DESIGN.md §3 — a contract that tools outside the project rely on).

    obverify verify INPUT [--recipient ID]... [--at ISO8601] [--documents DIR] [--offline] [--record DIR] [--json]
    obverify unbake FILE [--json]
    obverify bake IMAGE PAYLOAD -o OUT
    obverify audit PATH... [--recipient ID]... [--at ISO8601] [--documents DIR] [--offline] [--jobs N]

Exit status: 0 verified, 1 not verified (the report says why), 2 the command line itself was wrong.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Iterator, Sequence
from typing import TYPE_CHECKING, NoReturn

if TYPE_CHECKING:
    from datetime import datetime
    from pathlib import Path

    from obverify.report import Report

# `datetime`, `pathlib` and `collections.Counter` are imported by the commands that use them: together
# they were a sixth of the `obverify unbake` process, which never needs them (issue 3: under 100 ms).

EXIT_OK, EXIT_INVALID, EXIT_USAGE = 0, 1, 2
MAX_INPUT_BYTES = 16 * 1024 * 1024
"""= `obverify.pipeline.MAX_INPUT_BYTES`; not imported from there so `unbake`/`bake` start without it."""


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> NoReturn:
        self.print_usage(sys.stderr)
        self.exit(EXIT_USAGE, f"{self.prog}: error: {message}\n")


class _Formatter(argparse.HelpFormatter):
    """argparse's formatter without its `shutil` import (and with it bz2 and lzma) on every start.

    argparse builds a formatter for every `add_argument` and asks `shutil.get_terminal_size` for the
    width; `COLUMNS` (what shutil reads first) or 80 columns is as good for help text.
    """

    def __init__(self, prog: str, indent_increment: int = 2, max_help_position: int = 24,
                 width: int | None = None) -> None:
        if width is None:
            import os

            columns = os.environ.get("COLUMNS", "")
            width = (int(columns) if columns.isdigit() else 80) - 2
        super().__init__(prog, indent_increment, max_help_position, width)


def _add_verify(v: argparse.ArgumentParser) -> None:
    v.add_argument("input", help="a PNG, SVG, JSON or JWS/JWT file, an http(s) URL, or - for stdin")
    v.add_argument("--recipient", action="append", default=[], metavar="ID",
                   help="an identity the badge must belong to (repeatable)")
    v.add_argument("--at", metavar="ISO8601", help="evaluate validity at this instant instead of now")
    v.add_argument("--documents", metavar="DIR", help="a document store: DIR/index.json maps URL -> file")
    v.add_argument("--offline", action="store_true", help="no network at all")
    v.add_argument("--record", metavar="DIR", help="write every document fetched into DIR (a document store)")
    v.add_argument("--json", action="store_true", help="print exactly one JSON object, the report")


def _add_unbake(u: argparse.ArgumentParser) -> None:
    u.add_argument("file")
    u.add_argument("--json", action="store_true")


def _add_bake(b: argparse.ArgumentParser) -> None:
    b.add_argument("image")
    b.add_argument("payload", help="a file holding JSON or a JWS/JWT, or a URL")
    b.add_argument("-o", "--output", required=True)


def _add_audit(a: argparse.ArgumentParser) -> None:
    a.add_argument("paths", nargs="+", metavar="PATH", help="badge files, or directories searched recursively")
    a.add_argument("--recipient", action="append", default=[], metavar="ID")
    a.add_argument("--at", metavar="ISO8601", help="one instant for the whole run (default: now, fixed at start)")
    a.add_argument("--documents", metavar="DIR", help="a document store shared by every file")
    a.add_argument("--offline", action="store_true", help="no network at all")
    a.add_argument("--jobs", type=int, default=None, metavar="N", help="verifications in parallel")


_COMMANDS = {
    "verify": ("verify a badge: file, URL or - for stdin", _add_verify),
    "unbake": ("print what is baked into a PNG or SVG", _add_unbake),
    "bake": ("bake a JSON file, a JWS/JWT or a URL into a PNG or SVG", _add_bake),
    "audit": ("verify many badge files offline-capable, one JSON line per file", _add_audit),
}


def _parser(command: str | None = None) -> argparse.ArgumentParser:
    """The parser; given the `command` about to run, only that subcommand's arguments are built.

    Building all four subparsers' arguments was a tenth of an `obverify verify` process; the others are
    only listed by name and help, which is all `obverify --help` and an unknown command need.
    """
    parser = _Parser(prog="obverify", description="Verify, unbake and bake Open Badges (0.5-3.0).",
                     formatter_class=_Formatter)
    sub = parser.add_subparsers(dest="command", required=True, parser_class=_Parser)
    for name, (text, populate) in _COMMANDS.items():
        child = sub.add_parser(name, help=text, formatter_class=_Formatter)
        if command is None or command == name:
            populate(child)
    return parser


def _read_input(parser: argparse.ArgumentParser, name: str) -> bytes:
    if name == "-":
        return sys.stdin.buffer.read(MAX_INPUT_BYTES + 1)
    try:
        with open(name, "rb") as fh:  # noqa: PTH123 (pathlib is not imported on this path)
            return fh.read(MAX_INPUT_BYTES + 1)
    except OSError as exc:
        parser.error(f"cannot read {name}: {exc.strerror}")


class _InputFile:
    """The INPUT argument as a path (`os.PathLike`) for `verify`, which reads it under the input cap and reports a
    missing or unreadable file as `input_invalid` (issue 15: `--json` prints exactly one object, exit 1), without
    importing pathlib on the verify path."""

    def __init__(self, path: str) -> None:
        self.path = path

    def __fspath__(self) -> str:
        return self.path


def _print_report(report: Report, as_json: bool) -> None:
    if as_json:
        sys.stdout.write(report.to_json() + "\n")
        return
    verdict = "VALID" if report.valid else "NOT VALID"
    sys.stdout.write(f"{verdict} (Open Badges {report.version or '?'})\n")
    for f in report.errors:
        sys.stdout.write(f"  error   {f.code}: {f.message}\n")
    for f in report.warnings:
        sys.stdout.write(f"  warning {f.code}: {f.message}\n")
    rec = report.recipient
    said = f"matched {rec.matched}" if rec.matched else ("no match" if rec.checked else "not checked")
    sys.stdout.write(f"  recipient: {said}\n")
    sys.stdout.write(f"  revoked: {report.revoked}  expired: {report.expired}\n")


def _parse_at(parser: argparse.ArgumentParser, text: str | None) -> datetime | None:
    if text is None:
        return None
    from obverify.timeparse import parse_datetime

    try:
        return parse_datetime(text)
    except ValueError as exc:
        parser.error(f"--at: {exc}")


def _cmd_verify(parser: argparse.ArgumentParser, args: argparse.Namespace) -> int:
    from obverify.loaders.factory import make_loader
    from obverify.pipeline import verify

    at = _parse_at(parser, args.at)
    try:
        loader = make_loader(documents=args.documents, offline=args.offline, record=args.record)
    except ValueError as exc:
        parser.error(f"--documents/--record: {exc}")
    src = args.input
    source: bytes | str | _InputFile
    if src.lower().startswith(("http://", "https://")):
        source = src
    elif src == "-":
        source = _read_input(parser, src)
    else:  # read by `verify`: a file that cannot be read is a report (input_invalid, exit 1), not a usage error
        source = _InputFile(src)
    report = verify(source, recipients=args.recipient, at=at, loader=loader)
    _print_report(report, args.json)
    return EXIT_OK if report.valid else EXIT_INVALID


def _cmd_unbake(parser: argparse.ArgumentParser, args: argparse.Namespace) -> int:
    from obverify.unbake import unbake

    data = _read_input(parser, args.file)
    baked = unbake(data)
    if args.json:
        sys.stdout.write(json.dumps({
            "ok": baked.ok, "image": baked.image, "version": baked.version, "kind": baked.payload_kind,
            "location": baked.location, "payload": baked.payload, "error": baked.error,
            "verify_url": baked.verify_url,
        }, ensure_ascii=True) + "\n")
    elif baked.ok:
        sys.stdout.write(f"{baked.image} {baked.location} (OB {baked.version}, {baked.payload_kind})\n")
        sys.stdout.write(f"{baked.payload}\n")
    else:
        sys.stdout.write(f"unbake_failed: {baked.error}\n")
    return EXIT_OK if baked.ok else EXIT_INVALID


def _cmd_bake(parser: argparse.ArgumentParser, args: argparse.Namespace) -> int:
    from obverify.bake import bake

    image = _read_input(parser, args.image)
    payload: str | bytes
    if args.payload.lower().startswith(("http://", "https://")):
        payload = args.payload
    else:
        payload = _read_input(parser, args.payload)
    try:
        baked = bake(image, payload)
    except ValueError as exc:
        parser.error(str(exc))
    try:
        with open(args.output, "wb") as fh:  # noqa: PTH123 (pathlib is not imported on this path)
            fh.write(baked)
    except OSError as exc:
        parser.error(f"cannot write {args.output}: {exc.strerror}")
    return EXIT_OK


def _audit_paths(parser: argparse.ArgumentParser, names: Sequence[str]) -> Iterator[Path]:
    from pathlib import Path

    for name in names:
        path = Path(name)
        if path.is_dir():
            yield from sorted(p for p in path.rglob("*") if p.is_file())
        elif path.is_file():
            yield path
        else:
            parser.error(f"no such file or directory: {name}")


def _cmd_audit(parser: argparse.ArgumentParser, args: argparse.Namespace) -> int:
    """JSON Lines on stdout (`{"path": ..., ...report}` per file), counts by code on stderr; exit 1 if any fails."""
    from collections import Counter

    from obverify.audit import audit
    from obverify.loaders.factory import make_loader
    from obverify.timeparse import UTC, datetime

    at = _parse_at(parser, args.at) or datetime.now(UTC)
    if args.jobs is not None and args.jobs < 1:
        parser.error("--jobs must be at least 1")
    try:
        loader = make_loader(documents=args.documents, offline=args.offline)
    except ValueError as exc:
        parser.error(f"--documents: {exc}")
    paths = list(_audit_paths(parser, args.paths))
    totals: Counter[str] = Counter()
    for path, report in audit(paths, jobs=args.jobs, recipients=args.recipient, at=at, loader=loader):
        line = {"path": str(path), **report.to_dict()}
        sys.stdout.write(json.dumps(line, ensure_ascii=True, default=str) + "\n")
        totals["valid" if report.valid else "invalid"] += 1
        totals.update(f"error:{code}" for code in sorted(set(report.codes())))
    sys.stderr.write(" ".join(f"{k}={v}" for k, v in sorted(totals.items())) + "\n")
    return EXIT_OK if totals["invalid"] == 0 else EXIT_INVALID


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; returns the exit status (the console script exits with it)."""
    argv = sys.argv[1:] if argv is None else list(argv)
    parser = _parser(argv[0] if argv and argv[0] in _COMMANDS else None)
    args = parser.parse_args(argv)
    if args.command == "verify":
        return _cmd_verify(parser, args)
    if args.command == "unbake":
        return _cmd_unbake(parser, args)
    if args.command == "audit":
        return _cmd_audit(parser, args)
    return _cmd_bake(parser, args)


def run() -> NoReturn:
    """The `obverify` console script and `python -m obverify`: `main()`, set up for a process that ends with it.

    A verify, unbake or bake process handles one input (at most 16 MB) and exits, so the cyclic garbage
    collector has nothing there worth reclaiming, yet its passes and the collections of interpreter shutdown
    (which frees every module object one by one, only for the OS to take the memory back anyway) cost about
    40 ms of a 200 ms `obverify verify` (README, "Benchmarks"). So these commands run with it off, and every
    command freezes what exists before exit, leaving shutdown nothing to collect. `audit`, which may read
    thousands of files, keeps it on. `main()` itself never touches the collector: library callers and tests
    keep their own settings.
    """
    import gc

    argv = sys.argv[1:]
    was_enabled = gc.isenabled()
    if argv[:1] != ["audit"]:
        gc.disable()
    try:
        status = main(argv)
    finally:
        gc.freeze()
        if was_enabled:
            gc.enable()
    sys.exit(status)


if __name__ == "__main__":
    run()
