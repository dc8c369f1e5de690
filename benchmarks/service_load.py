"""Load benchmark of the verification microservice: `obverify serve --workers 2`, fully offline.

Starts `obverify serve --workers 2 --offline --documents STORE` on a free loopback port (SQLite under a
temporary data directory), then sends 2,000 `POST /v1/verify` requests from 16 concurrent clients, mixing
three badges a third each: an OB 2.0 hosted assertion by URL (refetched at its id from the store), the same
family's baked PNG (multipart upload), and an OB 3.0 eddsa-rdfc-2022 credential (JSON). The store holds
the documents of the fixture cases `ob2-baked-png-itxt` and `ob3-eddsa-rdfc-valid`.

Prints requests/s, p50/p99 latency, the count of 5xx answers (must be 0), the count of answers that are
not a valid report, and the service's peak RSS (the uvicorn parent and its workers, summed, sampled every
20 ms) over the first 500 requests and over all 2,000, with the growth between them (must stay under 10 %).
Figures only, nothing asserted. Run: `python benchmarks/service_load.py [--requests N] [--clients N]`.
"""

from __future__ import annotations

import argparse
import json
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import Any

import httpx

ROOT = Path(__file__).resolve().parents[1]
CASES = ROOT / "fixtures" / "cases"


def merged_store(dest: Path) -> None:
    index: dict[str, Any] = {}
    for case in ("ob2-baked-png-itxt", "ob3-eddsa-rdfc-valid"):
        src = CASES / case / "documents"
        for url, name in json.loads((src / "index.json").read_text()).items():
            new = f"d{len(index):03d}.json"
            shutil.copyfile(src / name, dest / new)
            index[url] = new
    (dest / "index.json").write_text(json.dumps(index))


def tree_rss_kib(pid: int) -> int:
    """RSS of `pid` and all its descendants, in KiB (Linux /proc)."""
    total, todo = 0, [pid]
    while todo:
        p = todo.pop()
        try:
            for line in Path(f"/proc/{p}/status").read_text().splitlines():
                if line.startswith("VmRSS:"):
                    total += int(line.split()[1])
            for task in Path(f"/proc/{p}/task").iterdir():
                todo.extend(int(c) for c in (task / "children").read_text().split())
        except (OSError, ValueError):
            continue
    return total


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=2000)
    parser.add_argument("--clients", type=int, default=16)
    parser.add_argument("--checkpoint", type=int, default=500)
    args = parser.parse_args()

    work = Path(tempfile.mkdtemp(prefix="obverify-load-"))
    store = work / "store"
    store.mkdir()
    merged_store(store)
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    port = sock.getsockname()[1]
    sock.close()
    obverify = Path(sys.executable).with_name("obverify")
    log = (work / "serve.log").open("wb")
    proc = subprocess.Popen([str(obverify), "serve", "--workers", "2", "--port", str(port), "--data",
                             str(work / "data"), "--documents", str(store), "--offline"],
                            stdout=subprocess.DEVNULL, stderr=log)
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                if httpx.get(f"{base}/readyz", timeout=2).status_code == 200:
                    break
            except httpx.TransportError:
                pass
            if proc.poll() is not None or time.monotonic() > deadline:
                raise SystemExit(f"obverify serve did not start: {(work / 'serve.log').read_text()}")
            time.sleep(0.1)
        time.sleep(1.0)  # both workers up

        png = (CASES / "ob2-baked-png-itxt" / "input.png").read_bytes()
        rdfc = json.loads((CASES / "ob3-eddsa-rdfc-valid" / "input.json").read_text())
        kinds: list[dict[str, Any]] = [
            {"json": {"url": "https://issuer.example/assertions/baked-png-itxt", "recipient": ["alice@example.org"]}},
            {"files": {"image": ("badge.png", png, "image/png")}, "data": {"recipient": "alice@example.org"}},
            {"json": {"assertion": rdfc, "recipient": ["learner@example.org"]}},
        ]
        for kind in kinds:  # warm-up, and a check that each badge verifies here
            r = httpx.post(f"{base}/v1/verify", timeout=30, **kind)
            if r.status_code != 200 or not r.json()["valid"]:
                raise SystemExit(f"warm-up request failed: {r.text}")

        lock = threading.Lock()
        next_index = 0
        latencies: list[float] = []
        statuses: dict[int, int] = {}
        not_valid = 0
        done = 0
        peak = {"checkpoint": 0, "all": 0}
        finished = threading.Event()

        def sampler() -> None:
            while not finished.is_set():
                rss = tree_rss_kib(proc.pid)
                with lock:
                    key = "checkpoint" if done < args.checkpoint else "all"
                    peak[key] = max(peak[key], rss)
                    peak["all"] = max(peak["all"], rss)
                finished.wait(0.02)

        def client() -> None:
            nonlocal next_index, not_valid, done
            with httpx.Client(base_url=base, timeout=60) as c:
                while True:
                    with lock:
                        if next_index >= args.requests:
                            return
                        i = next_index
                        next_index += 1
                    start = time.perf_counter()
                    r = c.post("/v1/verify", **kinds[i % 3])
                    elapsed = time.perf_counter() - start
                    ok = r.status_code == 200 and r.json().get("valid") is True
                    with lock:
                        latencies.append(elapsed)
                        statuses[r.status_code] = statuses.get(r.status_code, 0) + 1
                        not_valid += 0 if ok else 1
                        done += 1

        watcher = threading.Thread(target=sampler, daemon=True)
        watcher.start()
        threads = [threading.Thread(target=client) for _ in range(args.clients)]
        began = time.perf_counter()
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        wall = time.perf_counter() - began
        finished.set()
        watcher.join()

        latencies.sort()
        p99 = latencies[min(len(latencies) - 1, int(len(latencies) * 0.99))]
        server_errors = sum(n for s, n in statuses.items() if s >= 500)
        growth = (peak["all"] - peak["checkpoint"]) / peak["checkpoint"] * 100 if peak["checkpoint"] else 0.0
        print(f"obverify serve --workers 2, offline; {args.requests} POST /v1/verify from {args.clients} clients "
              f"(OB 2.0 hosted URL / baked PNG upload / OB 3.0 eddsa-rdfc-2022 JSON, a third each)")
        print(f"  requests/s        {len(latencies) / wall:8.1f}   ({wall:.1f} s)")
        print(f"  latency p50       {statistics.median(latencies) * 1000:8.1f} ms")
        print(f"  latency p99       {p99 * 1000:8.1f} ms")
        print(f"  statuses          {dict(sorted(statuses.items()))}   5xx: {server_errors}   not a valid report: "
              f"{not_valid}")
        print(f"  peak RSS          {peak['checkpoint'] / 1024:8.1f} MiB after {args.checkpoint}, "
              f"{peak['all'] / 1024:.1f} MiB after {args.requests}  (growth {growth:+.1f} %, limit 10 %)")
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            proc.kill()
        log.close()
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
