"""What is checked is what is signed (`obverify._engines.spelling`, `obverify._ob3.meaning`; issue 10, problem 2).

The signed attack cases live in `fixtures/cases/ob3-spelling-*` (made by `fixtures/gen/ob3_spelling.py`, which
asserts each respelling keeps the signed RDF) and the Hypothesis invariants in
`tests/property/test_spelling_properties.py`; here: the comparison itself, the accepted differences, the
bundled contexts' term collisions, the alias a holder can bring in a context of its own, the work bounds,
and that the per-run expansion memo never crosses runs.
"""

from __future__ import annotations

import copy
import json
from collections import defaultdict
from pathlib import Path
from typing import Any

import pytest

import obverify._engines.jsonld as jsonld_module
from obverify import DocumentStore, verify
from obverify._core.errors import Code
from obverify._core.policy import DEFAULT_POLICY, VerificationPolicy
from obverify._core.timeparse import parse_datetime
from obverify._engines.contexts import bundled_context
from obverify._engines.jsonld import JsonLdProcessingError, compact_round_trip
from obverify._engines.spelling import PROPERTY_CLASS, aliases, differences, reshaped

MAX_JSONLD_VALUES = DEFAULT_POLICY.max_jsonld_values

CASES = Path(__file__).resolve().parents[2] / "fixtures" / "cases"
AT = parse_datetime("2026-01-01T00:00:00Z")
VC2 = "https://www.w3.org/ns/credentials/v2"
VC1 = "https://www.w3.org/2018/credentials/v1"
OB3 = "https://purl.imsglobal.org/spec/ob/v3p0/"
CRED = "https://www.w3.org/2018/credentials#"


def _case(name: str) -> tuple[dict[str, Any], DocumentStore]:
    doc = json.loads((CASES / name / "input.json").read_text())
    return doc, DocumentStore.from_directory(CASES / name / "documents")


def _unsigned(name: str) -> dict[str, Any]:
    doc, _ = _case(name)
    return {k: v for k, v in doc.items() if k != "proof"}


# --- the comparison ---------------------------------------------------------------------------------------


def test_a_compact_credential_has_no_differences() -> None:
    doc = _unsigned("ob3-eddsa-rdfc-valid")
    compacted, pinned = compact_round_trip(doc, None)
    assert pinned is None  # every context bundled
    assert differences(doc, compacted) == []


def test_a_document_with_no_bundled_context_reads_under_none() -> None:
    """Only inline contexts: the form "under the bundled contexts alone" is the form under no context at all.

    It was a `proof_invalid` "JSON-LD processing failed (KeyError)" (pyld 3.x cannot compact under the empty list
    `[]`), so such a document's meaning could never be established; found by the corpus contract test
    tests/conformance/test_jsonld_fence_equals_plain_pyld.py (the OB 2.0 cases with the v2 context inline).
    """
    doc = {"@context": {"id": "@id", "type": "@type", "Thing": "https://schema.org/Thing",
                        "name": "https://schema.org/name"},
           "id": "https://issuer.example/things/1", "type": "Thing", "name": "one"}
    compacted, pinned = compact_round_trip(doc, None)
    assert differences(doc, compacted) == []
    assert pinned == {"@id": "https://issuer.example/things/1", "@type": "https://schema.org/Thing",
                      "https://schema.org/name": "one"}
    assert aliases(compacted, pinned) == []  # absolute IRIs: no bundled term is aliased


@pytest.mark.parametrize(("change", "path"), [
    (lambda d: d.update({CRED + "validFrom": d.pop("validFrom")}), "/https:~1~1www.w3.org~12018~1credentials"
                                                                   "#validFrom"),
    (lambda d: d["issuer"].update({"@id": d["issuer"].pop("id")}), "/issuer/@id"),
    (lambda d: d.update({"@type": d.pop("type")}), "/@type"),
    (lambda d: d.update({"validFrom": {"@value": d["validFrom"],
                                       "@type": "http://www.w3.org/2001/XMLSchema#dateTime"}}), "/validFrom"),
])
def test_each_other_spelling_is_named(change: Any, path: str) -> None:
    doc = _unsigned("ob3-eddsa-rdfc-valid")
    change(doc)
    compacted, _ = compact_round_trip(doc, None)
    found = differences(doc, compacted)
    assert [d.path for d in found if not d.undefined][:1] == [path], found


