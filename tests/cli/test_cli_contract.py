"""The `obverify verify` contract of DESIGN.md §3: exit 0/1/2, one JSON object with `--json`, `--documents`,
`--offline`, `--at`, repeatable `--recipient`, `-` for standard input.

A few runs go through a real subprocess (`sys.executable -m obverify`), the rest call `obverify.cli.main`
in process with capsys, to keep the suite fast.
"""

from __future__ import annotations

import io
import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from obverify.cli import main

ROOT = Path(__file__).resolve().parents[2]
CASES = ROOT / "fixtures" / "cases"
VALID = CASES / "ob2-hosted-valid"
AT = "2024-06-01T00:00:00Z"


def _args(case: Path, *extra: str) -> list[str]:
    return ["verify", str(case / "input.json"), "--documents", str(case / "documents"), "--offline", *extra]


def _run(argv: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    try:
        code = main(argv)
    except SystemExit as exc:
        code = int(exc.code or 0)
    out, err = capsys.readouterr()
    return code, out, err


def _one_json(out: str) -> dict[str, Any]:
    decoder = json.JSONDecoder()
    value, end = decoder.raw_decode(out)
    assert out[end:].strip() == "", "more than one JSON value on stdout"
    assert isinstance(value, dict)
    return value


def test_readme_first_command_exits_0() -> None:
    proc = subprocess.run(
        [sys.executable, "-m", "obverify", "verify", "fixtures/cases/ob2-hosted-valid/input.json",
         "--documents", "fixtures/cases/ob2-hosted-valid/documents", "--offline", "--at", AT,
         "--recipient", "alice@example.org", "--json"],
        cwd=ROOT, capture_output=True, text=True, timeout=60, check=False,
    )
    assert proc.returncode == 0, proc.stderr
    report = _one_json(proc.stdout)
    assert report["valid"] is True
    assert report["version"] == "2.0"
    assert report["recipient"]["matched"] == "alice@example.org"
    assert report["revoked"] is False
    assert report["expired"] is False


def test_not_verified_exits_1_with_one_json_object() -> None:
    case = CASES / "ob2-time-expired"
    proc = subprocess.run([sys.executable, "-m", "obverify", *_args(case, "--at", AT, "--json")],
                          capture_output=True, text=True, timeout=60, check=False)
    assert proc.returncode == 1
    report = _one_json(proc.stdout)
    assert report["valid"] is False
    assert "expired" in {e["code"] for e in report["errors"]}
    assert report["expired"] is True
    assert "Traceback" not in proc.stderr


def test_stdin_dash(capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> None:
    data = (VALID / "input.json").read_bytes()
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(data)))
    code, out, _ = _run(["verify", "-", "--documents", str(VALID / "documents"), "--offline", "--at", AT, "--json"],
                        capsys)
    assert code == 0
    assert _one_json(out)["valid"] is True


def test_stdin_dash_subprocess() -> None:
    proc = subprocess.run(
        [sys.executable, "-m", "obverify", "verify", "-", "--documents", str(VALID / "documents"), "--offline",
         "--at", AT, "--json"],
        input=(VALID / "input.json").read_bytes(), capture_output=True, timeout=60, check=False,
    )
    assert proc.returncode == 0
    assert _one_json(proc.stdout.decode())["valid"] is True


