"""`obverify.ob3.minischema` gives the same verdict as `jsonschema` on the project's OB 3.0 schemas.

Differential test: the fixture credentials, the interop corpus (when `OBVERIFY_INTEROP_DIR` is set), and
Hypothesis mutations of a complete credential are judged by both engines against every schema in
`schemas/ob3/`; the verdicts and the instance locations of the faults must agree.
"""

from __future__ import annotations

import base64
import copy
import json
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from obverify.ob3.minischema import _schemas, evaluate, known_schema
from obverify.schemas import schema_errors

CASES = Path(__file__).resolve().parents[2] / "fixtures" / "cases"
SCHEMA_IDS = sorted(_schemas())


def _credentials_in(paths: list[Path]) -> list[dict[str, Any]]:
    out = []
    for path in paths:
        raw = path.read_bytes()
        try:
            if path.suffix == ".jwt":
                segment = raw.decode().strip().split(".")[1]
                value = json.loads(base64.urlsafe_b64decode(segment + "=" * (-len(segment) % 4)))
                value = value.get("vc", value)
            else:
                value = json.loads(raw)
        except (ValueError, IndexError):
            continue
        if isinstance(value, dict):
            out.append(value)
    return out


def agree(instance: Any) -> None:
    for schema_id in SCHEMA_IDS:
        ours = evaluate(instance, schema_id)
        theirs = schema_errors(instance, schema_id)
        assert (not ours) == (not theirs), (schema_id, ours, [i.path for i in theirs])


def test_all_own_schemas_are_known() -> None:
    assert len(SCHEMA_IDS) == 7
    assert known_schema("https://obverify.invalid/schemas/ob3/anyachievementcredential.json")


def test_fixture_credentials() -> None:
    creds = _credentials_in(sorted(CASES.glob("ob3-*/input.json")) + sorted(CASES.glob("ob3-*/input.jwt")))
    assert len(creds) >= 40
    for credential in creds:
        agree(credential)


def test_interop_corpus(interop_dir: Path) -> None:
    manifest = json.loads((interop_dir / "manifest.json").read_text())
    files = [interop_dir / e["file"] for e in manifest["cases"]
             if e["kind"] in ("ob3-credential", "ob3-endorsement", "ob3-jwt", "vc-other")]
    creds = _credentials_in(files)
    assert len(creds) >= 140
    for credential in creds:
        agree(credential)
        for key in ("proof", "type", "credentialSchema", "termsOfUse"):
            if key in credential and not isinstance(credential[key], list):
                credential[key] = [credential[key]]
        agree(credential)


BASE: dict[str, Any] = json.loads((CASES / "ob3-eddsa-rdfc-valid" / "input.json").read_text()) if (
    CASES / "ob3-eddsa-rdfc-valid" / "input.json").is_file() else {}
leaf = st.one_of(st.none(), st.booleans(), st.integers(-3, 3), st.floats(allow_nan=False, allow_infinity=False),
                 st.sampled_from(["", "Image", "Achievement", "2025-01-01T00:00:00Z", "2025-13-01T00:00:00Z",
                                  "2025-01-01", "ext:Local", "ext:", "Program", "VerifiableCredential",
                                  "https://www.w3.org/ns/credentials/v2", "IdentityObject", "emailAddress"]))
json_values = st.recursive(leaf, lambda inner: st.one_of(st.lists(inner, max_size=3),
                                                         st.dictionaries(st.sampled_from(
                                                             ["id", "type", "name", "x"]), inner, max_size=3)),
                           max_leaves=6)


def _paths(node: Any, at: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    out = [at]
    if isinstance(node, dict):
        for k, v in node.items():
            out.extend(_paths(v, (*at, k)))
    elif isinstance(node, list):
        for i, v in enumerate(node):
            out.extend(_paths(v, (*at, i)))
    return out


@pytest.mark.skipif(not BASE, reason="fixtures not generated")
@given(st.data())
def test_mutations(data: st.DataObject) -> None:
    credential = copy.deepcopy(BASE)
    for _ in range(data.draw(st.integers(1, 3))):
        paths = [p for p in _paths(credential) if p]
        path = data.draw(st.sampled_from(paths))
        parent = credential
        for part in path[:-1]:
            parent = parent[part]
        if data.draw(st.booleans()) and isinstance(parent, dict):
            del parent[path[-1]]
        else:
            parent[path[-1]] = data.draw(json_values)
    agree(credential)