def test_one_element_arrays_and_embedded_contexts_are_no_difference() -> None:
    doc = _unsigned("ob3-eddsa-rdfc-valid")
    doc["name"] = [doc["name"]]
    doc["credentialSubject"] = {"@context": doc["@context"], **doc["credentialSubject"]}
    compacted, _ = compact_round_trip(doc, None)
    assert differences(doc, compacted) == []
    # and the checks read the value the array of one means
    assert reshaped(doc, compacted)["name"] == "Fixture Badge"


def test_undefined_names_and_nulls_are_marked_undefined() -> None:
    doc = _unsigned("ob3-eddsa-rdfc-valid")
    doc["credentialSubject"]["achievement"]["endorsementJwt"] = ["x.y.z"]  # in no OB 3.0 context
    doc["description"] = None
    compacted, _ = compact_round_trip(doc, None)
    found = differences(doc, compacted)
    assert sorted(d.path for d in found) == ["/credentialSubject/achievement/endorsementJwt", "/description"]
    assert all(d.undefined for d in found)


def test_class_names_are_accepted_only_where_the_checks_read_the_property() -> None:
    doc = _unsigned("ob3-eddsa-rdfc-valid")
    doc["credentialSubject"]["achievement"]["criteria"]["type"] = "Criteria"  # compaction writes "criteria"
    compacted, _ = compact_round_trip(doc, None)
    assert differences(doc, compacted) == []
    for prop, cls in PROPERTY_CLASS:
        assert differences({cls: {}}, {cls: {}})[0].message.endswith(f"written {prop}")


def test_the_bundled_ob3_contexts_give_no_other_two_terms_one_iri() -> None:
    """`PROPERTY_CLASS` holds every pair of terms the VC + OB 3.0 contexts map to one IRI (in one scope)."""

    def collect(ctx: Any, scope: tuple[str, ...], out: dict[Any, dict[str, set[str]]]) -> None:
        if isinstance(ctx, list):
            for c in ctx:
                collect(c, scope, out)
        elif isinstance(ctx, str):
            document = bundled_context(ctx)
            assert isinstance(document, dict)
            collect(document["@context"], scope, out)
        elif isinstance(ctx, dict):
            for term, definition in ctx.items():
                if term.startswith("@"):
                    continue
                iri = definition if isinstance(definition, str) else (
                    definition.get("@id") if isinstance(definition, dict) else None)
                if isinstance(iri, str) and ":" in iri:
                    out[scope].setdefault(iri, set()).add(term)
                if isinstance(definition, dict) and "@context" in definition:
                    collect(definition["@context"], (*scope, term), out)

    pairs: set[frozenset[str]] = set()
    versions = [f"{OB3}context.json"] + [f"{OB3}context-3.0.{n}.json" for n in range(4)]
    for ob in (v for v in versions if bundled_context(v) is not None):
        for vc in (VC2, VC1):
            out: dict[Any, dict[str, set[str]]] = defaultdict(dict)
            collect([vc, ob], (), out)
            for mapping in out.values():
                for iri, terms in mapping.items():
                    every = terms | out[()].get(iri, set())
                    if len(every) > 1:
                        pairs.add(frozenset(every))
    assert pairs <= {frozenset(p) for p in PROPERTY_CLASS}, pairs


# --- through verify -----------------------------------------------------------------------------------------


def test_a_holder_cannot_bring_an_alias_context_to_an_rdfc_credential() -> None:
    """The context list is not signed RDF: a holder adds a context defining `status` as credentialStatus (served
    by the trusted store, or allowed remote contexts), then writes the entry under `status`. Compaction prefers
    the shorter alias, so only the comparison under the bundled contexts alone finds it."""
    doc, store = _case("ob3-status-bitstring-revoked")
    alias = "https://contexts.example/alias.json"
    attacked = {("status" if k == "credentialStatus" else k): v for k, v in doc.items()}
    attacked["@context"] = [*doc["@context"], alias]
    stored = {alias: json.dumps({"@context": {"status": {"@id": CRED + "credentialStatus", "@type": "@id"}}})}
    status_url = "https://status.example/lists/1"
    stored[status_url] = store.load(status_url).content.decode()
    report = verify(json.dumps(attacked).encode(), at=AT, loader=DocumentStore(
        {u: c.encode() for u, c in stored.items()}))
    assert "proof_invalid" not in report.codes()  # the signature still verifies: the attack is real
    assert not report.valid
    assert "schema_invalid" in report.codes()
    assert report.revoked is True  # read under the pinned vocabulary
    assert any("alias" in f.message and f.path == "/status" for f in report.errors), report.to_json()


