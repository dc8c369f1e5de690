"""Issue 16: an audit of a generated tree of >2,000 files, on worker processes and on a Dask local cluster,
gives exactly `verify`'s report for every file, verified one by one with the same store, instant and
per-file recipients (from the manifest)."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pytest

from helpers.audit_tree import AT, Tree, build_tree
from obverify import DocumentStore, verify
from obverify._core.timeparse import parse_datetime
from obverify._orchestration.audit.discover import discover
from obverify._orchestration.audit.job import object_type, verdict_of
from obverify.cli import main

# left out of the fast local tier (CI runs it): >2,000 files on a process pool and on Dask, ~20 s of CPU
pytestmark = pytest.mark.slow

COPIES = 8


@pytest.fixture(scope="module")
def tree(tmp_path_factory: pytest.TempPathFactory) -> Tree:
    built = build_tree(tmp_path_factory.mktemp("scale"), COPIES)
    assert built.files >= 2000
    return built


@pytest.fixture(scope="module")
def one_by_one(tree: Tree) -> dict[str, tuple[str, dict[str, Any]]]:
    """path -> (verdict, report dict) from `verify` called on each file in this process."""
    store = DocumentStore.from_directory(tree.documents)
    at = parse_datetime(AT)
    out = {}
    for path in discover([str(tree.badges)]):
        report = verify(Path(path), recipients=tree.recipients.get(path, ()), at=at, loader=store)
        out[path] = (verdict_of(report, object_type(report)), report.to_dict())
    return out


def _audit(tree: Tree, out: Path, *extra: str) -> tuple[int, dict[str, dict[str, Any]], str]:
    argv = ["audit", str(tree.badges), "--documents", str(tree.documents), "--offline", "--at", AT,
            "--manifest", str(tree.manifest), "--out", str(out), "--format", "jsonl", "--quiet", *extra]
    status = main(argv)
    lines = [json.loads(line) for line in (out / "results.jsonl").read_text().splitlines()]
    by_path = {line["path"]: line for line in lines}
    assert len(by_path) == len(lines), "a file has two lines"
    return status, by_path, (out / "audit.json").read_text()


def _same_as_verify(by_path: dict[str, dict[str, Any]], expected: dict[str, tuple[str, dict[str, Any]]]) -> None:
    assert set(by_path) == set(expected)
    differ = [p for p, (verdict, report) in expected.items()
              if by_path[p]["report"] != report or by_path[p]["verdict"] != verdict]
    assert differ == []


def test_process_engine_matches_verify_one_by_one(tree: Tree, one_by_one: dict[str, Any], tmp_path: Path,
                                                  capsys: pytest.CaptureFixture[str]) -> None:
    status, by_path, _ = _audit(tree, tmp_path / "out", "--jobs", "2")
    _same_as_verify(by_path, one_by_one)
    verdicts = [line["verdict"] for line in by_path.values()]
    assert {"valid", "invalid"} <= set(verdicts)
    # objects that are no awarded badge (a BadgeClass, a Profile, a key...) are named, and never valid badges
    not_awarded = {line["object"] for p, line in by_path.items() if "/ob2-not-awarded-" in p}
    assert {"BadgeClass", "Profile"} <= not_awarded
    assert all(line["verdict"] != "valid" for p, line in by_path.items() if "not-awarded" in p)
    assert status == 1
    counts = dict(item.split("=") for item in capsys.readouterr().err.split())
    assert counts["valid"] == str(verdicts.count("valid"))
    assert counts.get("not_awarded", "0") == str(verdicts.count("not_awarded"))
    assert counts["invalid"] == str(verdicts.count("invalid"))
    # unreadable and non-badge files are there, each with verify's own reason
    odd = {Path(p).name: line["report"] for p, line in by_path.items() if "/odd/" in p}
    assert odd["dangling0.png"]["errors"][0]["message"].startswith("cannot read input file")
    assert odd["loop.json"]["errors"][0]["code"] == "input_invalid"
    assert odd["random.bin"]["errors"][0]["code"] == "input_invalid"


def test_dask_local_cluster_matches_verify_one_by_one(tree: Tree, one_by_one: dict[str, Any], tmp_path: Path) -> None:
    pytest.importorskip("distributed")
    status, by_path, _ = _audit(tree, tmp_path / "out", "--engine", "dask", "--jobs", "2")
    _same_as_verify(by_path, one_by_one)
    assert status == 1


def test_resume_after_a_killed_run_verifies_each_file_once(tree: Tree, one_by_one: dict[str, Any], tmp_path: Path,
                                                          capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "out"
    journal = out / "results.jsonl"
    argv = [sys.executable, "-m", "obverify", "audit", str(tree.badges), "--documents", str(tree.documents),
            "--offline", "--at", AT, "--manifest", str(tree.manifest), "--out", str(out), "--jobs", "1",
            "--format", "jsonl"]
    proc = subprocess.Popen(argv, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, start_new_session=True)
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline and proc.poll() is None:
        if journal.exists() and journal.read_bytes().count(b"\n") >= 200:
            break
        time.sleep(0.005)
    assert proc.poll() is None, "the audit ended before it could be killed part-way"
    os.killpg(proc.pid, signal.SIGKILL)
    proc.wait()
    proc.stderr.close()  # type: ignore[union-attr]
    raw = journal.read_bytes()
    kept = raw[: raw.rfind(b"\n") + 1].decode().splitlines()
    assert 200 <= len(kept) < tree.files
    status = main(["audit", str(tree.badges), "--documents", str(tree.documents), "--offline",
                   "--manifest", str(tree.manifest), "--out", str(out), "--jobs", "2", "--format", "jsonl,csv",
                   "--quiet", "--resume"])
    counts = dict(item.split("=") for item in capsys.readouterr().err.split())
    lines = journal.read_text().splitlines()
    assert lines[: len(kept)] == kept  # what the killed run wrote is kept as it was
    paths = [json.loads(line)["path"] for line in lines]
    assert len(paths) == len(set(paths)) == tree.files  # none twice, none missing
    assert counts["resumed"] == str(len(kept))  # ...and the resumed run verified only the rest
    assert status == 1
    _same_as_verify({json.loads(line)["path"]: json.loads(line) for line in lines}, one_by_one)
    rows = (out / "results.csv").read_text().splitlines()
    assert len(rows) == tree.files + 1
