"""`obverify._engines.schemas`: bundled-only `$ref` resolution, our own messages, format checking, every OB 2.0
class."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from obverify._engines.schemas import (
    SchemaIssue,
    UnknownSchemaError,
    bundle,
    bundled_schema_ids,
    json_pointer,
    jsonschema_errors,
    schema_errors,
    subset_errors,
)

OB2 = "https://obverify.dev/schemas/ob2/"
CLASSES = [
    "assertion", "badgeclass", "profile", "issuer", "identity-object", "verification-object", "image", "criteria",
    "alignment-object", "evidence", "cryptographic-key", "revocation-list", "endorsement",
]


def _assertion() -> dict[str, Any]:
    return {
        "@context": "https://w3id.org/openbadges/v2",
        "type": "Assertion",
        "id": "https://issuer.example/a/1",
        "recipient": {"type": "email", "hashed": True, "identity": "sha256$" + "ab" * 32},
        "issuedOn": "2024-01-01T00:00:00Z",
        "badge": "https://issuer.example/b/1",
        "verification": {"type": "HostedBadge"},
    }


def test_every_ob2_class_has_a_bundled_schema() -> None:
    ids = set(bundled_schema_ids())
    for name in CLASSES:
        assert f"{OB2}{name}.json" in ids


def test_valid_assertion_has_no_issues() -> None:
    assert schema_errors(_assertion(), OB2 + "assertion.json") == []


def test_missing_required_property_is_named_with_pointer() -> None:
    doc = _assertion()
    del doc["issuedOn"]
    issues = schema_errors(doc, OB2 + "assertion.json")
    assert [i.path for i in issues] == [""]
    assert "'issuedOn'" in issues[0].message


def test_messages_never_quote_the_instance() -> None:
    marker = "MARKER-\x1b[31m-SECRET"
    doc = _assertion()
    doc["issuedOn"] = marker
    doc["recipient"]["identity"] = marker
    doc["badge"] = {"id": marker}
    issues = schema_errors(doc, OB2 + "assertion.json")
    assert issues
    for issue in issues:
        assert "MARKER" not in issue.message
        assert "MARKER" not in issue.path


@pytest.mark.parametrize("value", ["2024-01-01", "2024-01-01T00:00:00", "2024-13-45T25:61:61Z", 20240101])
def test_datetime_format_is_checked(value: object) -> None:
    doc = _assertion()
    doc["issuedOn"] = value
    assert [i.path for i in schema_errors(doc, OB2 + "assertion.json")] == ["/issuedOn"]


@pytest.mark.parametrize("identity", ["sha256$" + "ab" * 31, "sha1$" + "ab" * 20, "md5$" + "zz" * 16, "alice@x.test"])
def test_hashed_identity_shape(identity: str) -> None:
    doc = {"type": "email", "hashed": True, "identity": identity}
    assert schema_errors(doc, OB2 + "identity-object.json")


def test_uppercase_hex_hash_is_accepted() -> None:
    doc = {"type": "email", "hashed": True, "identity": "MD5$" + "AB" * 16}
    assert schema_errors(doc, OB2 + "identity-object.json") == []


def test_issuer_profile_needs_name_url_email_but_recipient_profile_does_not() -> None:
    profile = {"id": "https://i.example/p", "type": "Profile"}
    assert schema_errors(profile, OB2 + "profile.json") == []
    missing = {i.message.split("'")[1] for i in schema_errors(profile, OB2 + "issuer.json")}
    assert missing == {"name", "url", "email"}


def test_criteria_needs_id_or_narrative() -> None:
    assert schema_errors({"type": "Criteria"}, OB2 + "criteria.json")
    assert schema_errors({"narrative": "do it"}, OB2 + "criteria.json") == []


def test_revocation_list_entries() -> None:
    good = {"type": "RevocationList", "revokedAssertions": ["urn:uuid:1", {"id": "x", "revocationReason": "r"},
                                                           {"uid": "abc"}]}
    assert schema_errors(good, OB2 + "revocation-list.json") == []
    bad = {"type": "RevocationList", "revokedAssertions": [{"revocationReason": "no id"}, 5]}
    assert [i.path for i in schema_errors(bad, OB2 + "revocation-list.json")] == ["/revokedAssertions/0",
                                                                                    "/revokedAssertions/1"]


def test_unknown_schema_is_a_programmer_error() -> None:
    with pytest.raises(UnknownSchemaError):
        schema_errors({}, "https://obverify.dev/schemas/nope.json")


def test_deeply_nested_instance_is_an_issue_not_a_crash() -> None:
    deep: Any = "x"
    for _ in range(3000):
        deep = {"id": deep}
    doc = _assertion()
    doc["badge"] = deep
    assert schema_errors(doc, OB2 + "assertion.json")


def test_json_pointer_escapes() -> None:
    assert json_pointer(["a/b", "c~d", 0]) == "/a~1b/c~0d/0"
    assert json_pointer([]) == ""


# --- the subset interpreter agrees with jsonschema ----------------------------------------------------------

FIXTURES = Path(__file__).resolve().parents[2] / "fixtures" / "cases"


def _fixture_docs() -> list[dict[str, Any]]:
    """Every distinct JSON document of the OB 2.0 fixture cases."""
    docs: dict[str, dict[str, Any]] = {}
    for path in sorted(FIXTURES.glob("ob2-*/**/*.json")):
        value = json.loads(path.read_text())
        if isinstance(value, dict) and path.name not in ("index.json", "expected.json"):
            docs.setdefault(json.dumps(value, sort_keys=True), value)
    return list(docs.values())


DOCS = _fixture_docs()


def test_every_ob2_schema_runs_on_the_interpreter() -> None:
    for name in CLASSES:
        assert subset_errors({}, f"{OB2}{name}.json") is not None


def test_engines_agree_on_the_fixture_corpus() -> None:
    assert len(DOCS) > 50
    for doc in DOCS:
        for name in CLASSES:
            sid = f"{OB2}{name}.json"
            assert subset_errors(doc, sid) == jsonschema_errors(doc, sid), (name, doc.get("id"))


JSON_VALUES = st.recursive(
    st.none() | st.booleans() | st.integers(-3, 3) | st.floats(allow_nan=False, allow_infinity=False)
    | st.sampled_from(["", "x", "Assertion", "2024-01-01T00:00:00Z", "sha256$" + "a" * 64, "https://a.example/"]),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.sampled_from(["id", "type", "name"]), inner,
                                                                 max_size=3),
    max_leaves=6,
)


@given(st.integers(0, 10_000), st.sampled_from(CLASSES), JSON_VALUES)
def test_engines_agree_on_mutations(seed: int, name: str, value: Any) -> None:
    doc = DOCS[seed % len(DOCS)]
    mutated = dict(doc)
    keys = sorted(mutated)
    mutated[keys[seed % len(keys)]] = value
    sid = f"{OB2}{name}.json"
    assert subset_errors(mutated, sid) == jsonschema_errors(mutated, sid)


def test_every_bundled_schema_runs_on_the_interpreter() -> None:
    """OB 2.0 and OB 3.0 alike: the project's own schemas never need jsonschema (nor its import time)."""
    ids = bundled_schema_ids()
    assert len([sid for sid in ids if "/ob3/" in sid]) == 7
    for sid in ids:
        assert subset_errors({}, sid) is not None, sid


