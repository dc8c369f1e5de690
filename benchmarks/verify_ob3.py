"""Benchmark: OB 3.0 verification, in process and as a whole `obverify verify --offline` process.

Prints, for the fixture credentials `ob3-eddsa-rdfc-valid` (eddsa-rdfc-2022, did:key, no status),
`ob3-sd-derived-recipient-achievement-evidence` (an ecdsa-sd-2023 derived credential: P-256 base signature
and one ES256 signature per disclosed statement) and `ob3-jwt-eddsa-valid` (VC-JWT, EdDSA):

- the median warm, offline, in-process `obverify.verify` time;
- the time of one Ed25519 signature check (the floor no verifier can go under);
- the DCC / Digital Bazaar verifier (`@digitalbazaar/vc` with the eddsa-rdfc-2022 cryptosuite) on the same
  credential, warm and in process, with a static document loader serving the project's bundled contexts and
  the did:key document, when Node and npm are available (packages installed once into
  `$OBVERIFY_BENCH_NODE_DIR`, default `~/.cache/obverify-bench-node`);
- the median whole-process time of `obverify verify --offline --json` (and of the Node verifier script):
  the installed `obverify` console script beside this interpreter (else `python -m obverify`), timed as an
  installed program runs: bytecode may be cached (PYTHONDONTWRITEBYTECODE is dropped from the environment,
  as pip compiles bytecode when it installs), after one untimed warm-up run;
- each issue-5 target, as met or MISSED.

`--in-process` prints the in-process figures only (no Node verifier, no whole processes).

Figures only: nothing here asserts a time (the verdict lines are printed, never raised).
"""

from __future__ import annotations

import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from cryptography.hazmat.primitives.asymmetric import ed25519

from obverify import DocumentStore, verify
from obverify._core.timeparse import parse_datetime

ROOT = Path(__file__).resolve().parents[1]
CASES = ROOT / "fixtures" / "cases"
AT = "2026-01-01T00:00:00Z"
NODE_PACKAGES = ("@digitalbazaar/vc@7", "@digitalbazaar/data-integrity@2",
                 "@digitalbazaar/eddsa-rdfc-2022-cryptosuite@1", "@digitalbazaar/ed25519-multikey@1")


def median_ms(fn: object, runs: int) -> float:
    """Median wall time of `fn()` in milliseconds, after two warm-up calls."""
    assert callable(fn)
    fn()
    fn()
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return statistics.median(times) * 1e3


def in_process(case: str, runs: int = 200) -> float:
    """Median warm in-process verification time of a fixture case (it must verify)."""
    expected = json.loads((CASES / case / "expected.json").read_text())
    data = (CASES / case / expected["input"]).read_bytes()
    at = parse_datetime(AT)
    report = verify(data, at=at, loader=DocumentStore())
    if not report.valid:
        raise SystemExit(f"{case} did not verify: {report.codes()}")
    return median_ms(lambda: verify(data, at=at, loader=DocumentStore()), runs)


SD_CASE = "ob3-sd-derived-recipient-achievement-evidence"


def sd_statements() -> int:
    """How many statement signatures the ecdsa-sd-2023 benchmark credential's derived proof carries."""
    from obverify._ob3.proofs.selective import parse_derived_proof_value

    proof = json.loads((CASES / SD_CASE / "input.json").read_text())["proof"]
    return len(parse_derived_proof_value(proof["proofValue"]).signatures)


def ed25519_floor(runs: int = 2000) -> float:
    """Median time of one Ed25519 verification of a 64-byte message."""
    key = ed25519.Ed25519PrivateKey.from_private_bytes(bytes(range(32)))
    message = bytes(64)
    signature = key.sign(message)
    public = key.public_key()
    return median_ms(lambda: public.verify(signature, message), runs)


def _obverify_command() -> list[str]:
    """The installed console script beside this interpreter, else `python -m obverify`."""
    script = shutil.which("obverify", path=str(Path(sys.executable).parent))
    return [script] if script is not None else [sys.executable, "-m", "obverify"]


def whole_process(path: Path, runs: int = 11) -> float:
    """Median wall time of `obverify verify PATH --offline --json` in a fresh process (see the module docstring)."""
    cmd = [*_obverify_command(), "verify", str(path), "--offline", "--at", AT, "--json"]
    env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
    subprocess.run(cmd, capture_output=True, check=False, env=env)
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        done = subprocess.run(cmd, capture_output=True, check=False, env=env)
        times.append(time.perf_counter() - start)
        if done.returncode != 0:
            raise SystemExit(f"obverify exited {done.returncode}: {done.stdout[:300]!r}")
    return statistics.median(times) * 1e3


