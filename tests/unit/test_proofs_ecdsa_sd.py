"""ecdsa-sd-2023: derived proofs verify, every tampering is refused, and the work is bounded.

Credentials are made by the fixture generator's own issuer and holder (`fixtures/gen/ob3_sd.py`, written
apart from the verifier): one base credential, derived with chosen or random (Hypothesis) disclosure sets.
"""

from __future__ import annotations

import base64
import copy
import importlib
import json
import sys
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import cbor2
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from obverify import DocumentStore, verify
from obverify._core.context import RunContext
from obverify._core.policy import DEFAULT_POLICY
from obverify._core.report import Collector, Report
from obverify._ob3.proofs import check_embedded_proofs
from obverify._ob3.proofs.selective import parse_derived_proof_value, relabel
from obverify._ob3.proofs.suites import SuiteError

ROOT = Path(__file__).resolve().parents[2]
CASES = ROOT / "fixtures" / "cases"
sys.path.insert(0, str(ROOT / "fixtures"))
sd: Any = importlib.import_module("gen.ob3_sd")
ob3: Any = importlib.import_module("gen.ob3")

BASE = sd.add_base_proof(sd.sd_credential())
POINTERS = [
    "/credentialSubject/identifier", "/credentialSubject/achievement", "/evidence",
    "/credentialSubject/achievement/name", "/credentialSubject/achievement/criteria",
    "/credentialSubject/achievement/description", "/evidence/0", "/evidence/1", "/evidence/1/name",
    "/credentialSubject/identifier/0/identityHash", "/id", "/type",
]


def _ctx() -> RunContext:
    return RunContext(loader=DocumentStore(), at=datetime(2026, 1, 1, tzinfo=UTC), recipients=(),
                      out=Collector(Report()))


def _check(doc: dict[str, Any], ctx: RunContext | None = None) -> tuple[bool, list[str]]:
    ctx = ctx or _ctx()
    ok = check_embedded_proofs(ctx, doc, issuer_id=doc["issuer"]["id"])
    return ok, [f"{f.code}: {f.message}" for f in ctx.out.report.errors]


def _parts(doc: dict[str, Any]) -> list[Any]:
    raw = base64.urlsafe_b64decode(doc["proof"]["proofValue"][1:] + "==")
    value = cbor2.loads(raw[3:])
    assert isinstance(value, list)
    return value


def _with_value(doc: dict[str, Any], body: bytes, header: bytes = b"\xd9\x5d\x01") -> dict[str, Any]:
    out = copy.deepcopy(doc)
    out["proof"]["proofValue"] = "u" + base64.urlsafe_b64encode(header + body).rstrip(b"=").decode()
    return out


FULL = sd.derive(BASE, ["/credentialSubject/identifier", "/credentialSubject/achievement", "/evidence"])


@pytest.mark.parametrize("case", sorted(p.name for p in CASES.glob("ob3-sd-derived-*")))
def test_every_disclosure_combination_verifies(case: str) -> None:
    doc = json.loads((CASES / case / "input.json").read_text())
    assert _check(doc) == (True, [])
    disclosed = doc["credentialSubject"]
    assert ("identifier" in disclosed) is ("recipient" in case)
    assert ("achievement" in disclosed) is ("achievement" in case)
    assert ("evidence" in doc) is ("evidence" in case)


def test_the_cases_cover_all_eight_combinations() -> None:
    assert len(list(CASES.glob("ob3-sd-derived-*"))) == 8


@settings(max_examples=25, deadline=None)
@given(st.lists(st.sampled_from(POINTERS), max_size=5, unique=True))
def test_random_disclosure_sets_from_one_base_credential_verify(pointers: list[str]) -> None:
    derived = sd.derive(BASE, pointers)
    assert _check(derived) == (True, [])
    if not any(p.startswith("/evidence") for p in pointers):
        assert "evidence" not in derived
    if not any(p.startswith("/credentialSubject/identifier") for p in pointers):
        assert "identifier" not in derived["credentialSubject"]


def test_a_base_proof_is_for_the_holder() -> None:
    ok, errors = _check(BASE)
    assert not ok
    assert errors == ["proof_invalid: ecdsa-sd-2023: this is a base proof: a base proof is for the holder, not a "
                      "verifier (the holder derives a proof that discloses chosen statements, and a verifier checks "
                      "that derived proof)"]