def test_recipient_is_repeatable(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = _run(_args(VALID, "--at", AT, "--recipient", "bob@example.org", "--recipient",
                              "alice@example.org", "--json"), capsys)
    assert code == 0
    assert _one_json(out)["recipient"]["matched"] == "alice@example.org"


def test_wrong_recipient_exits_1(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = _run(_args(VALID, "--at", AT, "--recipient", "bob@example.org", "--json"), capsys)
    assert code == 1
    assert "recipient_mismatch" in {e["code"] for e in _one_json(out)["errors"]}


def test_no_recipient_means_not_checked(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = _run(_args(VALID, "--at", AT, "--json"), capsys)
    report = _one_json(out)
    assert code == 0
    assert report["recipient"]["checked"] is False
    assert {"name": "recipient", "status": "skipped", "detail": "no recipient given"} in report["checks"]


def test_at_changes_the_verdict(capsys: pytest.CaptureFixture[str]) -> None:
    case = CASES / "ob2-time-expired"
    assert _run(_args(case, "--at", "2024-02-01T00:00:00Z", "--json"), capsys)[0] == 0
    assert _run(_args(case, "--at", AT, "--json"), capsys)[0] == 1


@pytest.mark.parametrize("bad", ["yesterday", "2024-06-01", "2024-06-01T00:00:00", "2024-13-45T25:61:61Z"])
def test_bad_at_exits_2(bad: str, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = _run(_args(VALID, "--at", bad, "--json"), capsys)
    assert code == 2
    assert out == ""
    assert "--at" in err


@pytest.mark.parametrize("name", ["nope.json", "."])  # missing, and a directory (unreadable as a file)
def test_unreadable_input_file_is_one_input_invalid_report(
    name: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Issue 15 class 9: `--json` prints exactly one object even when INPUT cannot be read; exit 1."""
    path = tmp_path / name
    code, out, _ = _run(["verify", str(path), "--offline", "--json"], capsys)
    assert code == 1
    report = _one_json(out)
    assert report["valid"] is False
    assert [e["code"] for e in report["errors"]] == ["input_invalid"]
    assert "cannot read input file" in report["errors"][0]["message"]
    code, out, _ = _run(["verify", str(path), "--offline"], capsys)
    assert code == 1
    assert "input_invalid" in out


def test_unknown_option_exits_2(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = _run([*_args(VALID), "--frobnicate"], capsys)
    assert code == 2
    assert out == ""


def test_missing_document_store_exits_2(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, _, _ = _run(["verify", str(VALID / "input.json"), "--documents", str(tmp_path), "--offline"], capsys)
    assert code == 2


def test_offline_without_store_is_fetch_failed(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = _run(["verify", str(VALID / "input.json"), "--offline", "--at", AT, "--json"], capsys)
    assert code == 1
    assert "fetch_failed" in {e["code"] for e in _one_json(out)["errors"]}


def test_garbage_input_exits_1_not_2(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    junk = tmp_path / "junk.bin"
    junk.write_bytes(b"\x00\x01 not a badge \x1b[31m")
    code, out, err = _run(["verify", str(junk), "--offline", "--json"], capsys)
    assert code == 1
    report = _one_json(out)
    assert [e["code"] for e in report["errors"]] == ["input_invalid"]
    assert "\x1b" not in out
    assert "Traceback" not in err


def test_json_report_fields(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = _run(_args(CASES / "ob2-hosted-410-gone", "--at", AT, "--json"), capsys)
    report = _one_json(out)
    assert code == 1
    for key in ("valid", "version", "errors", "warnings", "revoked", "expired"):
        assert key in report
    assert report["revoked"] is True
    assert all({"code", "message"} <= set(e) for e in report["errors"])


def test_text_output_without_json(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = _run(_args(VALID, "--at", AT, "--recipient", "alice@example.org"), capsys)
    assert code == 0
    assert out.startswith("Genuine Open Badge 2.0, issued to alice@example.org\n")
    assert "matched alice@example.org" in out


def test_signed_jws_input(capsys: pytest.CaptureFixture[str]) -> None:
    case = CASES / "ob2-signed-rs256-valid"
    code, out, _ = _run(["verify", str(case / "input.txt"), "--documents", str(case / "documents"), "--offline",
                         "--at", AT, "--json"], capsys)
    assert code == 0
    assert {"name": "signature", "status": "passed"}.items() <= next(
        c for c in _one_json(out)["checks"] if c["name"] == "signature").items()


