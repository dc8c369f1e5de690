"""Hypothesis over `import_badge` (issue 12): mutated badges never raise, and a mutated signed credential
never imports.

The request body of a backpack import is the attacker's: every field of a real badge is replaced by an
arbitrary JSON value, or a field is added, and the import must still end in a well-formed envelope. For an
OB 3.0 credential signed with eddsa-jcs-2022 any change to the signed JSON must keep it out of the backpack.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from obverify import DocumentStore, import_badge
from obverify._core.timeparse import parse_datetime

CASES = Path(__file__).resolve().parents[2] / "fixtures" / "cases"
ENVELOPE_KEYS = {"status", "result", "timestamp", "validationErrors", "nonFieldErrors", "fieldErrors", "errorCode",
                 "warnings"}

_json = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=30),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=8), inner, max_size=3),
    max_leaves=8,
)


def _case(name: str) -> tuple[dict[str, Any], DocumentStore, Any]:
    case = CASES / name
    expected = json.loads((case / "expected.json").read_text())
    return (json.loads((case / expected["input"]).read_text()), DocumentStore.from_directory(case / "documents"),
            parse_datetime(expected["at"]))


def _mutate(doc: dict[str, Any], data: st.DataObject) -> dict[str, Any]:
    out: dict[str, Any] = json.loads(json.dumps(doc))
    target = out
    if "credentialSubject" in out and data.draw(st.booleans()):
        target = out["credentialSubject"]
    key = data.draw(st.sampled_from([*sorted(target), "extra"]))
    target[key] = data.draw(_json.filter(lambda v: v != target.get(key)))
    return out


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data())
def test_a_mutated_signed_credential_never_imports(data: st.DataObject) -> None:
    credential, store, at = _case("ob3-eddsa-jcs-valid")
    mutated = _mutate(credential, data)
    as_text = data.draw(st.booleans())
    result = import_badge(assertion=json.dumps(mutated) if as_text else mutated,
                          recipient_profile={"email": ["learner@example.org"]}, at=at, loader=store)
    env = result.to_envelope()
    assert set(env) == ENVELOPE_KEYS
    json.dumps(env, allow_nan=False)
    assert result.ok is False, mutated
    assert env["result"] == []


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data())
def test_a_mutated_hosted_pointer_never_raises_and_imports_only_the_hosted_copy(data: st.DataObject) -> None:
    assertion, store, at = _case("ob2-hosted-valid")
    hosted = store.load(assertion["id"]).content.decode()
    mutated = _mutate(assertion, data)
    result = import_badge(assertion=mutated, recipient_profile={"email": ["alice@example.org"]}, at=at, loader=store)
    env = result.to_envelope()
    assert set(env) == ENVELOPE_KEYS
    json.dumps(env, allow_nan=False)
    if result.ok:  # only the verified copy at the badge's id is ever imported, whatever the pointer said
        assert result.assertion is not None
        assert result.assertion.original_json == hosted
        assert result.dedupe_key == assertion["id"]
