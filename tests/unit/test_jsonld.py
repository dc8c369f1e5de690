"""The guarded JSON-LD loader and safe-mode canonicalization (SECURITY.md §6)."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from obverify._core.context import RunContext
from obverify._core.errors import Code, LoadError
from obverify._core.loader import Document
from obverify._core.policy import DEFAULT_POLICY, VerificationPolicy
from obverify._core.report import Collector, Report
from obverify._engines.jsonld import (
    JsonLdError,
    JsonLdProcessingError,
    canonize,
    document_loader,
    expand_safe,
)
from obverify._engines.net.http import HttpLoader
from obverify._engines.net.policy import NetworkPolicy
from obverify._engines.net.store import DocumentStore

MAX_REMOTE_CONTEXTS = DEFAULT_POLICY.max_remote_contexts

VC1 = "https://www.w3.org/2018/credentials/v1"
VC2 = "https://www.w3.org/ns/credentials/v2"


Policy = VerificationPolicy


class CountingLoader:
    """A non-store loader serving fixed documents and counting requests."""

    def __init__(self, docs: dict[str, Any]) -> None:
        self.docs = docs
        self.requested: list[str] = []

    def load(self, url: str, *, accept: str | None = None) -> Document:
        self.requested.append(url)
        if url not in self.docs:
            raise LoadError(Code.FETCH_FAILED, url, "missing")
        return Document(url=url, content=json.dumps(self.docs[url]).encode())


def make_ctx(loader: Any = None, policy: Any = None) -> RunContext:
    return RunContext(
        loader=loader if loader is not None else DocumentStore(),
        at=datetime(2026, 1, 1, tzinfo=UTC),
        recipients=(),
        out=Collector(Report()),
        policy=policy,
    )


def vc(context: list[Any], **extra: Any) -> dict[str, Any]:
    doc: dict[str, Any] = {
        "@context": context,
        "type": ["VerifiableCredential"],
        "issuer": "https://issuer.example/",
        "credentialSubject": {"id": "did:example:1"},
    }
    doc.update(extra)
    return doc


def test_bundled_contexts_never_reach_the_loader() -> None:
    store = DocumentStore()
    ctx = make_ctx(store)
    nquads = canonize(vc([VC2], validFrom="2024-01-01T00:00:00Z"), ctx)
    assert "<https://www.w3.org/2018/credentials#issuer> <https://issuer.example/>" in nquads
    assert store.requested == []
    assert canonize(vc([VC2]), None)  # no run at all: bundled contexts only


def test_unbundled_context_refused_without_asking_the_loader() -> None:
    loader = CountingLoader({"https://ctx.example/a": {"@context": {"x": "https://x.example/x"}}})
    ctx = make_ctx(loader)
    with pytest.raises(JsonLdProcessingError) as info:
        canonize(vc([VC2, "https://ctx.example/a"]), ctx)
    assert info.value.code == Code.CONTEXT_INVALID
    assert loader.requested == []


def test_stored_context_allowed_and_policy_allows_remote() -> None:
    ctx_doc = {"@context": {"x": "https://x.example/x"}}
    store = DocumentStore({"https://ctx.example/a": json.dumps(ctx_doc)})
    doc = vc([VC1, "https://ctx.example/a"], issuanceDate="2024-01-01T00:00:00Z", x="value")
    assert "<https://x.example/x> \"value\"" in canonize(doc, make_ctx(store))
    assert store.requested == ["https://ctx.example/a"]
    loader = CountingLoader({"https://ctx.example/a": ctx_doc})
    assert canonize(doc, make_ctx(loader, Policy(allow_remote_contexts=True)))
    assert loader.requested == ["https://ctx.example/a"]
    with pytest.raises(JsonLdProcessingError):
        canonize(doc, make_ctx(loader, Policy(allow_remote_contexts=False)))


def test_context_cycle_is_context_invalid() -> None:
    store = DocumentStore(
        {
            "https://ctx.example/a": json.dumps({"@context": ["https://ctx.example/b", {"a": "https://x.example/a"}]}),
            "https://ctx.example/b": json.dumps({"@context": ["https://ctx.example/a", {"b": "https://x.example/b"}]}),
        }
    )
    with pytest.raises(JsonLdProcessingError) as info:
        canonize(vc([VC2, "https://ctx.example/a"]), make_ctx(store))
    assert info.value.code == Code.CONTEXT_INVALID


def test_too_many_remote_contexts() -> None:
    n = MAX_REMOTE_CONTEXTS + 1
    docs = {
        f"https://ctx.example/{i}": json.dumps({"@context": [f"https://ctx.example/{i + 1}"] if i + 1 < n else {}})
        for i in range(n)
    }
    store = DocumentStore(docs)
    with pytest.raises(JsonLdProcessingError) as info:
        canonize(vc([VC2, "https://ctx.example/0"]), make_ctx(store))
    assert info.value.code == Code.CONTEXT_INVALID
    assert len(store.requested) <= MAX_REMOTE_CONTEXTS


def test_pinned_context_must_match(spec_dir: Path) -> None:
    url = "https://w3id.org/openbadges/v1"
    ref_index = json.loads((spec_dir / "contexts" / "index.json").read_text("utf-8"))
    good = DocumentStore({u: (spec_dir / "contexts" / ref_index[u]).read_bytes() for u in (url, "https://w3id.org/openbadges/legacy-v1")})
    doc = {"@context": url, "type": "Assertion", "id": "https://issuer.example/a/1"}
    assert "openbadges#Assertion" in canonize(doc, make_ctx(good))
    bad = DocumentStore({url: json.dumps({"@context": {"Assertion": "https://evil.example/A"}})})
    with pytest.raises(JsonLdProcessingError) as info:
        canonize(doc, make_ctx(bad))
    assert info.value.code == Code.CONTEXT_INVALID
    assert "pinned" in info.value.message


@pytest.mark.parametrize(
    ("doc", "fragment"),
    [
        (vc([VC1], issuanceDate="2024-01-01T00:00:00Z", undefinedTerm="x"), "undefinedTerm"),
        (vc([VC1], type=["VerifiableCredential", "NotDefined"]), "NotDefined"),
        (vc([VC1], id="relative/path"), "relative"),
        (vc([VC1], credentialSubject={"id": "did:example:1", "@type": "Undefined"}), "Undefined"),
        (vc([VC1], credentialSubject={"id": "did:example:1", "_:b0": "v"}), "_:b0"),
        (vc([VC2], extra="x"), "extra"),
    ],
)
def test_safe_mode_errors(doc: dict[str, Any], fragment: str) -> None:
    with pytest.raises(JsonLdProcessingError) as info:
        expand_safe(doc, make_ctx())
    assert info.value.code == Code.PROOF_INVALID
    assert fragment in info.value.message or "safe mode" in info.value.message


def test_undefined_terms_context_keeps_undefined_terms_signed() -> None:
    """The VC 2.0 undefined-terms context's @vocab maps them to issuer-dependent IRIs: signed, not an error."""
    nquads = canonize(vc([VC2, "https://www.w3.org/ns/credentials/undefined-terms/v2"], extra="x"), make_ctx())
    assert "<https://www.w3.org/ns/credentials/undefined-term#extra> \"x\"" in nquads


