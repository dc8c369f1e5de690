"""Benchmark: OB 2.0 hosted verification, obverify versus the reference validator (badgecheck).

Prints, for the fixture case `ob2-hosted-valid` (a hosted OB 2.0 assertion, salted sha256 email of
alice@example.org, with its BadgeClass, issuer Profile and revocation list in a document store):

- the median warm, offline, in-process `obverify.verify` time, with `--recipient alice@example.org`;
- the same for badgecheck (PyPI `openbadges` 1.1.2, 1EdTech's OB 2.0 reference validator), run in its own
  virtual environment that this script builds once (in `$OBVERIFY_BENCH_BADGECHECK_VENV`, default
  `~/.cache/obverify-bench/badgecheck`) from the recipe and pins in `$OBVERIFY_BENCH_DIR` (default
  `../shared/bench`: `badgecheck-requirements.txt`), with its HTTP fetches served from memory by the
  `responses` library (the same documents, plus the OB v2 JSON-LD context from our bundle);
- the median whole-process time of `obverify verify --offline --json` on the same badge (and badgecheck's).

If badgecheck cannot be installed, the output says why and the obverify figures are printed anyway.
Figures only: nothing here asserts a time. Run: `python benchmarks/verify_ob2.py [--runs N]`.
"""

from __future__ import annotations

import argparse
import base64
import json
import os
import shutil
import statistics
import struct
import subprocess
import sys
import tempfile
import time
import zlib
from collections.abc import Callable
from pathlib import Path
from typing import Any

from obverify import DocumentStore, verify
from obverify._core.timeparse import parse_datetime
from obverify._engines.contexts import bundled_context

ROOT = Path(__file__).resolve().parents[1]
CASE = ROOT / "fixtures" / "cases" / "ob2-hosted-valid"
AT = "2024-06-01T00:00:00Z"
RECIPIENT = "alice@example.org"
BENCH_DIR = Path(os.environ.get("OBVERIFY_BENCH_DIR", ROOT.parent / "shared" / "bench"))
VENV = Path(os.environ.get("OBVERIFY_BENCH_BADGECHECK_VENV",
                           Path.home() / ".cache" / "obverify-bench" / "badgecheck"))
CONTEXTS = ("https://w3id.org/openbadges/v2", "https://openbadgespec.org/v2/context.json")

# Runs inside the badgecheck venv: argv[1] is a JSON file {documents: {url: text}, input: text, runs: n}.
BADGECHECK_RUNNER = r'''
import base64, json, statistics, sys, time
import responses
from openbadges.verifier import verify

cfg = json.load(open(sys.argv[1]))
docs = cfg["documents"]

def serve():
    for url, body in docs.items():
        responses.add(responses.GET, url, body=body, status=200, content_type="application/ld+json")
    for url, body in cfg["images"].items():
        responses.add(responses.GET, url, body=base64.b64decode(body), status=200, content_type="image/png")

@responses.activate
def once():
    serve()
    return verify(cfg["input"], recipient_profile={"email": cfg["recipient"]})

result = once()
ok = bool(result.get("report", {}).get("valid"))
times = []
for _ in range(cfg["runs"]):
    t = time.perf_counter()
    once()
    times.append(time.perf_counter() - t)
print(json.dumps({"valid": ok, "errors": result.get("report", {}).get("errorCount"),
                  "median_ms": statistics.median(times) * 1e3 if times else None}))
'''


def median_ms(fn: Callable[[], object], runs: int) -> float:
    """Median wall time of `fn()` in milliseconds, after three warm-up calls."""
    for _ in range(3):
        fn()
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return statistics.median(times) * 1e3


def obverify_in_process(runs: int) -> float:
    """Median warm in-process time of verifying the case (it must verify)."""
    store = DocumentStore.from_directory(CASE / "documents")
    data = (CASE / "input.json").read_bytes()
    at = parse_datetime(AT)
    report = verify(data, recipients=[RECIPIENT], at=at, loader=store)
    if not report.valid or report.recipient.matched != RECIPIENT:
        raise SystemExit(f"ob2-hosted-valid did not verify: {report.codes()}")
    return median_ms(lambda: verify(data, recipients=[RECIPIENT], at=at, loader=store), runs)


def whole_process(cmd: list[str], runs: int) -> float:
    """Median wall time of a fresh process running `cmd` (exit status 0 required).

    Measured as an installed program runs: bytecode may be cached (PYTHONDONTWRITEBYTECODE is dropped from
    the environment, as pip compiles bytecode when it installs), after one untimed warm-up run.
    """
    env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
    subprocess.run(cmd, capture_output=True, check=False, cwd=ROOT, env=env)
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        done = subprocess.run(cmd, capture_output=True, check=False, cwd=ROOT, env=env)
        times.append(time.perf_counter() - start)
        if done.returncode != 0:
            raise SystemExit(f"{cmd[:4]} exited {done.returncode}: {done.stderr[-500:]!r}")
    return statistics.median(times) * 1e3


def _venv_python() -> Path:
    return VENV / "bin" / "python"


