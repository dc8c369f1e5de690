"""The work bounds of JSON-LD processing: `max_jsonld_values` and `max_node_map_comparisons` (VerificationPolicy).

pyld's Node Map Generation compares each value of a property with every value already there, so n values of
one property cost n²/2 comparisons (a 350 kB credential with 4,000 alignments took 11 s, a 5 MB one hours).
`merge_comparisons` predicts that count from the expanded document, and canonicalization refuses past the
limit, as it refuses a document of too many values: `proof_invalid`, with our own message, before the work.
"""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

import pytest

from obverify import DocumentStore, verify
from obverify._core.errors import Code
from obverify._core.policy import DEFAULT_POLICY
from obverify._core.timeparse import parse_datetime
from obverify._engines.jsonld import (
    JsonLdProcessingError,
    canonize,
    expand_safe,
    merge_comparisons,
)

MAX_JSONLD_VALUES = DEFAULT_POLICY.max_jsonld_values
MAX_MERGE_COMPARISONS = DEFAULT_POLICY.max_node_map_comparisons

CASE = Path(__file__).resolve().parents[2] / "fixtures" / "cases" / "ob3-eddsa-rdfc-valid"
AT = parse_datetime("2026-01-01T00:00:00Z")
SIGNED: dict[str, Any] = json.loads((CASE / "input.json").read_text())
UNSIGNED = {k: v for k, v in SIGNED.items() if k != "proof"}


def _alignments(n: int, *, same_id: bool = False) -> list[dict[str, Any]]:
    return [{**({"id": "urn:example:alignment"} if same_id else {}), "type": ["Alignment"],
             "targetName": f"target {i}", "targetUrl": f"https://frameworks.example/{i}"} for i in range(n)]


def _with_alignments(doc: dict[str, Any], items: list[dict[str, Any]]) -> dict[str, Any]:
    out = copy.deepcopy(doc)
    out["credentialSubject"]["achievement"]["alignment"] = items
    return out


def test_the_count_is_exact_for_one_property() -> None:
    expanded = expand_safe(_with_alignments(UNSIGNED, _alignments(300)), None)
    baseline = merge_comparisons(expand_safe(UNSIGNED, None))
    # 300 alignment references on the achievement: 300·299/2 comparisons more than without them
    assert merge_comparisons(expanded) - baseline == 300 * 299 // 2


