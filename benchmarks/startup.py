"""Benchmark: whole-process start-up of the `obverify` command, per invocation, against the targets.

Five invocations, each a fresh process of the `obverify` console script beside this interpreter (else
`python -m obverify`), with the fixtures' fixed instants, `--json` to a pipe:

- JSON offline: `ob2-hosted-valid` (a hosted OB 2.0 assertion with its BadgeClass, issuer and revocation
  list) `--offline --documents DIR --recipient alice@example.org`;
- JSON online-default: the same, every document given by `--documents DIR`, but without `--offline` (the
  default, online, loader: nothing is fetched because the store holds everything);
- JWT: `ob3-jwt-eddsa-valid` (VC-JWT, EdDSA, did:key) `--offline`;
- rdfc: `ob3-eddsa-rdfc-valid` (eddsa-rdfc-2022, did:key) `--offline`;
- unbake: `obverify unbake` of `ob2-baked-png-itxt` (a small PNG).

Each figure is the median of `--runs` (default 11) runs; the runs are interleaved (one of each invocation,
and of each revision, in turn) so that load from other processes on a shared machine falls on all of them
alike. A bare `python -c pass` is timed the same way as the floor, and the load average is printed before
and after. Whole processes are timed as an installed program runs: bytecode may be cached
(PYTHONDONTWRITEBYTECODE is dropped from the environment, as pip compiles bytecode when it installs), after
one untimed warm-up run of each.

`--compare REV` also times a git revision (exported with `git archive` into a temporary directory, run by
the same interpreter and dependencies with `PYTHONPATH` pointing at its `src/`; the working tree's `src/` is
run the same way) and prints the two side by side, with the online-default run's change.

Targets (DESIGN.md, issues 3, 5 and 11): OB 2.0 under 150 ms, OB 3.0 (rdfc, JWT) under 200 ms, unbake under
100 ms, and the online-default run at most 1.2× the offline one (with `--compare`: also at least a third
faster than REV). Figures only: nothing here asserts a time.

    .venv/bin/python benchmarks/startup.py [--runs N] [--compare main]
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
CASES = ROOT / "fixtures" / "cases"
OB2 = CASES / "ob2-hosted-valid"

INVOCATIONS: dict[str, list[str]] = {
    "JSON offline": ["verify", str(OB2 / "input.json"), "--offline", "--documents", str(OB2 / "documents"),
                     "--recipient", "alice@example.org", "--at", "2024-06-01T00:00:00Z", "--json"],
    "JSON online-default": ["verify", str(OB2 / "input.json"), "--documents", str(OB2 / "documents"),
                            "--recipient", "alice@example.org", "--at", "2024-06-01T00:00:00Z", "--json"],
    "JWT": ["verify", str(CASES / "ob3-jwt-eddsa-valid" / "input.jwt"), "--offline", "--at", "2026-01-01T00:00:00Z",
            "--json"],
    "rdfc": ["verify", str(CASES / "ob3-eddsa-rdfc-valid" / "input.json"), "--offline",
             "--at", "2026-01-01T00:00:00Z", "--json"],
    "unbake": ["unbake", str(CASES / "ob2-baked-png-itxt" / "input.png"), "--json"],
}
TARGETS_MS = {"JSON offline": 150.0, "JWT": 200.0, "rdfc": 200.0, "unbake": 100.0}
TARGET_NAMES = {"JSON offline": "OB 2.0 process", "JWT": "OB 3.0 VC-JWT process", "rdfc": "OB 3.0 rdfc process",
                "unbake": "unbake process"}
ONLINE_RATIO = 1.2
FLOOR = "python -c pass"


def _command() -> list[str]:
    """The installed console script beside this interpreter, else `python -m obverify`."""
    script = shutil.which("obverify", path=str(Path(sys.executable).parent))
    return [script] if script is not None else [sys.executable, "-m", "obverify"]


def _env(src: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONDONTWRITEBYTECODE", "PYTHONPATH")}
    env["PYTHONPATH"] = str(src)
    return env


def _export(rev: str, into: Path) -> Path:
    """The tree of `rev` written into `into` (no worktree is registered); returns its `src/`."""
    archive = subprocess.run(["git", "-C", str(ROOT), "archive", "--format=tar", rev], capture_output=True,
                             check=True).stdout
    subprocess.run(["tar", "-x", "-C", str(into)], input=archive, check=True)
    return into / "src"


def _once(cmd: list[str], env: dict[str, str], name: str) -> float:
    start = time.perf_counter()
    done = subprocess.run(cmd, capture_output=True, check=False, env=env)
    elapsed = time.perf_counter() - start
    if done.returncode != 0:
        raise SystemExit(f"{name}: {' '.join(cmd[-4:])} exited {done.returncode}: {done.stdout[:300]!r}"
                         f" {done.stderr[-500:]!r}")
    return elapsed * 1e3


def measure(trees: dict[str, Path], runs: int) -> dict[str, dict[str, float]]:
    """{tree label: {invocation: median ms}}, every run interleaved across trees and invocations."""
    base = _command()
    jobs: list[tuple[str, str, list[str], dict[str, str]]] = []
    for label, src in trees.items():
        env = _env(src)
        jobs.append((label, FLOOR, [sys.executable, "-c", "pass"], env))
        jobs.extend((label, name, [*base, *argv], env) for name, argv in INVOCATIONS.items())
    for label, name, cmd, env in jobs:  # warm-up: bytecode written, files in the page cache
        _once(cmd, env, f"{label} {name}")
    times: dict[tuple[str, str], list[float]] = {(label, name): [] for label, name, _, _ in jobs}
    for i in range(runs):
        order = jobs if i % 2 == 0 else jobs[::-1]
        for label, name, cmd, env in order:
            times[(label, name)].append(_once(cmd, env, f"{label} {name}"))
    result: dict[str, dict[str, float]] = {label: {} for label in trees}
    for (label, name), values in times.items():
        result[label][name] = statistics.median(values)
    return result


def _verdicts(figures: dict[str, float], before: dict[str, float] | None) -> list[tuple[bool, str]]:
    lines = [(figures[name] < limit, f"{TARGET_NAMES[name]} under {limit:.0f} ms ({figures[name]:.0f} ms)")
             for name, limit in TARGETS_MS.items()]
    ratio = figures["JSON online-default"] / figures["JSON offline"]
    lines.append((ratio <= ONLINE_RATIO, f"online-default at most {ONLINE_RATIO}x offline ({ratio:.2f}x)"))
    if before is not None:
        change = figures["JSON online-default"] / before["JSON online-default"]
        lines.append((change <= 2 / 3, f"online-default at least a third faster than before ({change:.2f}x of"
                                       f" {before['JSON online-default']:.0f} ms)"))
    return lines


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0] if __doc__ else None)
    parser.add_argument("--runs", type=int, default=11, help="timed runs of each invocation (default 11)")
    parser.add_argument("--compare", metavar="REV", help="also time this git revision, side by side")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="obverify-startup-") as tmp:
        trees = {"this tree": ROOT / "src"}
        if args.compare:
            trees = {args.compare: _export(args.compare, Path(tmp)), **trees}
        load_before = os.getloadavg()
        figures = measure(trees, args.runs)
        load_after = os.getloadavg()
    labels = list(trees)
    print(f"obverify start-up, whole processes, median of {args.runs} interleaved runs (ms); load average"
          f" {load_before[0]:.2f} before, {load_after[0]:.2f} after, {os.cpu_count()} CPUs")
    print(f"  {'':24}" + "".join(f"{label:>14}" for label in labels))
    for name in (FLOOR, *INVOCATIONS):
        print(f"  {name:24}" + "".join(f"{figures[label][name]:14.1f}" for label in labels))
    before = figures[labels[0]] if args.compare else None
    for label in labels:
        print(f"targets, {label}:")
        for met, text in _verdicts(figures[label], before if label != labels[0] else None):
            print(f"  {'met   ' if met else 'MISSED'} {text}")


if __name__ == "__main__":
    main()
