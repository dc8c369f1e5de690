"""Run the fuzz targets: `python tests/fuzz/run.py TARGET [--seconds N] [--crashers DIR] [--mutator]`.

With atheris installed (`pip install atheris`, the `fuzz` extra) this is libFuzzer over an instrumented
obverify, with `-timeout=5` (no call over 5 s) and `-rss_limit_mb=500` (no process over 500 MB); without it,
or with `--mutator`, the structure-aware mutator of `mutate.py`. Either way an input that breaks a target's
invariants (`targets.py`) is written to `CRASHERS/TARGET/<sha1>` (libFuzzer's timeout-/oom- artifacts go
there too), which `test_fuzz_replay.py` replays in CI. The run ends after `--seconds` and prints executions.
"""

from __future__ import annotations

import argparse
import hashlib
import random
import sys
import time
import traceback
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parents[1] / "src"))
sys.path.insert(0, str(HERE))

import targets  # noqa: E402


def save_crasher(folder: Path, target: str, data: bytes, why: str) -> Path:
    """Keep `data` (and why it failed, beside it) for the replay test."""
    out = folder / target
    out.mkdir(parents=True, exist_ok=True)
    path = out / hashlib.sha1(data).hexdigest()
    path.write_bytes(data)
    path.with_suffix(".txt").write_text(why)
    return path


def run_mutator(target: str, seconds: float, crashers: Path, *, seed: int = 0, max_runs: int | None = None) -> int:
    """The built-in mutator for `seconds` (or `max_runs` inputs); returns executions."""
    from mutate import mutate

    rng = random.Random(seed)
    pool = targets.seeds(target)
    for data in pool:
        targets.run_one(target, data)  # the seeds themselves must pass
    runs = 0
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline and (max_runs is None or runs < max_runs):
        data = mutate(rng.choice(pool), rng, pool)
        if target == "import_badge":
            data = bytes([rng.randrange(4)]) + data
        try:
            targets.run_one(target, data)
        except Exception:  # noqa: BLE001 - every failure is a crasher to keep
            save_crasher(crashers, target, data, traceback.format_exc())
        runs += 1
    return runs


def run_atheris(target: str, seconds: float, crashers: Path, work: Path) -> None:
    """libFuzzer over instrumented obverify; exceptions saved as crashers, and the run goes on."""
    import atheris  # type: ignore[import-untyped,unused-ignore]

    with atheris.instrument_imports(include=["obverify"]):
        import obverify._engines.bakery.svg_read
        import obverify._engines.bakery.svg_write
        import obverify._engines.jose
        import obverify._engines.jsonld
        import obverify._engines.spelling
        import obverify._ob2.signed
        import obverify._ob2.verify
        import obverify._ob3.jwt
        import obverify._ob3.proofs
        import obverify._ob3.status
        import obverify._ob3.verify
        import obverify._orchestration.importer
        import obverify._orchestration.pipeline
        import obverify._orchestration.unbake  # noqa: F401
    corpus = work / target / "corpus"
    corpus.mkdir(parents=True, exist_ok=True)
    for data in targets.seeds(target):
        seed = bytes([1]) + data if target == "import_badge" else data
        (corpus / hashlib.sha1(seed).hexdigest()).write_bytes(seed)
    (crashers / target).mkdir(parents=True, exist_ok=True)

    def one(data: bytes) -> None:
        try:
            targets.run_one(target, data)
        except Exception:  # noqa: BLE001
            save_crasher(crashers, target, data, traceback.format_exc())

    atheris.Setup([sys.argv[0], str(corpus), f"-max_total_time={int(seconds)}", "-timeout=5",
                   "-rss_limit_mb=500", "-max_len=262144", f"-artifact_prefix={crashers / target}/",
                   "-print_final_stats=1"], one)
    atheris.Fuzz()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("target", choices=targets.TARGETS)
    parser.add_argument("--seconds", type=float, default=3600.0)
    parser.add_argument("--crashers", type=Path, default=HERE / "crashers")
    parser.add_argument("--work", type=Path, default=HERE.parents[1] / ".fuzz-work")
    parser.add_argument("--mutator", action="store_true", help="the built-in mutator even if atheris is there")
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args()
    try:
        import atheris  # type: ignore[import-untyped,unused-ignore]  # noqa: F401
    except ImportError:
        args.mutator = True
    if not args.mutator:
        run_atheris(args.target, args.seconds, args.crashers, args.work)
        return 0
    runs = run_mutator(args.target, args.seconds, args.crashers, seed=args.seed)
    print(f"{args.target}: {runs} executions in {args.seconds:.0f} s (built-in mutator)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