NODE_SCRIPT = r"""
const fs = require('fs');
const vc = require('@digitalbazaar/vc');
const {DataIntegrityProof} = require('@digitalbazaar/data-integrity');
const {cryptosuite} = require('@digitalbazaar/eddsa-rdfc-2022-cryptosuite');
const [credPath, ctxIndexPath, runs, mode] = process.argv.slice(2);
const credential = JSON.parse(fs.readFileSync(credPath, 'utf8'));
const ctxDir = require('path').dirname(ctxIndexPath);
const index = JSON.parse(fs.readFileSync(ctxIndexPath, 'utf8'));
const docs = {};
for (const [url, entry] of Object.entries(index)) {
  if (typeof entry !== 'string' && !entry.file) continue;
  docs[url] = JSON.parse(fs.readFileSync(ctxDir + '/' + (typeof entry === 'string' ? entry : entry.file), 'utf8'));
}
const vm = credential.proof.verificationMethod;
const did = vm.split('#')[0];
const method = {'@context': 'https://w3id.org/security/multikey/v1', id: vm, type: 'Multikey', controller: did,
  publicKeyMultibase: vm.split('#')[1]};
docs[vm] = method;
docs[did] = {'@context': ['https://www.w3.org/ns/did/v1', 'https://w3id.org/security/multikey/v1'], id: did,
  verificationMethod: [method], assertionMethod: [vm], authentication: [vm]};
const documentLoader = async url => {
  if (docs[url]) return {contextUrl: null, documentUrl: url, document: docs[url]};
  throw new Error('offline: ' + url);
};
const suite = new DataIntegrityProof({cryptosuite});
const once = () => vc.verifyCredential({credential, suite, documentLoader,
  now: new Date('2026-01-01T00:00:00Z'), checkStatus: async () => ({verified: true})});
(async () => {
  const first = await once();
  if (!first.verified) { console.error(JSON.stringify(first.error || first, null, 1).slice(0, 2000)); process.exit(1); }
  if (mode === 'once') { process.exit(0); }
  await once(); await once();
  const times = [];
  for (let i = 0; i < Number(runs); i++) {
    const t = process.hrtime.bigint(); await once(); times.push(Number(process.hrtime.bigint() - t) / 1e6);
  }
  times.sort((a, b) => a - b);
  console.log(times[Math.floor(times.length / 2)].toFixed(3));
})();
"""


def node_dir() -> Path | None:
    """A directory with the Node verifier installed (installing it once if npm is available), or None."""
    if shutil.which("node") is None or shutil.which("npm") is None:
        return None
    target = Path(os.environ.get("OBVERIFY_BENCH_NODE_DIR", Path.home() / ".cache" / "obverify-bench-node"))
    if not (target / "node_modules" / "@digitalbazaar" / "vc").is_dir():
        target.mkdir(parents=True, exist_ok=True)
        done = subprocess.run(["npm", "install", "--no-audit", "--no-fund", "--prefix", str(target), *NODE_PACKAGES],
                              capture_output=True, check=False, timeout=600)
        if done.returncode != 0:
            return None
    return target


def node_figures(credential: Path, runs: int = 200) -> tuple[float, float] | None:
    """(median warm in-process ms, median whole-process ms) of the Node verifier, or None."""
    folder = node_dir()
    if folder is None:
        return None
    with tempfile.TemporaryDirectory() as tmp:
        script = Path(tmp) / "verify.cjs"
        script.write_text(NODE_SCRIPT)
        env = {**os.environ, "NODE_PATH": str(folder / "node_modules")}
        ctx_index = ROOT / "schemas" / "contexts" / "index.json"
        done = subprocess.run(["node", str(script), str(credential), str(ctx_index), str(runs), "bench"],
                              capture_output=True, text=True, env=env, check=False, timeout=600)
        if done.returncode != 0:
            print(f"  (Node verifier failed: {done.stderr.strip()[:400]})")
            return None
        warm = float(done.stdout.strip())
        times = []
        for _ in range(5):
            start = time.perf_counter()
            subprocess.run(["node", str(script), str(credential), str(ctx_index), "0", "once"], env=env, check=True,
                           capture_output=True, timeout=120)
            times.append(time.perf_counter() - start)
        return warm, statistics.median(times) * 1e3


def _verdict(what: str, met: bool, figure: str) -> str:
    return f"  {'met   ' if met else 'MISSED'} {what} ({figure})"


def main() -> None:
    """Print the figures, then each target as met or MISSED."""
    rdfc = CASES / "ob3-eddsa-rdfc-valid" / "input.json"
    jwt = CASES / "ob3-jwt-eddsa-valid" / "input.jwt"
    print("OB 3.0 verification, offline, fixed instant", AT)
    floor = ed25519_floor()
    ours_rdfc = in_process("ob3-eddsa-rdfc-valid")
    ours_sd = in_process(SD_CASE)
    ours_jwt = in_process("ob3-jwt-eddsa-valid")
    statements = sd_statements()
    print(f"  Ed25519 signature check (floor)          {floor:8.3f} ms")
    print(f"  obverify, eddsa-rdfc-2022, in process    {ours_rdfc:8.3f} ms (median warm)")
    print(f"  obverify, ecdsa-sd-2023 derived, in proc {ours_sd:8.3f} ms (median warm; {statements} statement"
          " signatures + the base signature)")
    print(f"  obverify, VC-JWT EdDSA, in process       {ours_jwt:8.3f} ms (median warm)")
    if "--in-process" in sys.argv[1:]:
        return
    node = node_figures(rdfc)
    if node is None:
        print("  Node verifier (@digitalbazaar/vc)         skipped: Node/npm or the packages are not available")
    else:
        print(f"  Node @digitalbazaar/vc, eddsa-rdfc-2022   {node[0]:8.3f} ms (median warm, in process)")
    process_rdfc, process_jwt = whole_process(rdfc), whole_process(jwt)
    print(f"  obverify verify --offline (process), rdfc {process_rdfc:8.1f} ms (median)")
    print(f"  obverify verify --offline (process), JWT  {process_jwt:8.1f} ms (median)")
    if node is not None:
        print(f"  node verifier script (process), rdfc      {node[1]:8.1f} ms (median)")
    print("targets (issue 5):")
    if node is not None:
        print(_verdict("eddsa-rdfc-2022 in process faster than the Node verifier", ours_rdfc < node[0],
                       f"{node[0] / ours_rdfc:.1f}x faster" if ours_rdfc < node[0] else f"{ours_rdfc:.2f} ms"))
    print(_verdict("whole `obverify verify` process under 200 ms, rdfc", process_rdfc < 200, f"{process_rdfc:.0f} ms"))
    print(_verdict("whole `obverify verify` process under 200 ms, VC-JWT", process_jwt < 200, f"{process_jwt:.0f} ms"))


if __name__ == "__main__":
    main()