@pytest.mark.parametrize(
    ("case", "message"),
    [
        ("ob3-sd-tampered-disclosed-value", "the signature of disclosed statement"),
        ("ob3-sd-dropped-mandatory", "the signature count does not match"),
        ("ob3-sd-reordered-signatures", "the signature of disclosed statement 1 of"),
        ("ob3-sd-foreign-key", "the base signature does not verify"),
        ("ob3-sd-base-proof", "a base proof is for the holder, not a verifier"),
    ],
)
def test_each_tampering_is_proof_invalid(case: str, message: str) -> None:
    ok, errors = _check(json.loads((CASES / case / "input.json").read_text()))
    assert not ok
    assert len(errors) == 1
    assert errors[0].startswith("proof_invalid: ecdsa-sd-2023: ")
    assert message in errors[0]


def test_an_undisclosed_statement_added_back_without_its_signature_fails() -> None:
    derived = sd.derive(BASE, ["/credentialSubject/identifier", "/credentialSubject/achievement"])
    assert _check(derived)[0]
    derived["evidence"] = FULL["evidence"]  # the statements exist in the base, but their signatures were dropped
    ok, errors = _check(derived)
    assert not ok
    assert errors == ["proof_invalid: ecdsa-sd-2023: the derived proof's label map has no label for blank node "
                      "_:c14n3"]
    derived["evidence"] = FULL["evidence"][:1]  # an evidence node with an IRI: no new blank node, more statements
    ok, errors = _check(derived)
    assert not ok
    assert "signature count does not match" in errors[0]


def test_a_mandatory_statement_moved_to_the_optional_ones_fails() -> None:
    parts = _parts(FULL)
    parts[4] = parts[4][1:]  # one mandatory index fewer: counts and the mandatory hash no longer match
    ok, errors = _check(_with_value(FULL, cbor2.dumps(parts)))
    assert not ok
    assert "proof_invalid" in errors[0]


def test_thousands_of_signatures_are_refused_before_any_work() -> None:
    parts = _parts(FULL)
    parts[2] = [parts[2][0]] * (DEFAULT_POLICY.max_sd_signatures + 1)
    ctx = _ctx()
    ok, errors = _check(_with_value(FULL, cbor2.dumps(parts)), ctx)
    assert not ok
    cap = DEFAULT_POLICY.max_sd_signatures
    assert errors == [f"proof_invalid: ecdsa-sd-2023: the derived proof has {cap + 1:,} signatures;"
                      f" obverify checks at most {cap:,} per proof, so it is refused before the work"]
    assert ctx._work == {}  # nothing was canonicalized
    assert ctx.out.report.documents == []  # and no key was looked up


def test_an_oversized_proof_value_is_refused_before_decoding() -> None:
    doc = copy.deepcopy(FULL)
    doc["proof"]["proofValue"] = "u" + "A" * 500_000
    ok, errors = _check(doc)
    assert not ok
    assert "longer than 400,000 characters" in errors[0]


@pytest.mark.parametrize(
    ("mutate", "message"),
    [
        (lambda p: p[:4], "array of five components"),
        (lambda p: [p[0][:63], *p[1:]], "baseSignature must be 64 bytes"),
        (lambda p: [p[0], b"\x81\x24" + p[1][2:], *p[2:]], "P-256 Multikey"),
        (lambda p: [p[0], p[1], [*p[2][:-1], b"x" * 63], *p[3:]], "every statement signature must be 64 bytes"),
        (lambda p: [*p[:3], {"c14n0": next(iter(p[3].values()))}, p[4]], "label map must map"),
        (lambda p: [*p[:3], {0: b"x" * 31}, p[4]], "label map must map"),
        (lambda p: [*p[:4], list(reversed(p[4]))], "increasing"),
        (lambda p: [*p[:4], [*p[4], 10_000]], "points past"),
        (lambda p: [*p[:3], {k + 100: v for k, v in p[3].items()}, p[4]], "has no label for blank node _:c14n"),
        (lambda p: [p[0], p[1], p[2], p[3], [True]], "increasing non-negative integers"),
        (lambda p: [*p[:3], dict.fromkeys(p[3], next(iter(p[3].values()))), p[4]], "the same label"),
    ],
)
def test_malformed_components_are_proof_invalid(mutate: Any, message: str) -> None:
    ok, errors = _check(_with_value(FULL, cbor2.dumps(mutate(_parts(FULL)))))
    assert not ok
    assert message in errors[0], errors


