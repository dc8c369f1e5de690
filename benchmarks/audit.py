"""Benchmark: `obverify audit` over 10,000 files offline, its scaling on two cores, and its peak memory.

The mix, in equal parts (copies of fixture inputs, one shared document store merging their stores):
OB 2.0 hosted JSON (`ob2-hosted-valid`), OB 2.0 baked PNG (`ob2-baked-png-itxt`), OB 2.0 baked SVG
(`ob2-baked-svg-cdata`), OB 3.0 eddsa-rdfc-2022 (`ob3-eddsa-rdfc-valid`) and OB 3.0 VC-JWT
(`ob3-jwt-eddsa-valid`), each file with its case's recipients through `--manifest`.

Prints, for the installed `obverify` console script run as a user runs it (`--quiet`, `--out DIR`):
- files/s with `--jobs 1` and `--jobs 2`, and the ratio (issue 16: at least 1.7x on 2 cores; at least
  800 files/s with `--jobs 2`), for the verification alone (`--format jsonl`: the journal) and for the whole
  run with results.csv and report.html rendered after it;
- the peak memory of the whole run (the RSS of the audit process and its workers, summed, sampled every
  20 ms), at 2,000 and at 10,000 files (issue 16: under 500 MB and not growing with the number of files);
- the time per file of each kind, in one process (where the cost of the mix lies);
- badgecheck (the OB 2.0 reference validator) verifying the OB 2.0 hosted JSON files in its own loop, in its
  own virtual environment (built as `verify_ob2.py` builds it), over a sample (`--badgecheck-files`), as
  files/s beside ours.

Figures only: nothing here asserts. Run: `python benchmarks/audit.py [--files 10000] [--badgecheck-files 200]`.
"""

from __future__ import annotations

import argparse
import contextlib
import csv
import json
import os
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import Any

import psutil

ROOT = Path(__file__).resolve().parents[1]
CASES = ROOT / "fixtures" / "cases"
MIX = ("ob2-hosted-valid", "ob2-baked-png-itxt", "ob2-baked-svg-cdata", "ob3-eddsa-rdfc-valid", "ob3-jwt-eddsa-valid")
AT = "2026-01-01T00:00:00Z"

BADGECHECK_LOOP = r'''
import json, sys, time
import responses
from openbadges.verifier import verify

cfg = json.load(open(sys.argv[1]))
import base64
responses.start()
for url, body in cfg["documents"].items():
    responses.add(responses.GET, url, body=body, status=200, content_type="application/ld+json")
for url, body in cfg["images"].items():
    responses.add(responses.GET, url, body=base64.b64decode(body), status=200, content_type="image/png")
valid = 0
start = time.perf_counter()
for path in cfg["files"]:
    with open(path) as fh:
        result = verify(fh.read(), recipient_profile={"email": cfg["recipient"]})
    valid += bool(result.get("report", {}).get("valid"))
elapsed = time.perf_counter() - start
print(json.dumps({"files": len(cfg["files"]), "valid": valid, "seconds": elapsed}))
'''


