"""`obverify audit`: JSON Lines over many files, one instant, shared store, exit 1 when any badge fails."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from obverify.cli import main

CASE = Path(__file__).resolve().parents[2] / "fixtures" / "cases" / "ob2-hosted-valid"


def test_audit_directory_writes_one_line_per_file(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    badges = tmp_path / "badges"
    (badges / "sub").mkdir(parents=True)
    shutil.copy(CASE / "input.json", badges / "good.json")
    (badges / "sub" / "junk.bin").write_bytes(b"\x00 not a badge")
    status = main(["audit", str(badges), "--documents", str(CASE / "documents"), "--offline",
                   "--at", "2024-06-01T00:00:00Z", "--recipient", "alice@example.org", "--jobs", "2"])
    out, err = capsys.readouterr()
    lines = [json.loads(line) for line in out.splitlines()]
    assert [Path(line["path"]).name for line in lines] == ["good.json", "junk.bin"]
    assert lines[0]["valid"] is True
    assert lines[0]["recipient"]["matched"] == "alice@example.org"
    assert lines[1]["valid"] is False
    assert lines[1]["errors"][0]["code"] == "input_invalid"
    assert {line["checkedAt"] for line in lines} == {"2024-06-01T00:00:00+00:00"}
    assert status == 1
    assert "invalid=1" in err
    assert "valid=1" in err


def test_audit_all_valid_exits_zero(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    shutil.copy(CASE / "input.json", tmp_path / "a.json")
    status = main(["audit", str(tmp_path / "a.json"), "--documents", str(CASE / "documents"), "--offline",
                   "--at", "2024-06-01T00:00:00Z"])
    assert status == 0
    assert json.loads(capsys.readouterr().out)["valid"] is True


@pytest.mark.parametrize("argv", [["audit"], ["audit", "/nonexistent/x"], ["audit", ".", "--jobs", "0"],
                                  ["audit", ".", "--at", "yesterday"]])
def test_audit_usage_errors_exit_2(argv: list[str]) -> None:
    with pytest.raises(SystemExit) as exc:
        main(argv)
    assert exc.value.code == 2