def _with_fake_schema(monkeypatch: pytest.MonkeyPatch, schema_id: str, schema: dict[str, Any]) -> None:
    real_schema, real_all = bundle.schema, bundle.schemas_by_id
    monkeypatch.setattr(bundle, "schema", lambda sid: schema if sid == schema_id else real_schema(sid))
    monkeypatch.setattr(bundle, "schemas_by_id", lambda: {**real_all(), schema_id: schema})


OUTSIDE: list[dict[str, Any]] = [
    {"maxItems": 1},  # an unknown keyword
    {"additionalProperties": {"type": "string"}},  # a keyword value the interpreter does not implement
    {"items": [{"type": "string"}]},  # draft-7 tuple form
    {"properties": {"a": False}},  # a false subschema
    {"type": "strng"},
    {"format": "hostname"},
    {"pattern": "("},
    {"anyOf": []},
    {"minItems": -1},
    {"required": "a"},
    {"properties": {"a": {"$id": "https://elsewhere.example/a.json", "type": "string"}}},
    {"$schema": "https://json-schema.org/draft/2019-09/schema"},
    {"$ref": "https://elsewhere.example/s.json"},
    {"$defs": {"x": {"maxItems": 1}}},
    {"oneOf": [{"$ref": "#/$defs/x"}], "$defs": {"x": {"not": {}}}},
]


@pytest.mark.parametrize("index", range(len(OUTSIDE)))
def test_the_interpreter_never_silently_passes_what_it_does_not_implement(
        monkeypatch: pytest.MonkeyPatch, index: int) -> None:
    sid = f"https://obverify.dev/schemas/test/outside-{index}.json"
    _with_fake_schema(monkeypatch, sid, {"$id": sid, **OUTSIDE[index]})
    assert subset_errors({}, sid) is None


def test_a_schema_outside_the_subset_runs_on_jsonschema_with_our_messages(monkeypatch: pytest.MonkeyPatch) -> None:
    sid = "https://obverify.dev/schemas/test/max-items.json"
    _with_fake_schema(monkeypatch, sid, {"$id": sid, "type": "object",
                                         "properties": {"a": {"type": "array", "maxItems": 1}}})
    assert subset_errors({}, sid) is None
    assert schema_errors({"a": ["MARKER", 2]}, sid) == [
        SchemaIssue("/a", f"fails 'maxItems' (schema {sid}#/properties/a/maxItems)")]
    assert schema_errors({"a": [1]}, sid) == []


def test_the_whole_subset_is_accepted(monkeypatch: pytest.MonkeyPatch) -> None:
    """The positive control of the refusals above: every keyword the interpreter implements, in one schema."""
    sid = "https://obverify.dev/schemas/test/inside.json"
    schema = {
        "$id": sid, "$schema": "https://json-schema.org/draft/2020-12/schema", "title": "t", "description": "d",
        "$comment": "c", "$defs": {"s": {"type": ["string", "null"], "minLength": 1, "pattern": "^2",
                                         "format": "date"}},
        "type": "object", "required": ["a"], "additionalProperties": False,
        "properties": {
            "a": {"type": "array", "minItems": 1, "prefixItems": [{"$ref": "#/$defs/s"}], "items": {"enum": [1]},
                  "contains": {"const": 1}},
            "b": {"anyOf": [{"type": "integer"}], "allOf": [True], "oneOf": [{"type": "number"}],
                  "if": {"type": "integer"}, "then": {"type": "number"}},
        },
    }
    _with_fake_schema(monkeypatch, sid, schema)
    good = {"a": ["2024-01-01", 1], "b": 3}
    assert subset_errors(good, sid) == jsonschema_errors(good, sid) == []
    bad = {"a": ["2024-02-30", "x"], "b": 1.5, "c": 0}
    assert subset_errors(bad, sid) == jsonschema_errors(bad, sid)
    assert [(i.path, i.message.split("'")[1]) for i in subset_errors(bad, sid) or []] == [
        ("/c", "additionalProperties"), ("/a", "contains"), ("/a/0", "format"), ("/a/1", "enum"), ("/b", "anyOf")]
