"""The human view of `obverify verify` (issue 17): every fixture case rendered without `--json`.

For each case the verdict line, the badge's name and issuer (when the report knows them) and every error code
must appear, and no Python repr (`None`, `True`, `False`, `{'`) nor escape code may leak. Colour is tested
through a real pseudo-terminal: on for a terminal, off with `NO_COLOR`, off for a pipe.
"""

from __future__ import annotations

import io
import json
import os
import re
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from obverify import DocumentStore, VerificationPolicy, verify
from obverify._core.report import Finding, RecipientResult, Report
from obverify._core.text import quote
from obverify._core.timeparse import parse_datetime
from obverify.cli import main

ROOT = Path(__file__).resolve().parents[2]
CASES = ROOT / "fixtures" / "cases"
_REPR = re.compile(r"\bNone\b|\bTrue\b|\bFalse\b|\{'|\['|<obverify\.")


def _cases() -> list[Path]:
    return sorted(p for p in CASES.iterdir() if (p / "expected.json").is_file())


def _argv(case: Path, expected: dict[str, Any], *extra: str) -> list[str]:
    argv = ["verify", str(case / expected["input"]), "--at", expected["at"]]
    if expected.get("offline", True):
        argv.append("--offline")
    if (case / "documents" / "index.json").is_file():
        argv += ["--documents", str(case / "documents")]
    for rid in expected.get("recipients", []):
        argv += ["--recipient", rid]
    if expected.get("objects") == "any":
        argv.append("--any-object")
    if expected.get("policy", {}).get("unsafe_accept_unbound_keys"):  # issue 15 class 12 cases
        argv.append("--unsafe-accept-unbound-keys")
    return [*argv, *extra]