@pytest.mark.parametrize(
    ("body", "message"),
    [
        (b"\xd8\x40" + cbor2.dumps([]), "uses a CBOR tag"),  # a tag (the spec forbids tagging)
        (b"\xd9\xd9\xf7" + cbor2.dumps([]), "not plain CBOR"),  # self-described CBOR: a tag cbor2 reads itself
        (b"\x81\xc2\x41\x01", "not plain CBOR"),  # a bignum tag
        (b"\x9f\xff", "not plain CBOR"),  # indefinite-length array
        (b"\x85", "not valid CBOR"),  # truncated
        (b"\x9b\x00\x00\x00\x01\x00\x00\x00\x00", "not valid CBOR"),  # a 2^32-element array header
        (b"\x81" * 100_000 + b"\x00", "not valid CBOR"),  # nesting
    ],
)
def test_hostile_cbor_is_proof_invalid(body: bytes, message: str) -> None:
    with pytest.raises(SuiteError) as info:
        parse_derived_proof_value(_with_value(FULL, body)["proof"]["proofValue"])
    assert message in info.value.message


def test_trailing_bytes_after_the_cbor_are_refused() -> None:
    with pytest.raises(SuiteError, match="not"):
        parse_derived_proof_value(_with_value(FULL, cbor2.dumps(_parts(FULL)) + b"\x00")["proof"]["proofValue"])


@pytest.mark.parametrize(("value", "message"), [("z123", "base64url multibase"), ("u!!!", "not valid base64url"),
                                                ("u" + "AAAA", "derived proof header"), (7, "base64url multibase")])
def test_proof_value_encodings(value: Any, message: str) -> None:
    with pytest.raises(SuiteError) as info:
        parse_derived_proof_value(value)
    assert message in info.value.message


def test_relabel_touches_blank_nodes_only_never_literals() -> None:
    nquads = ('_:c14n0 <https://x.example/p> "text with _:c14n1 inside" .\n'
              '<https://x.example/s> <https://x.example/q> _:c14n1 .\n')
    out = relabel(nquads, {"c14n0": "uAAA", "c14n1": "uBBB"})
    assert out == ['<https://x.example/s> <https://x.example/q> _:uBBB .\n',
                   '_:uAAA <https://x.example/p> "text with _:c14n1 inside" .\n']


def test_a_p384_issuer_key_cannot_make_an_ecdsa_sd_2023_proof() -> None:
    with pytest.raises(Exception):  # noqa: B017, PT011 - the generator's ES256 helper refuses a P-384 key
        sd.derive(sd.add_base_proof(sd.sd_credential(), ob3.EC384_ISSUER_KEY), [])


def test_a_recipient_left_out_is_not_disclosed_rather_than_mismatched() -> None:
    doc = json.loads((CASES / "ob3-sd-recipient-not-disclosed" / "input.json").read_text())
    report = verify(doc, recipients=["learner@example.org"], at=datetime(2026, 1, 1, tzinfo=UTC),
                    loader=DocumentStore())
    messages = [f.message for f in report.errors if f.code == "recipient_mismatch"]
    assert messages == ["the recipient is not disclosed: credentialSubject has neither id nor identifier (left out "
                        "by selective disclosure?), so no given identity can be shown to be the credential's "
                        "recipient"]
    assert "mismatch" not in messages[0]
    assert not any(f.code == "proof_invalid" for f in report.errors)
    full = verify(FULL, recipients=["learner@example.org"], at=datetime(2026, 1, 1, tzinfo=UTC),
                  loader=DocumentStore())
    assert full.valid, full.to_json()
    assert full.recipient.matched == "learner@example.org"


def test_derived_proofs_spend_the_runs_json_ld_budgets() -> None:
    ctx = _ctx()
    assert _check(FULL, ctx) == (True, [])
    assert ctx._work["jsonld_values"] > 0
    assert "jsonld_comparisons" in ctx._work
