"""Every crasher a fuzz run kept (`tests/fuzz/crashers/TARGET/<sha1>`, written by `run.py`) is replayed: once
fixed, it must stay fixed. The fixture seeds of every target are replayed too."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

import targets  # noqa: E402

CRASHERS = HERE / "crashers"


def _kept() -> list[tuple[str, Path]]:
    return [(target, path) for target in targets.TARGETS if (CRASHERS / target).is_dir()
            for path in sorted((CRASHERS / target).iterdir()) if path.suffix != ".txt"]


def test_every_kept_crasher_now_passes() -> None:
    failures = []
    for target, path in _kept():
        try:
            targets.run_one(target, path.read_bytes())
        except Exception as exc:  # noqa: BLE001 - collected, reported together
            failures.append(f"{target}/{path.name}: {type(exc).__name__}: {str(exc)[:300]}")
    assert failures == []


@pytest.mark.parametrize("target", targets.TARGETS)
def test_every_seed_passes(target: str) -> None:
    seeds = targets.seeds(target)
    assert seeds
    for data in seeds:
        targets.run_one(target, b"\x01" + data if target == "import_badge" else data)
