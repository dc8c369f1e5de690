"""The `obverify` command line (DESIGN.md §3 — a contract that tools outside the project rely on).

    obverify verify INPUT... [--recipient ID]... [--at ISO8601] [--documents DIR] [--offline] [--record DIR]
                    [--json] [-v]
    obverify unbake FILE [--json]
    obverify bake IMAGE PAYLOAD -o OUT|-
    obverify audit PATH... [--jobs N] [--engine local|dask] [--scheduler ADDRESS] [--out DIR] [--format LIST]
                   [--resume] [--manifest FILE.csv] [--ordered] [--quiet] [--recipient ID]... [--at ISO8601]
                   [--documents DIR] [--offline]
    obverify --version

Exit status: 0 verified, 1 not verified (the report says why), 2 the command line itself was wrong.
Without `--json`, `verify` prints the human view of `obverify._orchestration.render`; this module only parses and
dispatches through `COMMANDS`, so a new subcommand or option is an entry there.
"""

from __future__ import annotations

import argparse
import gc
import json
import os
import sys
from collections.abc import Callable, Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, NamedTuple, NoReturn

from obverify._core.text import quote
from obverify._core.timeparse import parse_datetime
from obverify._core.url import URL

if TYPE_CHECKING:
    from obverify._core.report import Report

EXIT_OK, EXIT_INVALID, EXIT_USAGE = 0, 1, 2
MAX_INPUT_BYTES = 16 * 1024 * 1024
"""= `VerificationPolicy().max_input_bytes` (what `unbake`/`bake` read); `verify` reads its policy's own."""


_RAW = argparse.RawDescriptionHelpFormatter
"""Raw descriptions: each subcommand's examples (its epilog) keep their lines."""


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> NoReturn:
        self.print_usage(sys.stderr)
        self.exit(EXIT_USAGE, f"{self.prog}: error: {message}\n")


def _add_verify(v: argparse.ArgumentParser) -> None:
    v.add_argument("inputs", nargs="+", metavar="INPUT",
                   help="a PNG, SVG, JSON or JWS/JWT file, an http(s) URL, or - for stdin; several give one line each")
    v.add_argument("--recipient", action="append", default=[], metavar="ID",
                   help="an identity the badge must belong to (repeatable)")
    v.add_argument("--at", metavar="ISO8601", help="evaluate validity at this instant instead of now")
    v.add_argument("--documents", metavar="DIR", help="a document store: DIR/index.json maps URL -> file")
    v.add_argument("--offline", action="store_true", help="no network at all")
    v.add_argument("--record", metavar="DIR", help="write every document fetched into DIR (a document store)")
    v.add_argument("--json", action="store_true",
                   help="print the report as JSON: exactly one object for one input, one line per input for several")
    v.add_argument("-v", "--verbose", action="store_true", help="also list every check and the documents consulted")
    v.add_argument("--any-object", action="store_true",
                   help="also judge a standalone BadgeClass, Profile, key or endorsement (default: awarded badges)")
    from obverify._core.policy import add_policy_arguments

    add_policy_arguments(v)


def _add_unbake(u: argparse.ArgumentParser) -> None:
    u.add_argument("file", help="a baked PNG or SVG file, or - for stdin")
    u.add_argument("--json", action="store_true", help="print what was found as one JSON object")


def _add_bake(b: argparse.ArgumentParser) -> None:
    b.add_argument("image", help="the PNG or SVG to bake into")
    b.add_argument("payload", help="a file holding JSON or a JWS/JWT, or a URL")
    b.add_argument("-o", "--output", required=True, metavar="OUT", help="the baked image; - for stdout")


def _add_audit(a: argparse.ArgumentParser) -> None:
    from obverify._orchestration.audit.command import add_arguments

    add_arguments(a)