def build(root: Path, files: int) -> tuple[Path, Path, Path]:
    """The tree, the merged document store and the manifest."""
    badges, documents = root / "badges", root / "documents"
    documents.mkdir(parents=True)
    index: dict[str, Any] = {}
    rows = []
    for case in MIX:
        expected = json.loads((CASES / case / "expected.json").read_text())
        source = CASES / case / str(expected["input"])
        store = CASES / case / "documents"
        shutil.copytree(store, documents / case)
        for url, entry in json.loads((store / "index.json").read_text()).items():
            if isinstance(entry, str):
                index.setdefault(url, f"{case}/{entry}")
            elif isinstance(entry, dict) and "file" in entry:
                index.setdefault(url, {**entry, "file": f"{case}/{entry['file']}"})
        per_dir = 500
        for n in range(files // len(MIX)):
            target = badges / case / f"{n // per_dir:03d}" / f"{n:05d}{source.suffix}"
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(source, target)
            rows.append((str(target), ";".join(expected.get("recipients") or ())))
    (documents / "index.json").write_text(json.dumps(index))
    manifest = root / "manifest.csv"
    with manifest.open("w", newline="") as fh:
        writer = csv.writer(fh)
        writer.writerow(["path", "recipient"])
        writer.writerows(rows)
    return badges, documents, manifest


def _tree_rss(proc: psutil.Process) -> int:
    total = 0
    for p in [proc, *proc.children(recursive=True)]:
        with contextlib.suppress(psutil.Error):  # a worker that just ended
            total += p.memory_info().rss
    return total


def run_audit(program: list[str], badges: Path, documents: Path, manifest: Path, out: Path, jobs: int,
              formats: str) -> tuple[float, int, str]:
    """(seconds, peak RSS of the process tree in bytes, stderr)."""
    cmd = [*program, "audit", str(badges), "--documents", str(documents), "--offline", "--at", AT,
           "--manifest", str(manifest), "--out", str(out), "--jobs", str(jobs), "--quiet", "--format", formats]
    peak = 0
    start = time.perf_counter()
    proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    watched = psutil.Process(proc.pid)
    done = threading.Event()

    def sample() -> None:
        nonlocal peak
        while not done.is_set():
            try:
                peak = max(peak, _tree_rss(watched))
            except psutil.Error:
                return
            time.sleep(0.02)

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    _, err = proc.communicate()
    elapsed = time.perf_counter() - start
    done.set()
    sampler.join()
    return elapsed, peak, err.strip()


def per_kind_ms(documents: Path, repeats: int = 200) -> dict[str, float]:
    """Warm in-process milliseconds per file of each kind (verify on bytes, as a worker does)."""
    from obverify import DocumentStore, verify
    from obverify._core.timeparse import parse_datetime

    store = DocumentStore.from_directory(documents)
    at = parse_datetime(AT)
    out = {}
    for case in MIX:
        expected = json.loads((CASES / case / "expected.json").read_text())
        data = (CASES / case / str(expected["input"])).read_bytes()
        recipients = expected.get("recipients") or ()
        for _ in range(5):
            verify(data, recipients=recipients, at=at, loader=store)
        start = time.perf_counter()
        for _ in range(repeats):
            verify(data, recipients=recipients, at=at, loader=store)
        out[case] = (time.perf_counter() - start) / repeats * 1e3
    return out


def badgecheck_rate(badges: Path, sample: int) -> tuple[dict[str, Any] | None, str | None]:
    """badgecheck's own loop over `sample` of the OB 2.0 hosted JSON files (as verify_ob2.py serves them)."""
    sys.path.insert(0, str(Path(__file__).parent))
    import verify_ob2

    why = verify_ob2.ensure_badgecheck()
    if why is not None:
        return None, why
    files = sorted(str(p) for p in (badges / "ob2-hosted-valid").rglob("*.json"))[:sample]
    cfg = {**verify_ob2._badgecheck_config(0), "files": files}
    with tempfile.TemporaryDirectory() as tmp:
        cfg_path, runner = Path(tmp) / "cfg.json", Path(tmp) / "loop.py"
        cfg_path.write_text(json.dumps(cfg))
        runner.write_text(BADGECHECK_LOOP)
        done = subprocess.run([str(verify_ob2.VENV / "bin" / "python"), str(runner), str(cfg_path)],
                              capture_output=True, text=True, check=False)
    if done.returncode != 0:
        return None, f"badgecheck loop failed: {done.stderr.strip().splitlines()[-1:]}"
    return json.loads(done.stdout.strip().splitlines()[-1]), None


def main() -> int:
    """Print the figures."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--files", type=int, default=10_000)
    parser.add_argument("--small", type=int, default=2_000, help="the smaller run for the memory comparison")
    parser.add_argument("--badgecheck-files", type=int, default=200, help="0: skip badgecheck")
    args = parser.parse_args()
    script = shutil.which("obverify", path=str(Path(sys.executable).parent))
    program = [script] if script else [sys.executable, "-m", "obverify"]
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        badges, documents, manifest = build(root / "big", args.files)
        small = build(root / "small", args.small)
        n = sum(1 for _ in badges.rglob("*") if _.is_file())
        print(f"audit benchmark: {n:,} files ({', '.join(MIX)}), offline, at {AT}, {os.cpu_count()} cores")
        kinds = per_kind_ms(documents)
        print("  one file of each kind, warm, in process:")
        for case, ms in kinds.items():
            print(f"    {case:24s} {ms:6.2f} ms  ({1000 / ms:7.0f} files/s on one core)")
        mix_ms = sum(kinds.values()) / len(kinds)
        print(f"    mix mean {mix_ms:.2f} ms: at most {2000 / mix_ms:,.0f} files/s on 2 cores before any audit cost")
        rates: dict[tuple[int, str], float] = {}
        for formats in ("jsonl", "jsonl,csv,html"):
            for jobs in (1, 2):
                out = root / f"out-{jobs}-{formats.replace(',', '-')}"
                seconds, peak, err = run_audit(program, badges, documents, manifest, out, jobs, formats)
                rates[(jobs, formats)] = n / seconds
                print(f"  --jobs {jobs} --format {formats:15s}: {seconds:6.2f} s  {n / seconds:7.0f} files/s  "
                      f"peak {peak / 2**20:6.0f} MB   [{err}]")
            print(f"    scaling --jobs 2 / --jobs 1 ({formats}): {rates[(2, formats)] / rates[(1, formats)]:.2f}x")
        small_n = sum(1 for _ in small[0].rglob("*") if _.is_file())
        seconds, small_peak, _ = run_audit(program, *small, root / "out-small", 2, "jsonl,csv,html")
        _, big_peak, _ = run_audit(program, badges, documents, manifest, root / "out-big", 2, "jsonl,csv,html")
        print(f"  peak memory, --jobs 2, all formats: {small_n:,} files {small_peak / 2**20:.0f} MB; "
              f"{n:,} files {big_peak / 2**20:.0f} MB")
        if args.badgecheck_files:
            result, why = badgecheck_rate(badges, args.badgecheck_files)
            if result is None:
                print(f"  badgecheck unavailable: {why}")
            else:
                rate = result["files"] / result["seconds"]
                ours = rates[(1, "jsonl")]
                print(f"  badgecheck loop, OB 2.0 hosted JSON, {result['files']} files (valid {result['valid']}): "
                      f"{rate:.1f} files/s on one core; the {args.files // len(MIX):,} OB 2.0 hosted files would "
                      f"take {args.files // len(MIX) / rate:.0f} s")
                print(f"    obverify audit --jobs 1 over the whole mix: {ours:.0f} files/s ({ours / rate:.0f}x)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