def ensure_badgecheck() -> str | None:
    """Build the badgecheck venv if needed (README recipe); return why it is unavailable, or None."""
    py = _venv_python()
    check = [str(py), "-c", "import openbadges.verifier, Crypto.PublicKey.RSA, jose.jws, responses"]
    if py.is_file() and subprocess.run(check, capture_output=True, check=False).returncode == 0:
        return None
    requirements = BENCH_DIR / "badgecheck-requirements.txt"
    if not requirements.is_file():
        return f"no pins at {requirements} (set OBVERIFY_BENCH_DIR)"
    print(f"building the badgecheck venv in {VENV} (once; a few minutes) ...", flush=True)
    env = {**os.environ, "PIP_DISABLE_PIP_VERSION_CHECK": "1"}
    steps = [
        [sys.executable, "-m", "venv", "--clear", str(VENV)],
        [str(py), "-m", "pip", "install", "-q", "setuptools==65.5.0", "wheel"],
        [str(py), "-m", "pip", "install", "-q", "--no-cache-dir", "--no-deps", "--no-binary", "pycryptodome",
         "--no-build-isolation", "pycryptodome==3.6.6"],
        [str(py), "-m", "pip", "install", "-q", "--no-deps", "-r", str(requirements)],
    ]
    for n, step in enumerate(steps):
        step_env = {**env, "SETUPTOOLS_USE_DISTUTILS": "stdlib"} if n == 2 else env
        done = subprocess.run(step, capture_output=True, text=True, check=False, env=step_env)
        if done.returncode != 0:
            tail = (done.stderr or done.stdout).strip().splitlines()[-3:]
            return f"install step {n + 1} failed: {' | '.join(tail)}"
    if subprocess.run(check, capture_output=True, check=False).returncode != 0:
        return "installed, but `import openbadges.verifier` fails"
    return None


def _tiny_png() -> bytes:
    """A valid 1x1 grey PNG: badgecheck fetches and checks the badge class image, obverify does not."""
    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", 1, 1, 8, 0, 0, 0, 0))
            + chunk(b"IDAT", zlib.compress(b"\x00\x80")) + chunk(b"IEND", b""))


def _store_documents(case: Path) -> dict[str, str]:
    index = json.loads((case / "documents" / "index.json").read_text())
    out: dict[str, str] = {}
    for url, entry in index.items():
        name = entry if isinstance(entry, str) else entry["file"]
        out[url] = (case / "documents" / name).read_text()
    return out


def _badgecheck_config(runs: int) -> dict[str, Any]:
    """badgecheck also fetches what obverify has no need of for a hosted badge: the issuer's public key
    (served from the signed fixture case) and the badge class image (a tiny PNG)."""
    documents = _store_documents(CASE)
    for url, text in _store_documents(CASE.parent / "ob2-signed-rs256-valid").items():
        documents.setdefault(url, text)
    badgeclass = json.loads(documents["https://issuer.example/badges/robotics"])
    images = {badgeclass["image"]: base64.b64encode(_tiny_png()).decode("ascii")}
    for url in CONTEXTS:
        context = bundled_context(url)
        if context is not None:
            documents[url] = json.dumps(context)
    return {"documents": documents, "images": images, "input": (CASE / "input.json").read_text(),
            "recipient": RECIPIENT, "runs": runs}


def badgecheck(runs: int, process_runs: int) -> tuple[dict[str, Any] | None, float | None, str | None]:
    """(in-process result, whole-process median ms, reason unavailable)."""
    why = ensure_badgecheck()
    if why is not None:
        return None, None, why
    with tempfile.TemporaryDirectory() as tmp:
        cfg_path = Path(tmp) / "cfg.json"
        runner = Path(tmp) / "runner.py"
        runner.write_text(BADGECHECK_RUNNER)
        cfg_path.write_text(json.dumps(_badgecheck_config(runs)))
        done = subprocess.run([str(_venv_python()), str(runner), str(cfg_path)], capture_output=True, text=True,
                              check=False)
        if done.returncode != 0:
            return None, None, f"badgecheck run failed: {done.stderr.strip().splitlines()[-1:]}"
        result = json.loads(done.stdout.strip().splitlines()[-1])
        cfg_path.write_text(json.dumps(_badgecheck_config(0)))
        process = whole_process([str(_venv_python()), str(runner), str(cfg_path)], process_runs)
    return result, process, None


def main() -> int:
    """Print the figures."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=300, help="in-process repetitions")
    parser.add_argument("--process-runs", type=int, default=9, help="whole-process repetitions")
    parser.add_argument("--skip-reference", action="store_true", help="do not build or run badgecheck")
    args = parser.parse_args()

    ours = obverify_in_process(args.runs)
    # the installed console script beside this interpreter, as a user runs it (else `python -m obverify`)
    script = shutil.which("obverify", path=str(Path(sys.executable).parent))
    program = [script] if script else [sys.executable, "-m", "obverify"]
    cmd = [*program, "verify", str(CASE / "input.json"), "--documents", str(CASE / "documents"), "--offline",
           "--at", AT, "--recipient", RECIPIENT, "--json"]
    ours_process = whole_process(cmd, args.process_runs)
    print("OB 2.0 hosted assertion, hashed recipient, offline (fixtures/cases/ob2-hosted-valid)")
    print(f"  obverify   in process (warm, median of {args.runs}): {ours:8.3f} ms")
    print(f"  obverify   whole process `obverify verify --offline` (median of {args.process_runs}): "
          f"{ours_process:8.1f} ms")
    if args.skip_reference:
        print("  badgecheck skipped (--skip-reference)")
        return 0
    result, process, why = badgecheck(max(20, args.runs // 10), max(3, args.process_runs // 3))
    if why is not None or result is None or process is None:
        print(f"  badgecheck unavailable: {why}")
        return 0
    print(f"  badgecheck in process (warm, median; verdict valid={result['valid']}): {result['median_ms']:8.3f} ms")
    print(f"  badgecheck whole process (python + import + one verification): {process:8.1f} ms")
    print(f"  speed-up in process: {result['median_ms'] / ours:6.1f}x   whole process: {process / ours_process:6.1f}x")
    return 0


if __name__ == "__main__":
    sys.exit(main())