_VERIFY_EXAMPLES = """\
examples, one per kind of input:
  obverify verify badge.png --recipient alice@example.org   a baked PNG image
  obverify verify badge.svg                                 a baked SVG image
  obverify verify assertion.json                            OB 0.5-2.0 assertion or OB 3.0 credential (JSON)
  obverify verify credential.jwt                            a VC-JWT or OB 2.0 signed badge (compact JWS)
  obverify verify https://issuer.example/assertions/1       a hosted badge, by URL
  obverify verify - < assertion.json                        standard input
  obverify verify a.png b.json c.jwt                        several: one line each and a count
  obverify verify badge.json --offline --documents DIR      no network: documents from DIR/index.json
"""

_UNBAKE_EXAMPLES = """\
examples, one per kind of input:
  obverify unbake badge.png             the payload baked into a PNG (JSON, JWS/JWT or URL)
  obverify unbake badge.svg             the payload baked into an SVG
  obverify unbake - < badge.png         standard input
  obverify unbake badge.png --json      where it was found, the version and the payload, as JSON
"""

_BAKE_EXAMPLES = """\
examples, one per kind of payload:
  obverify bake plain.png assertion.json -o badge.png                 an OB 2.0 assertion or OB 3.0 credential
  obverify bake plain.svg credential.jwt -o badge.svg                 a JWS/JWT
  obverify bake plain.png https://issuer.example/assertions/1 -o -    a hosted badge's URL, image to stdout
"""

_AUDIT_EXAMPLES = """\
examples, one per kind of input:
  obverify audit badges/ --offline --documents DIR    every file under a directory, no network
  obverify audit a.png b.svg c.json d.jwt             a list of files
  obverify audit badges/ --out DIR --manifest m.csv   results.jsonl, results.csv, report.html; per-file learners
  obverify audit badges/ --out DIR --resume           finish an interrupted audit
  obverify audit badges/ --engine dask --scheduler tcp://10.0.0.5:8786   on a Dask cluster
"""


class Command(NamedTuple):
    """One subcommand: its one-line help, how to build its arguments, what runs it, and its examples.

    `keeps_collector`: a command that may run long over many inputs (audit, a server) keeps the cyclic
    garbage collector on in `run()`; the others handle one input and exit.
    """

    help: str
    populate: Callable[[argparse.ArgumentParser], None]
    handler: Callable[[argparse.ArgumentParser, argparse.Namespace], int]
    epilog: str = ""
    keeps_collector: bool = False


def _parser(command: str | None = None) -> argparse.ArgumentParser:
    """The parser; given the `command` about to run, only that subcommand's arguments are built.

    Building all subparsers' arguments was a tenth of an `obverify verify` process; the others are only
    listed by name and help, which is all `obverify --help` and an unknown command need.
    """
    from obverify import __version__

    parser = _Parser(prog="obverify", description="Verify, unbake and bake Open Badges (0.5-3.0).",
                     formatter_class=_RAW)
    parser.add_argument("--version", action="version", version=f"obverify {__version__}")
    sub = parser.add_subparsers(dest="command", required=True, parser_class=_Parser)
    for name, cmd in COMMANDS.items():
        if command is None or command == name:
            child = sub.add_parser(name, help=cmd.help, epilog=cmd.epilog or None, formatter_class=_RAW)
            cmd.populate(child)
        else:
            sub.add_parser(name, help=cmd.help, formatter_class=_RAW)
    return parser


def _read_input(parser: argparse.ArgumentParser, name: str, cap: int = MAX_INPUT_BYTES) -> bytes:
    if name == "-":
        return sys.stdin.buffer.read(cap + 1)
    try:
        with Path(name).open("rb") as fh:
            return fh.read(cap + 1)
    except OSError as exc:
        parser.error(f"cannot read {name}: {exc.strerror}")


def _parse_at(parser: argparse.ArgumentParser, text: str | None) -> datetime | None:
    if text is None:
        return None
    try:
        return parse_datetime(text)
    except ValueError as exc:
        parser.error(f"--at: {exc}")


def _colour() -> bool:
    from obverify._orchestration.render import wants_colour

    return wants_colour(sys.stdout, os.environ)


