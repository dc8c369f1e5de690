"""`obverify._engines.schemas`' own interpreter gives the same issues as `jsonschema` on the project's OB 3.0 schemas.

Differential test: the fixture credentials, the interop corpus (when `OBVERIFY_INTEROP_DIR` is set), and
Hypothesis mutations of a complete credential are judged by both engines against every schema in
`schemas/ob3/`; the issue lists (instance location, keyword, schema location, message) must be equal, so the
verdicts agree too. A subprocess checks that verifying an OB 3.0 credential from the command line never
imports jsonschema, which is why the interpreter exists.
"""

from __future__ import annotations

import base64
import copy
import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from obverify._engines.schemas import bundled_schema_ids, jsonschema_errors, subset_errors
from obverify._ob3.validate import DEFAULT_FOR_KIND, OFFICIAL_TO_OWN, OWN

CASES = Path(__file__).resolve().parents[2] / "fixtures" / "cases"
SCHEMA_IDS = [sid for sid in bundled_schema_ids() if sid.startswith(OWN)]
BASE: dict[str, Any] = json.loads((CASES / "ob3-eddsa-rdfc-valid" / "input.json").read_text()) if (
    CASES / "ob3-eddsa-rdfc-valid" / "input.json").is_file() else {}


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
        ours = subset_errors(instance, schema_id)
        theirs = jsonschema_errors(instance, schema_id)
        assert ours is not None, schema_id
        assert (not ours) == (not theirs), (schema_id, [i.path for i in ours], [i.path for i in theirs])
        assert ours == theirs, schema_id


def test_all_own_schemas_are_known_and_run_on_the_interpreter() -> None:
    assert len(SCHEMA_IDS) == 7
    assert "https://obverify.invalid/schemas/ob3/anyachievementcredential.json" in SCHEMA_IDS
    used = set(OFFICIAL_TO_OWN.values()) | set(DEFAULT_FOR_KIND.values())
    assert used <= set(SCHEMA_IDS)
    for schema_id in SCHEMA_IDS:
        assert subset_errors({}, schema_id) is not None, schema_id


@pytest.mark.skipif(not BASE, reason="fixtures not generated")
def test_unexpected_members_are_located_at_them_and_never_quoted() -> None:
    """`additionalProperties: false` yields one issue per unexpected member, at its own (escaped) path."""
    credential = copy.deepcopy(BASE)
    identity = credential["credentialSubject"]["identifier"][0]
    identity["MARKER\x1b[31m/x"] = 1
    identity["other"] = None
    schema_id = OWN + "achievementcredential.json"  # the "any" schemas wrap both data models in one oneOf
    issues = subset_errors(credential, schema_id)
    assert issues is not None
    assert issues == jsonschema_errors(credential, schema_id)
    assert [i.path for i in issues] == ["/credentialSubject/identifier/0/MARKER\x1b[31m~1x",
                                        "/credentialSubject/identifier/0/other"]
    for issue in issues:
        assert issue.message.startswith(f"fails 'additionalProperties' (schema {schema_id}#/properties/")
        assert "MARKER" not in issue.message


def test_fixture_credentials() -> None:
    creds = _credentials_in(sorted(CASES.glob("ob3-*/input.json")) + sorted(CASES.glob("ob3-*/input.jwt")))
    assert len(creds) >= 40
    for credential in creds:
        agree(credential)


def test_cli_verifies_ob3_against_default_and_declared_official_schemas() -> None:
    """The command line checks OB 3.0 credentials against the default and a declared official schema."""
    runs = []
    for case in ("ob3-eddsa-rdfc-valid", "ob3-credential-schema-invalid"):
        folder = CASES / case
        runs.append(f"main(['verify', {str(folder / 'input.json')!r}, '--offline', '--json', '--at', "
                    f"'2026-01-01T00:00:00Z', '--documents', {str(folder / 'documents')!r}])")
    code = (
        "import sys, json, io, contextlib\n"
        "from obverify.cli import main\n"
        "for run in RUNS:\n"
        "    buf = io.StringIO()\n"
        "    with contextlib.redirect_stdout(buf):\n"
        "        status = eval(run)\n"
        "    print(status, sorted({e['code'] for e in json.loads(buf.getvalue())['errors']}))\n"
    ).replace("RUNS", repr(runs))
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120, check=False)
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.splitlines() == ["0 []", "1 ['schema_invalid']"]


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