def test_a_respelled_type_is_still_recognised_and_refused() -> None:
    doc, store = _case("ob3-status-bitstring-revoked")
    doc["@type"] = doc.pop("type")
    report = verify(json.dumps(doc).encode(), at=AT, loader=store)
    assert report.codes().count("schema_invalid") >= 1
    assert report.revoked is True


def test_the_expansion_memo_never_crosses_runs() -> None:
    """The same dict verified twice, changed in place in between: the second run must see the change."""
    doc, store = _case("ob3-eddsa-rdfc-valid")
    assert verify(doc, at=AT, loader=store).valid
    doc["credentialSubject"]["achievement"]["name"] = "Tampered in place"
    assert "proof_invalid" in verify(doc, at=AT, loader=store).codes()


# --- bounds -------------------------------------------------------------------------------------------------


def test_a_document_past_the_value_cap_is_refused_before_the_work() -> None:
    doc = _unsigned("ob3-eddsa-rdfc-valid")
    doc["credentialSubject"]["achievement"]["tag"] = ["t"] * (MAX_JSONLD_VALUES + 1)
    with pytest.raises(JsonLdProcessingError) as refused:
        compact_round_trip(doc, None)
    assert refused.value.code == Code.SCHEMA_INVALID
    assert f"{MAX_JSONLD_VALUES:,}" in refused.value.message


def test_the_round_trip_has_its_own_run_budget() -> None:
    doc, store = _case("ob3-eddsa-rdfc-valid")
    policy = VerificationPolicy(jsonld_values_per_verification=10)
    report = verify(copy.deepcopy(doc), at=AT, loader=store, policy=policy)
    assert not report.valid
    refusals = [f for f in report.errors if "what this one's keys mean is not checked" in f.message]
    assert refusals, report.to_json()
    assert refusals[0].code == "schema_invalid"
    assert report.revoked is None  # its meaning unknown: never "not revoked"
    assert report.expired is None


# --- OB 2.0 on the exact v2 context (read as is, so held to the rule without JSON-LD processing) -------------


def _hosted_with(change: Any) -> Any:
    case = CASES / "ob2-hosted-valid"
    index = json.loads((case / "documents" / "index.json").read_text())
    docs = {url: (case / "documents" / name).read_bytes() for url, name in index.items()}
    assertion = json.loads(docs["https://issuer.example/assertions/1"])
    change(assertion)
    docs["https://issuer.example/assertions/1"] = json.dumps(assertion).encode()
    return verify(json.dumps(assertion).encode(), at=parse_datetime("2024-06-01T00:00:00Z"),
                  loader=DocumentStore(docs), recipients=["alice@example.org"])


@pytest.mark.parametrize("key", ["https://w3id.org/security#expiration", "sec:expiration"])
def test_an_ob2_term_written_as_its_iri_is_refused(key: str) -> None:
    report = _hosted_with(lambda a: a.update({key: "2024-03-01T00:00:00Z"}))
    assert not report.valid
    assert any(f.code == "schema_invalid" and "the OB v2 term expires" in f.message for f in report.errors), \
        report.to_json()


def test_an_ob2_value_object_is_refused_and_read_by_its_meaning() -> None:
    report = _hosted_with(lambda a: a.update({"expires": {
        "@value": "2024-03-01T00:00:00Z", "@type": "http://www.w3.org/2001/XMLSchema#dateTime"}}))
    assert "schema_invalid" in report.codes()
    assert report.expired is True  # compacted into the v2 context, the expiry is read


def test_a_plain_ob2_document_never_needs_json_ld_processing() -> None:
    assert _hosted_with(lambda a: None).valid


def test_a_respelled_status_list_is_refused_on_its_own_too() -> None:
    from obverify import verify_status_list

    folder = CASES / "ob3-spelling-status-list-validuntil-iri" / "documents"
    listed = (folder / "doc00.json").read_bytes()
    report = verify_status_list(listed, at=AT, loader=DocumentStore())
    assert report.codes() == ["schema_invalid"], report.to_json()
    assert "validUntil" in report.errors[0].message


def test_a_relative_id_is_named_as_such() -> None:
    doc = _unsigned("ob3-eddsa-rdfc-valid")
    doc["id"] = "badge-1"
    compacted, _ = compact_round_trip(doc, None)
    assert [d.message for d in differences(doc, compacted, relative_base=jsonld_module.RELATIVE_BASE)] == [
        "badge-1 is not an absolute IRI (JSON-LD resolves it against a base the document does not have)"]