def _source(parser: argparse.ArgumentParser, name: str, cap: int) -> bytes | URL | Path:
    """What `verify` gets for one INPUT: an `obverify.URL`, stdin's bytes, or the file (an `os.PathLike`) for
    `verify` to read (a file that cannot be read is a report, input_invalid and exit 1, not a usage error).
    Never a plain `str`: to `verify` that is JSON/JWS text, never a path."""
    if name.lower().startswith(("http://", "https://")):
        try:
            return URL(name)
        except ValueError as exc:
            parser.error(f"INPUT: {exc}")
    if name == "-":
        return _read_input(parser, name, cap)
    return Path(name)


def _cmd_verify(parser: argparse.ArgumentParser, args: argparse.Namespace) -> int:
    """One input: the whole report (human view, or one JSON object). Several: one line each and a count."""
    from obverify._engines.net.factory import make_loader
    from obverify._orchestration.pipeline import verify

    at = _parse_at(parser, args.at)
    inputs: list[str] = args.inputs
    if inputs.count("-") > 1:
        parser.error("standard input (-) can be read only once")
    try:
        loader = make_loader(documents=args.documents, offline=args.offline, record=args.record)
    except ValueError as exc:
        parser.error(f"--documents/--record: {exc}")
    if len(inputs) > 1 and at is None:
        at = datetime.now(UTC)  # one instant for every input of the run
    colour = False if args.json else _colour()
    failed = 0
    from obverify._core.policy import policy_from_arguments

    policy = policy_from_arguments(parser, args)
    for name in inputs:
        report = verify(_source(parser, name, policy.max_input_bytes), recipients=args.recipient, at=at,
                        loader=loader, policy=policy, objects="any" if args.any_object else "awarded")
        failed += not report.valid
        _print_report(name, report, args, several=len(inputs) > 1, colour=colour)
    if len(inputs) > 1 and not args.json:
        from obverify._orchestration.render import count_line, write_lines

        write_lines([count_line(len(inputs), failed)], sys.stdout, colour=colour)
    return EXIT_OK if failed == 0 else EXIT_INVALID


def _print_report(name: str, report: Report, args: argparse.Namespace, *, several: bool, colour: bool) -> None:
    """`--json`: the report (with `"input"` first when there are several); else the human view of `render`."""
    if args.json:
        if several:
            line = {"input": name, **report.to_dict()}
            sys.stdout.write(json.dumps(line, ensure_ascii=True, default=str) + "\n")
        else:
            sys.stdout.write(report.to_json() + "\n")
        return
    from obverify._orchestration.render import render_report, summary_line, write_lines

    given = bool(args.recipient)
    if several and not args.verbose:
        lines = [summary_line(name, report)]
    elif several:
        lines = [summary_line(name, report), *render_report(report, verbose=True, recipients_given=given), []]
    else:
        lines = render_report(report, verbose=args.verbose, recipients_given=given)
    write_lines(lines, sys.stdout, colour=colour)


def _cmd_unbake(parser: argparse.ArgumentParser, args: argparse.Namespace) -> int:
    """The payload alone on stdout (so `obverify unbake a.png > a.json` works); `--json` for the details."""
    from obverify._orchestration.unbake import unbake

    data = _read_input(parser, args.file)
    baked = unbake(data)
    if args.json:
        sys.stdout.write(json.dumps({
            "ok": baked.ok, "image": baked.image, "version": baked.version, "kind": baked.payload_kind,
            "location": baked.location, "payload": baked.payload, "error": baked.error,
            "verify_url": baked.verify_url,
        }, ensure_ascii=True) + "\n")
    elif baked.ok:
        sys.stdout.write(f"{baked.payload}\n")
    else:
        sys.stderr.write(f"unbake_failed: {quote(baked.error or 'no badge found', 500)}\n")
    return EXIT_OK if baked.ok else EXIT_INVALID