def _run(argv: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    try:
        code = main(argv)
    except SystemExit as exc:
        code = int(exc.code or 0)
    out, err = capsys.readouterr()
    return code, out, err


def _report(case: Path, expected: dict[str, Any]) -> Report:
    docs = case / "documents"
    store = DocumentStore.from_directory(docs) if (docs / "index.json").is_file() else DocumentStore()
    policy = VerificationPolicy(**expected["policy"]) if "policy" in expected else None
    return verify((case / expected["input"]).read_bytes(), recipients=expected.get("recipients", []),
                  at=parse_datetime(expected["at"]), loader=store, objects=expected.get("objects", "awarded"),
                  policy=policy)


def test_every_case_is_rendered() -> None:
    assert len(_cases()) >= 150


@pytest.mark.parametrize("case", _cases(), ids=lambda p: p.name)
def test_fixture_case_human_view(case: Path, capsys: pytest.CaptureFixture[str]) -> None:
    expected = json.loads((case / "expected.json").read_text())
    code, out, err = _run(_argv(case, expected), capsys)
    report = _report(case, expected)
    assert code == (0 if expected["valid"] else 1), out + err
    first, *rest = out.splitlines()
    if expected["valid"]:
        assert first.startswith(f"Genuine Open Badge {report.version}"), out
        if report.recipient.matched is not None:
            assert f", issued to {report.recipient.matched}" in first
    else:
        assert first.startswith("NOT VALID: "), out
        assert len(first) > len("NOT VALID: ") + 10
    summary = report.summary()
    if summary is not None:
        name = summary.get("name")
        issuer = summary.get("issuerName", summary.get("issuer"))
        # a badge's name under Badge, a badge class's under BadgeClass, a profile's under Profile; an
        # endorsement names its claim under Endorses (OB 2.0) and its endorser under Endorser
        if isinstance(name, str) and report.related.get("type") != "Endorsement":
            assert re.search(rf"^  (Badge|BadgeClass|Profile|Endorses) +{re.escape(quote(name, 200))}$", out,
                             re.MULTILINE), out
        if isinstance(issuer, str):
            assert re.search(rf"^  (Issuer|Endorser|Profile) +{re.escape(quote(issuer, 200))}( \(|$)", out,
                             re.MULTILINE), out
    for code_ in {*report.codes(), *expected.get("codes", [])}:
        assert re.search(rf"^  error   {re.escape(code_)}: ", out, re.MULTILINE), (code_, out)
    for code_ in expected.get("warnings", []):
        assert re.search(rf"^  warning {re.escape(code_)}: ", out, re.MULTILINE), (code_, out)
    if expected.get("revoked") is True:
        assert re.search(r"^  Status     revoked", out, re.MULTILINE), out
    assert not _REPR.search(out), out
    assert "\x1b" not in out
    assert "Traceback" not in err
    assert rest, "the badge block follows the verdict"


def test_verbose_lists_checks_and_documents(capsys: pytest.CaptureFixture[str]) -> None:
    case = CASES / "ob2-hosted-valid"
    expected = json.loads((case / "expected.json").read_text())
    code, out, _ = _run(_argv(case, expected, "-v"), capsys)
    assert code == 0
    report = _report(case, expected)
    assert "Checks" in out
    assert "Documents consulted" in out
    for check in report.checks:
        assert f"{check.status:<8}{check.name}" in out
    for url in report.documents:
        assert f"  {url}\n" in out
    assert "Checks" not in _run(_argv(case, expected), capsys)[1]


def test_recipient_not_given_is_said(capsys: pytest.CaptureFixture[str]) -> None:
    case = CASES / "ob2-hosted-no-recipient-given"
    expected = json.loads((case / "expected.json").read_text())
    _, out, _ = _run(_argv(case, expected), capsys)
    assert "Recipient  not checked: no --recipient given" in out
    assert out.startswith("Genuine Open Badge 2.0 (recipient not checked)")


def test_recipient_mismatch_is_said(capsys: pytest.CaptureFixture[str]) -> None:
    case = CASES / "ob2-hosted-valid"
    expected = json.loads((case / "expected.json").read_text())
    code, out, _ = _run([*_argv(case, {**expected, "recipients": []}), "--recipient", "mallory@example.org"], capsys)
    assert code == 1
    assert out.startswith("NOT VALID: the badge was not issued to the recipient given")
    assert "Recipient  NO MATCH" in out


# --- hostile text -------------------------------------------------------------------------------------------


def _hostile_report() -> Report:
    report = Report(version="2.0", errors=[Finding("proof_invalid", "bad", "proofs")],
                    recipient=RecipientResult(checked=False))
    report.related["summary"] = {
        "name": "\x1b[2J\x1b[32mGenuine Open Badge 2.0[/red][green]ok\u202e",
        "issuer": {"id": "x", "name": ["not", "text"]}, "issuerId": None,
        "issuedOn": "2024-13-45", "expires": 12, "revoked": None,
    }
    return report


@pytest.mark.parametrize("colour", [False, True])
def test_badge_text_cannot_draw_on_the_terminal(colour: bool) -> None:
    """Escape sequences, bidi overrides and rich markup in a badge's name stay visible text, in both modes."""
    from obverify._orchestration.render import render_report, write_lines

    out = io.StringIO()
    write_lines(render_report(_hostile_report()), out, colour=colour)
    text = out.getvalue()
    assert "\x1b[2J" not in text
    assert "\x1b[32mGenuine" not in text
    assert "\u202e" not in text
    assert "\\x1b[2J" in text
    assert "\\u202e" in text
    assert "[/red][green]ok" in text  # markup is not interpreted
    assert text.count("NOT VALID") == 1
    assert "2024-13-45 (not a valid date-time)" in text
    assert "12 (not a valid date-time)" in text
    assert '["not", "text"]' in text
    assert not _REPR.search(text)
    assert ("\x1b[" in text) is colour


# --- colour: a terminal, NO_COLOR, a pipe -------------------------------------------------------------------


def _in_pty(env_extra: dict[str, str]) -> bytes:
    import pty

    case = CASES / "ob2-hosted-valid"
    argv = [sys.executable, "-m", "obverify", *_argv(case, json.loads((case / "expected.json").read_text()))]
    env = {k: v for k, v in os.environ.items() if k not in ("NO_COLOR", "FORCE_COLOR", "TERM")}
    env.update(TERM="xterm-256color", **env_extra)
    leader, follower = pty.openpty()
    try:
        proc = subprocess.Popen(argv, stdout=follower, stderr=subprocess.PIPE, env=env, cwd=ROOT)
        os.close(follower)
        chunks = []
        while True:
            try:
                chunk = os.read(leader, 65536)
            except OSError:  # EIO once the child closed its end
                break
            if not chunk:
                break
            chunks.append(chunk)
        assert proc.wait(timeout=60) == 0, proc.stderr.read() if proc.stderr else b""
        if proc.stderr:
            proc.stderr.close()
    finally:
        os.close(leader)
    return b"".join(chunks)


def test_a_terminal_gets_colour() -> None:
    out = _in_pty({})
    assert b"\x1b[" in out
    assert b"Genuine Open Badge 2.0" in out


@pytest.mark.parametrize("value", ["1", "0", "yes"])
def test_no_color_turns_colour_off_in_a_terminal(value: str) -> None:
    out = _in_pty({"NO_COLOR": value})
    assert b"\x1b" not in out
    assert b"Genuine Open Badge 2.0" in out


def test_a_pipe_gets_no_colour() -> None:
    case = CASES / "ob2-hosted-valid"
    env = {k: v for k, v in os.environ.items() if k != "NO_COLOR"}
    env.update(TERM="xterm-256color", FORCE_COLOR="1")
    proc = subprocess.run([sys.executable, "-m", "obverify", *_argv(case, json.loads(
        (case / "expected.json").read_text()))], capture_output=True, env=env, timeout=60, check=False)
    assert proc.returncode == 0
    assert b"\x1b" not in proc.stdout
    assert proc.stdout.startswith(b"Genuine Open Badge 2.0")


# --- several inputs -----------------------------------------------------------------------------------------


def test_several_inputs_one_line_each_and_a_count(capsys: pytest.CaptureFixture[str]) -> None:
    good, bad = CASES / "ob3-eddsa-rdfc-valid", CASES / "ob3-tampered"
    argv = ["verify", str(good / "input.json"), str(bad / "input.json"), "--offline", "--at", "2026-01-01T00:00:00Z"]
    code, out, _ = _run(argv, capsys)
    assert code == 1
    lines = out.splitlines()
    assert len(lines) == 3, out
    assert lines[0] == f"{good / 'input.json'}: Genuine Open Badge 3.0 (recipient not checked) — Fixture Badge from " \
        "Fixture Issuer"
    assert lines[1].startswith(f"{bad / 'input.json'}: NOT VALID: ")
    assert lines[2] == "2 inputs: 1 valid, 1 not valid"
    code, out, _ = _run([*argv[:2], str(good / "input.json"), *argv[3:]], capsys)
    assert code == 0
    assert out.splitlines()[-1] == "2 inputs: 2 valid, 0 not valid"


def test_several_inputs_json_is_one_line_each(capsys: pytest.CaptureFixture[str]) -> None:
    good, bad = CASES / "ob3-eddsa-rdfc-valid", CASES / "ob3-tampered"
    names = [str(good / "input.json"), str(bad / "input.json")]
    code, out, _ = _run(["verify", *names, "--offline", "--at", "2026-01-01T00:00:00Z", "--json"], capsys)
    assert code == 1
    rows = [json.loads(line) for line in out.splitlines()]
    assert [(r["input"], r["valid"]) for r in rows] == [(names[0], True), (names[1], False)]


def test_stdin_only_once(capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = _run(["verify", "-", "-", "--offline"], capsys)
    assert code == 2
    assert "only once" in err


# --- --version, bake -o -, help examples --------------------------------------------------------------------


def test_version(capsys: pytest.CaptureFixture[str]) -> None:
    from importlib.metadata import version

    import obverify

    code, out, _ = _run(["--version"], capsys)
    assert code == 0
    assert out == f"obverify {obverify.__version__}\n"
    assert obverify.__version__ == version("obverify")


def test_bake_to_stdout(tmp_path: Path) -> None:
    from obverify import bake, unbake

    src = CASES / "ob2-baked-png-itxt" / "input.png"
    payload = tmp_path / "a.json"
    payload.write_text(json.dumps({"@context": "https://w3id.org/openbadges/v2", "type": "Assertion",
                                   "id": "https://issuer.example/assertions/9"}))
    plain = tmp_path / "plain.png"
    plain.write_bytes(src.read_bytes())
    proc = subprocess.run([sys.executable, "-m", "obverify", "bake", str(plain), str(payload), "-o", "-"],
                          capture_output=True, timeout=60, check=False, cwd=tmp_path)
    assert proc.returncode == 0, proc.stderr
    assert not (tmp_path / "-").exists()
    assert proc.stdout == bake(plain.read_bytes(), payload.read_bytes())
    assert unbake(proc.stdout).payload == payload.read_text()


@pytest.mark.parametrize(("command", "needles"), [
    ("verify", ["badge.png", "badge.svg", "assertion.json", "credential.jwt", "https://", "verify - <",
                "a.png b.json"]),
    ("unbake", ["badge.png", "badge.svg", "unbake - <", "--json"]),
    ("bake", ["assertion.json", "credential.jwt", "https://", "-o -"]),
    ("audit", ["badges/", "a.png b.svg"]),
])
def test_help_shows_an_example_per_input_kind(
    command: str, needles: list[str], capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, _ = _run([command, "--help"], capsys)
    assert code == 0
    examples = out.split("examples", 1)[1]
    for needle in needles:
        assert needle in examples, needle


@pytest.mark.parametrize("name", ["ob2-hosted-revoked-true", "ob2-hosted-410-gone"])
def test_revoked_hosted_badge_shows_the_badge_and_the_recipient(name: str, capsys: pytest.CaptureFixture[str]) -> None:
    """Issue 17: it showed `summary: null` and "recipient: not checked" although a recipient was given."""
    case = CASES / name
    expected = json.loads((case / "expected.json").read_text())
    code, out, _ = _run([*_argv(case, expected), "--recipient", "alice@example.org"], capsys)
    assert code == 1
    assert out.startswith("NOT VALID: the issuer has revoked this badge\n")
    assert "  Badge      Robot Wrangler\n" in out
    assert "  Issuer     Example Robotics Guild (https://issuer.example/issuer)\n" in out
    assert "(read from the copy presented, not verified: the issuer's own copy is a revocation notice)" in out
    assert "  Recipient  not checked: the copy presented names alice@example.org as its recipient" in out
    assert re.search(r"^  Status     revoked: \S", out, re.MULTILINE)


@pytest.mark.parametrize(("name", "first", "present", "absent"), [
    ("ob3-status-bitstring-suspended", "NOT VALID: the issuer has suspended this badge", ["  Status     revoked: "],
     []),
    ("ob2-standalone-badgeclass", "Genuine Open Badge 2.0 badge class", ["  BadgeClass Robot Wrangler\n"],
     ["Recipient", "Issued", "Expires"]),
    ("ob2-standalone-profile", "Genuine Open Badge 2.0 issuer profile", ["  Id         https://issuer.example/issuer"],
     ["Recipient", "Issued", "Status"]),
    ("ob2-standalone-endorsement", "Genuine Open Badge 2.0 endorsement",
     ["  Endorses   https://issuer.example/issuer\n", "  Endorser   Example Robotics Guild"], ["Recipient"]),
    ("ob3-endorsement-valid", "Genuine Open Badge 3.0 endorsement", ["  Endorser   Endorser (did:key:"],
     ["Recipient"]),
])
def test_each_kind_of_object_shows_what_it_has(
    name: str, first: str, present: list[str], absent: list[str], capsys: pytest.CaptureFixture[str]
) -> None:
    case = CASES / name
    _, out, _ = _run(_argv(case, json.loads((case / "expected.json").read_text())), capsys)
    assert out.splitlines()[0] == first, out
    for text in present:
        assert text in out, (text, out)
    for text in absent:
        assert text not in out, (text, out)


def test_claims_of_a_badge_that_did_not_verify_are_marked(capsys: pytest.CaptureFixture[str]) -> None:
    """A tampered badge's name and issuer are what it says, not what anyone vouched for: the view says so."""
    note = "(as the badge states it: its signature or issuer did not verify)"
    case = CASES / "ob3-tampered"
    _, out, _ = _run(_argv(case, json.loads((case / "expected.json").read_text())), capsys)
    assert note in out
    case = CASES / "ob3-eddsa-rdfc-valid"
    _, out, _ = _run(_argv(case, json.loads((case / "expected.json").read_text())), capsys)
    assert note not in out
    assert "claims" not in out