def test_values_of_the_same_id_are_counted_together() -> None:
    apart = merge_comparisons(expand_safe(_with_alignments(UNSIGNED, _alignments(200)), None))
    merged = merge_comparisons(expand_safe(_with_alignments(UNSIGNED, _alignments(200, same_id=True)), None))
    # one node now: its type, targetName and targetUrl each gather 200 values (the references still 200)
    assert merged - apart == 3 * (200 * 199 // 2)


@pytest.mark.parametrize(("expanded", "comparisons"), [
    ([], 0),
    ([{"@value": 1}], 0),
    # list members are appended without comparison; the one list value has nothing to compare with
    ([{"@id": "urn:a", "urn:p": [{"@list": [{"@value": 1}, {"@value": 2}]}]}], 0),
    # two reverse references to the same node: the second is compared with the first
    ([{"@id": "urn:a", "@reverse": {"urn:p": [{"@id": "urn:b"}, {"@id": "urn:b"}]}}], 1),
    # inside a named graph, three values of one property: 0 + 1 + 2
    ([{"@id": "urn:g", "@graph": [{"@id": "urn:a", "urn:p": [{"@value": 1}, {"@value": 2}, {"@value": 3}]}]}], 3),
])
def test_the_count_follows_lists_reverse_properties_and_graphs(expanded: list[Any], comparisons: int) -> None:
    assert merge_comparisons(expanded) == comparisons


def test_a_wide_property_is_refused_before_the_node_map() -> None:
    n = 1500  # 1,124,250 comparisons for the alignments alone
    assert n * (n - 1) // 2 > MAX_MERGE_COMPARISONS
    with pytest.raises(JsonLdProcessingError) as refused:
        canonize(_with_alignments(UNSIGNED, _alignments(n)), None)
    assert refused.value.code == Code.PROOF_INVALID
    assert "value comparisons" in refused.value.message


def test_a_repeated_id_is_refused_too() -> None:
    with pytest.raises(JsonLdProcessingError) as refused:
        canonize(_with_alignments(UNSIGNED, _alignments(900, same_id=True)), None)
    assert "value comparisons" in refused.value.message


def test_too_many_values_are_refused_before_expansion() -> None:
    items = [{"type": ["Alignment"], "targetName": "t", "targetUrl": "https://f.example/"}] * 11_000  # 5 values each
    doc = _with_alignments(UNSIGNED, items)
    with pytest.raises(JsonLdProcessingError) as refused:
        expand_safe(doc, None)
    assert refused.value.code == Code.PROOF_INVALID
    assert f"{MAX_JSONLD_VALUES:,} JSON values" in refused.value.message


def test_below_the_limits_the_proof_is_checked_as_ever() -> None:
    assert verify(json.dumps(SIGNED).encode(), at=AT, loader=DocumentStore()).valid
    report = verify(json.dumps(_with_alignments(SIGNED, _alignments(50))).encode(), at=AT, loader=DocumentStore())
    assert [e.message for e in report.errors] == ["eddsa-rdfc-2022: signature does not verify"]


def test_a_wide_signed_credential_is_a_report() -> None:
    report = verify(json.dumps(_with_alignments(SIGNED, _alignments(4000))).encode(), at=AT, loader=DocumentStore())
    assert report.codes() == [Code.PROOF_INVALID]
    assert "value comparisons" in report.errors[0].message


def _fixture_documents() -> list[Any]:
    docs: list[Any] = []
    for path in sorted((CASE.parent).glob("ob3-*/input.json")):
        value = json.loads(path.read_text())
        if isinstance(value, dict) and "proof" in value:
            docs.append({k: v for k, v in value.items() if k != "proof"})
    return docs


@pytest.mark.parametrize("doc", [*_fixture_documents(), _with_alignments(UNSIGNED, _alignments(120)),
                                 _with_alignments(UNSIGNED, _alignments(80, same_id=True))])
def test_the_prediction_bounds_what_pyld_does(monkeypatch: pytest.MonkeyPatch, doc: Any) -> None:
    """Counted against pyld itself: every comparison its node map makes was predicted."""
    from pyld import jsonld as pyld_jsonld

    from obverify._engines.jsonld import canonize_expanded

    try:
        expanded = expand_safe(doc, None)
    except JsonLdProcessingError:
        return  # a fixture made to fail JSON-LD processing never reaches the node map
    real = pyld_jsonld.JsonLdProcessor.compare_values
    made = [0]

    def counting(v1: Any, v2: Any) -> bool:
        made[0] += 1
        return bool(real(v1, v2))

    monkeypatch.setattr(pyld_jsonld.JsonLdProcessor, "compare_values", staticmethod(counting))
    canonize_expanded(expanded)
    predicted = merge_comparisons(expanded)
    assert made[0] <= predicted
    assert (made[0] > 0) == (predicted > 0)  # a slot of two values always costs pyld a comparison


def _ctx(**limits: Any) -> Any:
    from obverify._core.context import RunContext
    from obverify._core.policy import VerificationPolicy
    from obverify._core.report import Collector, Report

    return RunContext(loader=DocumentStore(), at=AT, recipients=(), out=Collector(Report()),
                      policy=VerificationPolicy().replace(**limits))


def test_spend_counts_one_budget_for_a_run_and_its_children() -> None:
    from obverify._core.report import Collector, Report

    ctx = _ctx()
    child = ctx.child(Collector(Report()))
    assert ctx.spend("w", 6, 10)
    assert not child.spend("w", 5, 10)  # 11 would pass the limit: refused, and nothing counted
    assert child.spend("w", 4, 10)
    assert not ctx.spend("w", 1, 10)
    assert ctx.spend("other", 10, 10)


def test_the_run_budget_stops_a_second_document() -> None:
    from obverify._engines.jsonld.budgets import count_values

    one = count_values(UNSIGNED, 10**9)
    ctx = _ctx(jsonld_values_per_verification=one + one // 2)
    canonize(UNSIGNED, ctx)
    with pytest.raises(JsonLdProcessingError) as refused:
        canonize(UNSIGNED, ctx)
    assert "this verification's JSON-LD documents" in refused.value.message
    canonize(UNSIGNED, _ctx())  # another run has its own budget


def test_the_run_comparison_budget_stops_a_second_document() -> None:
    doc = _with_alignments(UNSIGNED, _alignments(60))
    one = merge_comparisons(expand_safe(doc, None))
    ctx = _ctx(node_map_comparisons_per_verification=one + one // 2)
    canonize(doc, ctx)
    with pytest.raises(JsonLdProcessingError) as refused:
        canonize(doc, ctx)
    assert "value comparisons" in refused.value.message


def test_endorsements_cannot_spend_the_credential_s_own_budget(monkeypatch: pytest.MonkeyPatch) -> None:
    """The credential's proof is checked first; endorsements past the run budget are warnings, as any bad one."""
    from obverify._core.context import RunContext
    from obverify._core.policy import VerificationPolicy

    data = (CASE.parent / "ob3-embedded-endorsement-bad" / "input.json").read_bytes()
    spent: list[int] = []
    real_spend = RunContext.spend

    def spy(self: RunContext, what: str, amount: int, limit: int) -> bool:
        if what == "jsonld_values":
            spent.append(amount)
        return real_spend(self, what, amount, limit)

    monkeypatch.setattr(RunContext, "spend", spy)
    assert verify(data, at=AT, loader=DocumentStore()).valid
    assert len(spent) > 2  # the credential's proof options and document, then the endorsements'
    policy = VerificationPolicy(jsonld_values_per_verification=spent[0] + spent[1])  # the credential's alone
    report = verify(data, at=AT, loader=DocumentStore(), policy=policy)
    assert report.valid, report.to_json(indent=1)
    endorsements = report.related["endorsements"]
    assert [e["valid"] for e in endorsements] == [False, False]
    assert all("this verification's JSON-LD documents" in json.dumps(e["report"]) for e in endorsements)


def _clique(k: int) -> list[dict[str, Any]]:
    """k blank nodes, each linked to every other by one predicate: all alike to RDFC-1.0 (a poison graph)."""
    return [{"@id": f"_:n{i}", "urn:example:link": [{"@id": f"_:n{j}"} for j in range(k) if j != i]}
            for i in range(k)]


def test_a_small_symmetric_graph_canonicalizes_exactly_as_pyld_does() -> None:
    from pyld import jsonld as pyld_jsonld

    from obverify._engines.jsonld import canonize_expanded

    ours = canonize_expanded(_clique(5))
    theirs = pyld_jsonld.normalize(_clique(5), {"algorithm": "URDNA2015", "format": "application/n-quads"})
    assert ours == theirs
    assert len(ours.splitlines()) == 20


def test_a_poison_graph_is_refused_before_its_permutations() -> None:
    from obverify._engines.jsonld import canonize_expanded

    with pytest.raises(JsonLdProcessingError) as refused:
        canonize_expanded(_clique(8))  # unbounded: minutes (7 nodes took 12 s, 6 took 1.2 s)
    assert refused.value.code == Code.PROOF_INVALID
    assert "poison graph" in refused.value.message


def test_the_run_budget_counts_canonicalization_steps() -> None:
    from obverify._engines.jsonld import canonize_expanded

    ctx = _ctx()
    canonize_expanded(_clique(5), ctx)
    spent = ctx._work["rdfc_steps"]
    assert spent > 100  # the 5-clique needs Hash N-Degree Quads
    ctx = _ctx(rdfc_steps_per_verification=spent + spent // 2)
    canonize_expanded(_clique(5), ctx)
    with pytest.raises(JsonLdProcessingError) as refused:
        canonize_expanded(_clique(5), ctx)
    assert "poison graph" in refused.value.message


def test_a_credential_carrying_a_poison_graph_is_a_report() -> None:
    """Reachable once a context with `@vocab` is trusted (a stored one here): safe mode then lets any term in."""
    vocab = "https://contexts.example/vocab.json"
    store = DocumentStore({vocab: json.dumps({"@context": {"@vocab": "https://vocab.example/#"}}).encode()})
    cred = copy.deepcopy(SIGNED)
    cred["@context"] = [*cred["@context"], vocab]
    cred["linked"] = [{"id": f"_:n{i}", "link": [{"id": f"_:n{j}"} for j in range(8) if j != i]} for i in range(8)]
    report = verify(json.dumps(cred).encode(), at=AT, loader=store)
    assert report.codes() == [Code.PROOF_INVALID]
    assert "poison graph" in report.errors[0].message
