"""Property: JSON-LD-equivalent respellings of signed credentials never help an attacker (issue 10, problem 2).

Over every OB 3.0 fixture case signed with an RDFC suite (eddsa-rdfc-2022, ecdsa-rdfc-2019,
Ed25519Signature2020/2018), Hypothesis rewrites a few members the way JSON-LD reads as the same data:

- `absolute`: a key (at the top, or inside a nested node) under its absolute IRI, with its value in expanded
  form (what pyld's expansion of just that member gives, so the meaning is exactly the same);
- `keyword`: `id`/`type` written `@id`/`@type`;
- `value`: a date-time string written as a typed `{"@value", "@type"}` object;
- `wrap`: a value written as a one-element array (an accepted spelling).

Each respelling is checked to leave the canonical N-Quads unchanged, i.e. the signature still verifies; then:
the respelled credential is never valid when the original was not, never loses a revocation or expiry the
original had, and, when anything but `wrap` was applied, is refused (`schema_invalid`, or `input_invalid`
when its `type` itself is hidden).
"""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from obverify import DocumentStore, verify
from obverify._core.timeparse import parse_datetime
from obverify._engines.jsonld import canonize
from obverify._engines.jsonld.fence import Processor as _Processor
from obverify._engines.jsonld.processing import _LoaderState as LoaderState
from obverify._engines.jsonld.processing import _options

CASES = Path(__file__).resolve().parents[2] / "fixtures" / "cases"
XSD_DATETIME = "http://www.w3.org/2001/XMLSchema#dateTime"
RDFC = {"eddsa-rdfc-2022", "eddsa-2022", "ecdsa-rdfc-2019"}
DATES = {"validFrom", "validUntil", "issuanceDate", "expirationDate", "awardedDate"}


def _rdfc_case(case: Path) -> bool:
    path = case / "input.json"
    if not case.name.startswith("ob3-") or case.name.startswith("ob3-spelling-") or not path.is_file():
        return False
    doc = json.loads(path.read_text())
    contexts = doc.get("@context") if isinstance(doc, dict) else None
    if isinstance(contexts, list) and len({json.dumps(c) for c in contexts}) != len(contexts):
        return False  # a repeated @context entry is refused before any JSON-LD work (ob3-context-alias-flood-*)
    proofs = doc.get("proof") if isinstance(doc, dict) else None
    proofs = proofs if isinstance(proofs, list) else [proofs] if isinstance(proofs, dict) else []
    return bool(proofs) and all(isinstance(p, dict) and (p.get("cryptosuite") in RDFC or p.get("type") in (
        "Ed25519Signature2020", "Ed25519Signature2018")) for p in proofs)


SIGNED = sorted(c.name for c in CASES.iterdir() if _rdfc_case(c))


def _run(case: str, doc: dict[str, Any]) -> Any:
    expected = json.loads((CASES / case / "expected.json").read_text())
    store = DocumentStore.from_directory(CASES / case / "documents")
    return verify(json.dumps(doc).encode(), at=parse_datetime(expected["at"]), loader=store,
                  recipients=expected.get("recipients", []))


def _nquads(doc: dict[str, Any]) -> str:
    return canonize({k: v for k, v in doc.items() if k != "proof"}, None)


def _nodes(doc: dict[str, Any]) -> list[list[str]]:
    """Paths (keys only) of the nested objects of the unsecured document, the document itself first."""
    found: list[list[str]] = [[]]
    stack: list[tuple[Any, list[str]]] = [(doc, [])]
    while stack:
        node, path = stack.pop()
        for key, value in node.items():
            if key in ("proof", "@context") or not isinstance(value, dict):
                continue
            found.append([*path, key])
            stack.append((value, [*path, key]))
    return found


def _at(doc: dict[str, Any], path: list[str]) -> dict[str, Any]:
    node = doc
    for key in path:
        node = node[key]
    return node


def _absolute(doc: dict[str, Any], path: list[str], key: str) -> dict[str, Any] | None:
    """`doc` with `key` of the node at `path` under its absolute IRI and its value in expanded form."""
    probe: dict[str, Any] = {"@context": doc["@context"]}
    inner = probe
    node = doc
    for step in path:
        if "type" in node:
            inner["type"] = node["type"]
        node = node[step]
        inner[step] = {}
        inner = inner[step]
    if "type" in node and key != "type":
        inner["type"] = node["type"]
    inner[key] = node[key]
    expanded = _Processor().expand(probe, _options(None, "test", LoaderState()))
    if not isinstance(expanded, list) or len(expanded) != 1:
        return None
    target = expanded[0]
    for _ in path:
        iris = [k for k in target if not k.startswith("@")]
        if len(iris) != 1 or len(target[iris[0]]) != 1:
            return None
        target = target[iris[0]][0]
    iris = [k for k in target if not k.startswith("@")]
    if len(iris) != 1:
        return None
    out = copy.deepcopy(doc)
    holder = _at(out, path)
    rebuilt = {(iris[0] if k == key else k): (target[iris[0]] if k == key else v) for k, v in holder.items()}
    holder.clear()
    holder.update(rebuilt)
    return out


@st.composite
def respellings(draw: st.DrawFn) -> tuple[str, dict[str, Any], dict[str, Any], set[str]]:
    case = draw(st.sampled_from(SIGNED))
    original = json.loads((CASES / case / "input.json").read_text())
    doc = copy.deepcopy(original)
    kinds: set[str] = set()
    for _ in range(draw(st.integers(1, 3))):
        path = draw(st.sampled_from(_nodes(doc)))
        node = _at(doc, path)
        keys = [k for k in node if k not in ("@context", "proof") and not k.startswith("@") and ":" not in k]
        if not keys:
            continue
        key = draw(st.sampled_from(sorted(keys)))
        kind = draw(st.sampled_from(["absolute", "keyword", "value", "wrap"]))
        if kind == "absolute" and key not in ("id", "type"):
            changed = _absolute(doc, path, key)
            if changed is None:
                continue
            doc = changed
        elif kind == "keyword" and key in ("id", "type"):
            node[f"@{key}"] = node.pop(key)
        elif kind == "value" and key in DATES and isinstance(node[key], str):
            node[key] = {"@value": node[key], "@type": XSD_DATETIME}
        elif kind == "wrap" and not isinstance(node[key], list) and key != "id":
            node[key] = [node[key]]
        else:
            continue
        kinds.add(kind)
    return case, original, doc, kinds


@pytest.mark.skipif(not SIGNED, reason="no RDFC-signed OB 3.0 fixture cases")
@settings(suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much], deadline=None)
@given(respellings())
def test_respelling_never_helps(drawn: tuple[str, dict[str, Any], dict[str, Any], set[str]]) -> None:
    case, original, respelled, kinds = drawn
    assume(kinds)
    assert _nquads(original) == _nquads(respelled), "the respelling must be JSON-LD-equivalent (same signature)"
    before = _run(case, original)
    after = _run(case, respelled)
    detail = f"{case} {sorted(kinds)}: {after.to_json()}"
    if not before.valid:
        assert not after.valid, detail
    if before.revoked is True:
        assert after.revoked is True, detail
    if before.expired is True:
        assert after.expired is True, detail
    if kinds - {"wrap"}:
        assert not after.valid, detail
        assert {"schema_invalid", "input_invalid"} & set(after.codes()), detail
