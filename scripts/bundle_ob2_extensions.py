"""Bundle the well-known OB 2.0 extension contexts and schemas (issue 15 class 11), pinned like the core contexts.

Why: OB 2.0 "Extensions" validates an extension node against the JSON Schema its context names
(`obi:validation` / `obi:validationSchema`). Fetching them at verification time would make every badge with an
extension depend on openbadgespec.org, and let whoever answers there decide what is valid. No registry package
distributes them, so their provenance is the published 1EdTech/openbadges-specification tree (commit
1af145ff2dc6, `ob_v2p0/extensions/`), read here from a reference copy of it (`OBVERIFY_SPEC_DIR`, as the tests
read it):

- contexts: an entry of `schemas/contexts/index.json` that was fetch-pinned (`"file": null` with the RFC 8785
  hash of the published document) becomes bundled only when the reference copy has exactly that hash; it is
  stored compact (our own bytes), with its SHA-256, and keeps `published` and `jcs_sha256`;
- schemas: `schemas/ob2-extensions/index.json` maps each published URL (openbadgespec.org and w3id.org
  spellings) to a compact copy, its SHA-256 and its provenance; the reference copy must have the SHA-256 its
  sources list records for the upstream file.

Usage: OBVERIFY_SPEC_DIR=../shared/spec python scripts/bundle_ob2_extensions.py [--check]
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import sys
from pathlib import Path
from typing import Any

import rfc8785

ROOT = Path(__file__).resolve().parents[1]
CONTEXTS = ROOT / "schemas" / "contexts"
SCHEMAS = ROOT / "schemas" / "ob2-extensions"
COMMIT = "1af145ff2dc6"


def _compact(value: Any) -> bytes:
    return json.dumps(value, separators=(",", ":"), ensure_ascii=False).encode("utf-8")


def _contexts(spec: Path, index: dict[str, Any]) -> dict[str, bytes]:
    ref_index = json.loads((spec / "contexts" / "index.json").read_text("utf-8"))
    files: dict[str, bytes] = {}
    for url, entry in index.items():
        if "/extensions/" not in url or "context-3.0.0" in url or url.endswith("/v3p0/extensions.json"):
            continue
        if entry.get("file") is None and not entry.get("jcs_sha256"):
            continue
        reference = json.loads((spec / "contexts" / ref_index[url]).read_text("utf-8"))
        pin = entry.get("jcs_sha256")
        if hashlib.sha256(rfc8785.dumps(reference)).hexdigest() != pin:
            raise SystemExit(f"{url}: the reference copy is not the published document pinned in index.json")
        raw = _compact(reference)
        name = "ob2_extension_" + url.split("/extensions/", 1)[1].replace("/", "_")
        if files.get(name, raw) != raw:  # the openbadgespec.org and w3id.org spellings share one file
            raise SystemExit(f"{url}: differs from the other spelling of the same context")
        files[name] = raw
        entry.update({
            "file": name, "sha256": hashlib.sha256(raw).hexdigest(), "fetch": False,
            "licence": "no licence file; documents carry the 1EdTech (IMS Global) copyright and specification"
                       " licence notice",
            "note": "bundled (issue 15): the published document (its RFC 8785 hash equals jcs_sha256), stored "
                    "compact",
        })
    return files


def _schemas(spec: Path) -> tuple[dict[str, Any], dict[str, bytes]]:
    ref_index = json.loads((spec / "schemas" / "index.json").read_text("utf-8"))
    sources = json.loads((spec / "schemas" / "sources.json").read_text("utf-8"))
    index: dict[str, Any] = {}
    files: dict[str, bytes] = {}
    for url, rel in sorted(ref_index.items()):
        if not rel.startswith("extensions/ob2-"):
            continue
        source = sources[rel]
        upstream = (spec / "schemas" / rel).read_bytes()
        if hashlib.sha256(upstream).hexdigest() != source["sha256"]:
            raise SystemExit(f"{url}: the reference copy is not the upstream file its sources list")
        raw = _compact(json.loads(upstream))
        name = rel.removeprefix("extensions/")
        files[name] = raw
        index[url] = {
            "file": name, "sha256": hashlib.sha256(raw).hexdigest(),
            "published": f"{source['repository']}@{COMMIT}:{source['path']}",
            "upstream_sha256": source["sha256"], "licence": source["licence"],
        }
    return index, files


def main() -> int:
    """Write (or with --check, compare) the bundled extension contexts and schemas."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="fail if the committed files differ")
    args = parser.parse_args()
    spec = Path(os.environ.get("OBVERIFY_SPEC_DIR", ROOT.parent / "shared" / "spec"))
    index = json.loads((CONTEXTS / "index.json").read_text("utf-8"))
    context_files = _contexts(spec, index)
    schema_index, schema_files = _schemas(spec)
    outputs: dict[Path, bytes] = {CONTEXTS / n: b for n, b in context_files.items()}
    outputs.update({SCHEMAS / n: b for n, b in schema_files.items()})
    outputs[CONTEXTS / "index.json"] = (json.dumps(index, indent=1, ensure_ascii=False) + "\n").encode("utf-8")
    outputs[SCHEMAS / "index.json"] = (json.dumps(schema_index, indent=1, ensure_ascii=False) + "\n").encode("utf-8")
    stale = [p for p, b in outputs.items() if not p.is_file() or p.read_bytes() != b]
    if args.check:
        for path in stale:
            print(f"differs: {path.relative_to(ROOT)}", file=sys.stderr)
        return 1 if stale else 0
    SCHEMAS.mkdir(exist_ok=True)
    for path in stale:
        path.write_bytes(outputs[path])
    return 0


if __name__ == "__main__":
    sys.exit(main())