def _cmd_bake(parser: argparse.ArgumentParser, args: argparse.Namespace) -> int:
    """Write the baked image to OUT, or to stdout with `-o -` (never a PNG to a terminal)."""
    from obverify._orchestration.bake import bake

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
    if args.output == "-":
        if baked.startswith(b"\x89PNG") and sys.stdout.isatty():
            parser.error("refusing to write a PNG to a terminal: redirect stdout or give -o FILE")
        sys.stdout.flush()
        sys.stdout.buffer.write(baked)
        sys.stdout.buffer.flush()
        return EXIT_OK
    try:
        with Path(args.output).open("wb") as fh:
            fh.write(baked)
    except OSError as exc:
        parser.error(f"cannot write {args.output}: {exc.strerror}")
    return EXIT_OK


def _cmd_audit(parser: argparse.ArgumentParser, args: argparse.Namespace) -> int:
    """The audit command lives in `obverify._orchestration.audit.command` (processes, reports, resume, Dask)."""
    from obverify._orchestration.audit.command import run_command

    return run_command(parser, args, _parse_at(parser, args.at))


COMMANDS: dict[str, Command] = {
    "verify": Command("verify badges: files, URLs or - for stdin", _add_verify, _cmd_verify, _VERIFY_EXAMPLES),
    "unbake": Command("print what is baked into a PNG or SVG", _add_unbake, _cmd_unbake, _UNBAKE_EXAMPLES),
    "bake": Command("bake a JSON file, a JWS/JWT or a URL into a PNG or SVG", _add_bake, _cmd_bake, _BAKE_EXAMPLES),
    "audit": Command("verify many badge files offline-capable, one JSON line per file", _add_audit, _cmd_audit,
                     _AUDIT_EXAMPLES, keeps_collector=True),
}
"""The subcommands, in the order `obverify --help` lists them. A new subcommand is one entry here (a module
may add its own entry at import, e.g. the service's `serve`); `main()` dispatches through this table."""


def _service_command(name: str, text: str) -> Command:
    """`serve`, `users`, `tokens`: their arguments and work live in obverify.service.cli (optional extra
    `service`), imported only when one of them is built or run."""

    def populate(p: argparse.ArgumentParser) -> None:
        from obverify.service.cli import populate as populate_service

        populate_service(name, p)

    def handler(parser: argparse.ArgumentParser, args: argparse.Namespace) -> int:
        from obverify.service.cli import run as run_service

        return run_service(parser, args)

    return Command(text, populate, handler, keeps_collector=True)


COMMANDS.update({
    "serve": _service_command("serve", "run the backpack service and verification page (extra: service)"),
    "users": _service_command("users", "add a backpack user and its identities (extra: service)"),
    "tokens": _service_command("tokens", "create a bearer token for a backpack user (extra: service)"),
})


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; returns the exit status (the console script exits with it)."""
    argv = sys.argv[1:] if argv is None else list(argv)
    parser = _parser(argv[0] if argv and argv[0] in COMMANDS else None)
    args = parser.parse_args(argv)
    return COMMANDS[args.command].handler(parser, args)


def run() -> NoReturn:
    """The `obverify` console script and `python -m obverify`: `main()`, set up for a process that ends with it.

    A verify, unbake or bake process handles one input (at most 16 MB) and exits, so the cyclic garbage
    collector has nothing there worth reclaiming, yet its passes (over the many objects pyld, requests and
    cryptography create as they are imported) and the collections of interpreter shutdown (which frees every
    module object one by one, only for the OS to take the memory back anyway) cost a third or more of an
    OB 3.0 `obverify verify` process (README, "Benchmarks"). So these commands run with it off, and every
    command freezes what exists before exit, leaving shutdown nothing to collect. `audit`, which may read
    thousands of files, keeps it on. `main()` itself never touches the collector: library callers and tests
    keep their own settings. `gc.freeze` is CPython's (3.7+); an interpreter without it (PyPy) just skips it.
    """
    argv = sys.argv[1:]
    was_enabled = gc.isenabled()
    command = COMMANDS.get(argv[0]) if argv else None
    if command is None or not command.keeps_collector:
        gc.disable()
    try:
        status = main(argv)
    finally:
        freeze = getattr(gc, "freeze", None)
        if freeze is not None:
            freeze()
        if was_enabled:
            gc.enable()
    sys.exit(status)


if __name__ == "__main__":
    run()
