"""The console-script entry `obverify.cli.run`: the collector policy of a one-input process, and nothing else.

`run()` turns the cyclic garbage collector off for verify, unbake and bake (one input, then exit), keeps it on
for audit (many files), freezes what exists before exit, and returns the collector to the state it found.
`main()` never touches it. The reports themselves must not change: a `python -m obverify` process (which goes
through `run()`) prints exactly what `main()` prints in process.
"""

from __future__ import annotations

import gc
import io
import json
import subprocess
import sys
import tomllib
from collections.abc import Iterator
from pathlib import Path

import pytest

from obverify import cli

ROOT = Path(__file__).resolve().parents[2]
CASES = ROOT / "fixtures" / "cases"


@pytest.fixture
def collector() -> Iterator[None]:
    """Leave the test process's collector as it was: enabled and with nothing frozen."""
    yield
    gc.unfreeze()
    gc.enable()


def _run_with(monkeypatch: pytest.MonkeyPatch, argv: list[str], status: int) -> tuple[int, list[bool]]:
    seen: list[bool] = []

    def fake_main(args: list[str]) -> int:
        assert args == argv
        seen.append(gc.isenabled())
        return status

    monkeypatch.setattr(cli, "main", fake_main)
    monkeypatch.setattr(sys, "argv", ["obverify", *argv])
    with pytest.raises(SystemExit) as exit_:
        cli.run()
    assert isinstance(exit_.value.code, int)
    return exit_.value.code, seen


@pytest.mark.parametrize("command", ["verify", "unbake", "bake"])
def test_one_input_commands_run_without_the_collector(
    monkeypatch: pytest.MonkeyPatch, collector: None, command: str
) -> None:
    gc.enable()
    code, seen = _run_with(monkeypatch, [command, "x"], 1)
    assert (code, seen) == (1, [False])
    assert gc.isenabled()  # restored for whoever called run() in process
    assert gc.get_freeze_count() > 0


def test_an_interpreter_without_gc_freeze_still_runs(monkeypatch: pytest.MonkeyPatch, collector: None) -> None:
    """`gc.freeze` is CPython's own (PyPy has none): without it the command still runs, collector restored."""
    monkeypatch.delattr(gc, "freeze")
    gc.enable()
    code, seen = _run_with(monkeypatch, ["verify", "x"], 0)
    assert (code, seen) == (0, [False])
    assert gc.isenabled()


def test_audit_keeps_the_collector(monkeypatch: pytest.MonkeyPatch, collector: None) -> None:
    gc.enable()
    code, seen = _run_with(monkeypatch, ["audit", "a", "b"], 0)
    assert (code, seen) == (0, [True])


def test_a_disabled_collector_stays_disabled(monkeypatch: pytest.MonkeyPatch, collector: None) -> None:
    gc.disable()
    _run_with(monkeypatch, ["verify", "x"], 0)
    assert not gc.isenabled()


def test_main_leaves_the_collector_alone(capsys: pytest.CaptureFixture[str], collector: None) -> None:
    gc.enable()
    case = CASES / "ob3-eddsa-rdfc-valid"
    assert cli.main(["verify", str(case / "input.json"), "--offline", "--at", "2026-01-01T00:00:00Z", "--json"]) == 0
    capsys.readouterr()
    assert gc.isenabled()
    assert gc.get_freeze_count() == 0


def test_the_console_script_is_run() -> None:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())
    assert project["project"]["scripts"]["obverify"] == "obverify.cli:run"


@pytest.mark.parametrize(("case", "name"), [("ob3-eddsa-rdfc-valid", "input.json"),
                                            ("ob3-jwt-wrong-signature", "input.jwt")])
def test_a_process_prints_what_main_prints(case: str, name: str, monkeypatch: pytest.MonkeyPatch) -> None:
    argv = ["verify", str(CASES / case / name), "--offline", "--at", "2026-01-01T00:00:00Z", "--json"]
    proc = subprocess.run([sys.executable, "-m", "obverify", *argv], capture_output=True, timeout=60, check=False)
    out = io.StringIO()
    monkeypatch.setattr(sys, "stdout", out)
    status = cli.main(argv)
    monkeypatch.undo()
    assert proc.returncode == status
    in_process, separate = json.loads(out.getvalue()), json.loads(proc.stdout)
    in_process.pop("checked_at", None)
    separate.pop("checked_at", None)
    assert separate == in_process