def test_document_loader_refuses_with_jsonld_error() -> None:
    load = document_loader(None, stage="proofs")
    assert load(VC2, {})["document"]["@context"]
    with pytest.raises(JsonLdError):
        load("https://ctx.example/x", {})


def test_protected_term_redefinition_is_context_invalid() -> None:
    doc = vc([VC2, {"VerifiableCredential": "https://evil.example/VC"}])
    with pytest.raises(JsonLdProcessingError) as info:
        canonize(doc, make_ctx())
    assert info.value.code == Code.CONTEXT_INVALID


def test_loopback_context_url_makes_no_connection(listener: tuple[int, list[int]]) -> None:
    port, count = listener
    policy = NetworkPolicy(unsafe_allow_addresses=frozenset({("127.0.0.1", port)}))
    ctx = make_ctx(HttpLoader(policy), VerificationPolicy(network=policy))
    with pytest.raises(JsonLdProcessingError) as info:
        canonize(vc([VC2, f"https://127.0.0.1:{port}/context.json"]), ctx)
    assert info.value.code == Code.CONTEXT_INVALID
    assert count[0] == 0


json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.text(max_size=8),
    lambda children: st.lists(children, max_size=3) | st.dictionaries(st.text(max_size=6), children, max_size=3),
    max_leaves=12,
)


@given(extra=st.dictionaries(st.sampled_from(["@id", "@type", "id", "type", "name", "@context", "x", "@graph"]),
                             json_values, max_size=4))
def test_canonize_never_raises_other_exceptions(extra: dict[str, Any]) -> None:
    doc = vc([VC2])
    doc.update(extra)
    codes: list[Code] = []
    try:
        result = canonize(doc, make_ctx())
    except JsonLdProcessingError as exc:  # the only exception allowed out, with one of two codes
        codes.append(exc.code)
        result = ""
    assert isinstance(result, str)
    assert set(codes) <= {Code.CONTEXT_INVALID, Code.PROOF_INVALID}


def test_stored_context_allowed_through_a_recording_wrapper(tmp_path: Path) -> None:
    from obverify._engines.net.record import RecordingLoader

    ctx_doc = {"@context": {"x": "https://x.example/x"}}
    store = DocumentStore({"https://ctx.example/a": json.dumps(ctx_doc)})
    doc = vc([VC1, "https://ctx.example/a"], issuanceDate="2024-01-01T00:00:00Z", x="value")
    assert "<https://x.example/x>" in canonize(doc, make_ctx(RecordingLoader(store, tmp_path)))


def test_context_memo_keeps_documents_apart() -> None:
    """The memo of processed bundled contexts never lets one document's inline context leak into another's."""
    results = []
    for base in ("https://a.example/", "https://b.example/", "https://a.example/"):
        doc = vc([VC1, {"x": f"{base}x"}], issuanceDate="2024-01-01T00:00:00Z", x="v")
        doc["credentialSubject"] = {"id": "did:example:1", "x": "w"}
        results.append(canonize(doc, make_ctx()))
    assert results[0] == results[2]
    assert "<https://a.example/x>" in results[0]
    assert "<https://b.example/x>" in results[1]
    assert "<https://a.example/x>" not in results[1]
