"""JSON-LD processing for proofs: a guarded document loader, safe-mode expansion and RDFC-1.0.

Implements the parts of JSON-LD 1.1 Processing Algorithms and API (§9.4 "Remote Document and Context
Retrieval") and RDF Dataset Canonicalization (RDFC-1.0, which pyld calls URDNA2015) that Data Integrity
needs, under the rules of SECURITY.md §6:

- Bundled contexts (`obverify._engines.contexts`, pinned by SHA-256) are served first and never fetched. Their
  resolved and processed forms are cached for the life of the process (pyld caches a context in the
  shared cache only when the loader tags it, and we tag only bundled ones), which keeps one eddsa-rdfc-2022
  verification in the low milliseconds.
- A context no package distributes but whose hash we pin (OB v1, CLR 2.0) is fetched through the run's
  loader and accepted only if it matches the pin.
- Any other context URL is loaded only through `RunContext.fetch_json`, and only when the run's loader is a
  `DocumentStore` that holds the URL and the run's `VerificationPolicy` sets `trust_store_contexts` (the
  default), or it sets `allow_remote_contexts`. At most `max_remote_contexts` per operation; cycles are
  refused (pyld tracks the chain, and so do we).
  Remote contexts are cached per operation only, never across runs.
- Safe mode (VC Data Integrity §4 "Algorithms", the `safe` option of jsonld.js): a property the context
  does not define, a relative `@type`, `@id` or datatype, or a blank-node predicate would be silently
  dropped from the canonical form while still displayed, so each is an error (`proof_invalid`).
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any

from cachetools import LRUCache

from obverify._core.context import RunContext
from obverify._core.errors import Code
from obverify._core.text import quote, quote_url
from obverify._engines.contexts import bundled_context, fetch_pin, matches_pin
from obverify._engines.jsonld import fence
from obverify._engines.jsonld.budgets import (
    JsonLdProcessingError,
    check_context_entries,
    count_values,
    merge_comparisons,
    policy_of,
)
from obverify._engines.jsonld.fence import ABSOLUTE_IRI, PLACEHOLDER_BASE, JsonLdError, Processor
from obverify._engines.net.store import DocumentStore

# Every limit of this module is a `VerificationPolicy` field, read from the run (`_limits`): `max_jsonld_values`,
# `max_node_map_comparisons`, `max_rdfc_steps`, their `*_per_verification` budgets, `max_context_entries` and
# `max_remote_contexts`; the policy's docstring and README "VerificationPolicy fields" say what each bounds and
# what was measured.
CANON_HASHES = fence.CANON_HASHES
DocumentLoader = Callable[[str, dict[str, Any]], dict[str, Any]]


# One verification expands the same document twice: for the "checked is signed" round trip
# (`obverify._engines.spelling`) and for a proof's canonicalization. The second reuses the first's expansion, keyed by
# the run (its work dict, shared by nested verifications) and by the identity of the document's members (the documents
# differ, e.g. `{k: v for k, v in credential.items() if k != "proof"}` twice, but hold the very same member objects).
# An entry keeps those objects alive, so no other object can take their ids while it exists, and a new run never
# shares a key with an old one. Input documents are never mutated during a run.
_EXPANDED: LRUCache[tuple[int, tuple[tuple[str, int], ...]], tuple[Any, ...]] = LRUCache(maxsize=8)
_EXPANDED_LOCK = threading.Lock()


def _memo_key(doc: Any, ctx: RunContext | None) -> tuple[int, tuple[tuple[str, int], ...]] | None:
    if ctx is None or not isinstance(doc, dict):
        return None
    return id(ctx._work), tuple((k, id(v)) for k, v in doc.items())


def _expand_tracked(doc: dict[str, Any], ctx: RunContext | None, options: dict[str, Any]) -> tuple[Any, list[Any]]:
    """pyld's expansion of `doc` and the properties it dropped, once per run and document (see `_EXPANDED`)."""
    key = _memo_key(doc, ctx)
    if key is not None:
        with _EXPANDED_LOCK:
            hit = _EXPANDED.get(key)
        if hit is not None:
            return hit[0], hit[1]
    dropped: list[Any] = []
    expanded = Processor(on_property_dropped=dropped.append).expand(doc, options)
    if key is not None:
        with _EXPANDED_LOCK:
            _EXPANDED[key] = (expanded, dropped, ctx._work, list(doc.values()))  # type: ignore[union-attr]
    return expanded, dropped



RELATIVE_BASE = PLACEHOLDER_BASE
"""Where a relative IRI (an undefined `type` name among them) ends up after expansion (`obverify._engines.spelling`)."""


def _absolute(value: object) -> bool:
    return isinstance(value, str) and bool(ABSOLUTE_IRI.match(value)) and not value.startswith(PLACEHOLDER_BASE)


# JSON-LD error codes that are the context's fault rather than the document's.
_CONTEXT_CODES = frozenset(
    {
        "loading remote context failed",
        "context overflow",
        "recursive context inclusion",
        "invalid remote context",
        "invalid local context",
        "invalid context nullification",
        "protected term redefinition",
        "invalid term definition",
        "invalid context entry",
        "invalid @version value",
        "processing mode conflict",
        "invalid base IRI",
        "invalid vocab mapping",
        "invalid default language",
        "invalid @import value",
        "invalid @propagate value",
        "invalid IRI mapping",
        "keyword redefinition",
        "cyclic IRI mapping",
        "invalid reverse property",
        "invalid scoped context",
        "invalid container mapping",
        "invalid type mapping",
        "invalid language mapping",
        "invalid keyword alias",
    }
)

class _LoaderState:
    """What one operation's loader did: remote URLs loaded (in order) and why a load was refused."""

    def __init__(self) -> None:
        self.remote: list[str] = []
        self.refusal: str | None = None


def _remote_allowed(ctx: RunContext, url: str) -> bool:
    """The run's `VerificationPolicy` decides: `allow_remote_contexts`, or `trust_store_contexts` and the run's
    `DocumentStore` holds the URL (the operator put it there)."""
    if ctx.policy.allow_remote_contexts:
        return True
    if not ctx.policy.trust_store_contexts:
        return False
    loader: Any = ctx.loader
    for _ in range(4):  # look through wrappers such as the RecordingLoader (`inner`)
        if isinstance(loader, DocumentStore):
            if url in loader:
                return True
            break
        loader = getattr(loader, "inner", None)
        if loader is None:
            break
    return False


def _make_loader(ctx: RunContext | None, stage: str, state: _LoaderState) -> DocumentLoader:
    def load(url: str, options: dict[str, Any]) -> dict[str, Any]:
        bundled = bundled_context(url)
        if bundled is not None:
            # Tagged "static": pyld then keeps the resolved context in the (process-wide) shared cache.
            document = fence.bundled_document(url, bundled)
            return {
                "contentType": "application/ld+json",
                "contextUrl": None,
                "documentUrl": url,
                "document": document,
                "tag": "static",
            }
        pinned = fetch_pin(url) is not None
        if ctx is None or not (pinned or _remote_allowed(ctx, url)):
            state.refusal = f"context {quote_url(url)} is not bundled and remote contexts are not allowed"
            raise JsonLdError("remote context refused", "jsonld.LoadDocumentError", code="loading document failed")
        if url in state.remote:
            state.refusal = f"context {quote_url(url)} includes itself (a cycle)"
            raise JsonLdError("context cycle", "jsonld.ContextUrlError", code="recursive context inclusion")
        if len(state.remote) >= policy_of(ctx).max_remote_contexts:
            state.refusal = f"more than {policy_of(ctx).max_remote_contexts} remote contexts"
            raise JsonLdError("too many contexts", "jsonld.ContextUrlError", code="context overflow")
        state.remote.append(url)
        value = ctx.fetch_json(url, stage=stage, consequence=Code.CONTEXT_INVALID, what="JSON-LD context")
        if not isinstance(value, dict):
            state.refusal = f"context {quote_url(url)} could not be loaded as a JSON object"
            raise JsonLdError("bad context", "jsonld.InvalidUrl", code="loading remote context failed")
        if pinned and not matches_pin(url, value):
            state.refusal = f"context {quote_url(url)} does not match its pinned SHA-256"
            raise JsonLdError("pin mismatch", "jsonld.InvalidUrl", code="loading remote context failed")
        # No tag: cached for this operation only.
        return {"contentType": "application/ld+json", "contextUrl": None, "documentUrl": url, "document": value}

    return load


def document_loader(ctx: RunContext | None, *, stage: str) -> DocumentLoader:
    """A pyld document loader: bundled contexts first, then the run's loader where allowed, else an error.

    Raises pyld's `JsonLdError` for a refused URL, so the caller reports `context_invalid`.
    """
    return _make_loader(ctx, stage, _LoaderState())


def compact(doc: Any, context_url: str, ctx: RunContext | None, *, stage: str) -> Any:
    """`doc` compacted into `context_url` (OB 2.0 reads every node in the v2 context), through the guarded loader.

    Raises pyld's errors; the caller reports `context_invalid`. Going through this module also keeps pyld's own
    network loaders out of the process.
    """
    check_context_entries(doc, policy_of(ctx).max_context_entries)
    return fence.compact(doc, context_url, {"documentLoader": document_loader(ctx, stage=stage), "base": None})


def _options(ctx: RunContext | None, stage: str, state: _LoaderState) -> dict[str, Any]:
    loader = _make_loader(ctx, stage, state)
    return {
        "documentLoader": loader,
        "contextResolver": fence.context_resolver(loader, max_context_urls=policy_of(ctx).max_remote_contexts),
        "base": "",
        "processingMode": "json-ld-1.1",
        "extractAllScripts": False,
    }


def _error_codes(exc: BaseException) -> list[str]:
    codes: list[str] = []
    seen: BaseException | None = exc
    while seen is not None and len(codes) < 20:
        code = getattr(seen, "code", None)
        if isinstance(code, str):
            codes.append(code)
        seen = seen.__cause__ or seen.__context__
    return codes


def _failure(exc: BaseException, state: _LoaderState) -> JsonLdProcessingError:
    if state.refusal is not None:
        return JsonLdProcessingError(Code.CONTEXT_INVALID, state.refusal)
    codes = _error_codes(exc)
    for code in codes:
        if code in _CONTEXT_CODES or code == "loading document failed":
            return JsonLdProcessingError(Code.CONTEXT_INVALID, f"JSON-LD context error ({quote(code, 60)})")
    what = codes[0] if codes else type(exc).__name__
    return JsonLdProcessingError(Code.PROOF_INVALID, f"JSON-LD processing failed ({quote(what, 60)})")


def _safe_walk(expanded: Any, dropped: list[str | None]) -> None:
    """Raise `JsonLdProcessingError(proof_invalid)` for anything RDF conversion would silently drop."""
    if dropped:
        name = dropped[0]
        raise JsonLdProcessingError(
            Code.PROOF_INVALID,
            f"property {quote(name if name is not None else '(null)', 80)} is not defined by the @context"
            f" (safe mode: {len(dropped)} dropped)",
        )
    stack: list[Any] = [expanded]
    while stack:
        node = stack.pop()
        if isinstance(node, list):
            stack.extend(node)
            continue
        if not isinstance(node, dict):
            continue
        is_value = "@value" in node
        for key, value in node.items():
            if key == "@value":
                continue
            if key == "@id":
                if not _absolute(value):
                    raise JsonLdProcessingError(Code.PROOF_INVALID, f"relative @id {quote(value, 80)} (safe mode)")
            elif key == "@type":
                types = value if isinstance(value, list) else [value]
                for t in types:
                    if isinstance(t, str) and t.startswith("@"):
                        continue
                    if not _absolute(t):
                        what = "datatype" if is_value else "@type"
                        raise JsonLdProcessingError(
                            Code.PROOF_INVALID, f"{what} {quote(t, 80)} is not defined by the @context (safe mode)"
                        )
            elif key.startswith("@"):
                stack.append(value)
            else:
                if key.startswith("_:") or not _absolute(key):
                    raise JsonLdProcessingError(
                        Code.PROOF_INVALID, f"property {quote(key, 80)} is not an IRI (safe mode)"
                    )
                stack.append(value)



def _admit_values(doc: Any, ctx: RunContext | None, code: Code, budget: str, too_large: str, consequence: str) -> None:
    """The bounds every JSON-LD operation checks before pyld runs: the context entries, the document's values
    (`max_jsonld_values`) and the verification's running total under `budget` (proofs and the key-meaning round
    trip keep separate totals, so one never eats into the other). Raises `JsonLdProcessingError` with `code`."""
    limits = policy_of(ctx)
    check_context_entries(doc, limits.max_context_entries)
    values = count_values(doc, limits.max_jsonld_values)
    if values > limits.max_jsonld_values:
        raise JsonLdProcessingError(
            code, f"the document holds more than {limits.max_jsonld_values:,} JSON values: {too_large}")
    if ctx is not None and not ctx.spend(budget, values, limits.jsonld_values_per_verification):
        raise JsonLdProcessingError(
            code,
            f"this verification's JSON-LD documents together hold more than "
            f"{limits.jsonld_values_per_verification:,} values (obverify's limit), {consequence}",
        )

def expand_safe(doc: Any, ctx: RunContext | None, *, stage: str = "proofs") -> list[Any]:
    """Expand `doc` in safe mode; raise `JsonLdProcessingError` (`context_invalid` or `proof_invalid`)."""
    _admit_values(doc, ctx, Code.PROOF_INVALID, "jsonld_values",
                  "too large to canonicalize (obverify's limit), so its proof is not checked",
                  "so this proof is not checked")
    state = _LoaderState()
    try:
        expanded, dropped = _expand_tracked(doc, ctx, _options(ctx, stage, state))
    except JsonLdProcessingError:
        raise
    except (JsonLdError, ValueError, TypeError, KeyError, AttributeError, RecursionError) as exc:
        raise _failure(exc, state) from None
    _safe_walk(expanded, dropped)
    return expanded if isinstance(expanded, list) else [expanded]


def canonize(doc: Any, ctx: RunContext | None, *, stage: str = "proofs", hash_algorithm: str = "sha256") -> str:
    """RDFC-1.0 canonical N-Quads of `doc`, expanded in safe mode; raise `JsonLdProcessingError` on any problem.

    `hash_algorithm` ("sha256" or "sha384") is RDFC-1.0's hash parameter, chosen by the suite.
    """
    expanded = expand_safe(doc, ctx, stage=stage)
    return canonize_expanded(expanded, ctx, hash_algorithm=hash_algorithm)


def canonize_expanded(expanded: list[Any], ctx: RunContext | None = None, *, hash_algorithm: str = "sha256") -> str:
    """RDFC-1.0 canonical N-Quads of an already expanded (and safe-checked) document."""
    limits = policy_of(ctx)
    comparisons = merge_comparisons(expanded)
    if comparisons > limits.max_node_map_comparisons:
        raise JsonLdProcessingError(
            Code.PROOF_INVALID,
            f"building the document's node map would take {comparisons:,} value comparisons (obverify's limit is "
            f"{limits.max_node_map_comparisons:,}: one property holds too many values), so its proof is not checked",
        )
    budget = limits.node_map_comparisons_per_verification
    if ctx is not None and not ctx.spend("jsonld_comparisons", comparisons, budget):
        raise JsonLdProcessingError(
            Code.PROOF_INVALID,
            f"this verification's JSON-LD documents together need more than {budget:,} value"
            " comparisons (obverify's limit), so this proof is not checked",
        )
    try:
        result = fence.canonical_nquads(expanded, ctx, hash_algorithm)
    except fence.CanonWorkExceededError:
        raise JsonLdProcessingError(
            Code.PROOF_INVALID,
            f"canonicalizing the document would take more than {limits.max_rdfc_steps:,} steps "
            f"({limits.rdfc_steps_per_verification:,} for the whole verification): its blank nodes are too alike"
            " to tell apart in bounded time (RDFC-1.0 poison graph), so its proof is not checked",
        ) from None
    except (JsonLdError, ValueError, TypeError, KeyError, AttributeError, RecursionError) as exc:
        raise _failure(exc, _LoaderState()) from None
    if not isinstance(result, str):
        raise JsonLdProcessingError(Code.PROOF_INVALID, "canonicalization produced no N-Quads")
    return result


def compact_round_trip(doc: dict[str, Any], ctx: RunContext | None, *, stage: str = "schemas") -> tuple[Any, Any]:
    """`doc` expanded, then compacted again under its own top-level `@context` (the "checked is signed" rule).

    Returns (that compact form, the compact form under only the bundled contexts among `doc`'s, or None when
    all of them are bundled). The second shows where a context we do not pin defines an alias for a term of
    the pinned vocabulary, which compaction may prefer (it picks the shortest term for an IRI).

    The result is the one spelling of `doc`'s JSON-LD meaning that its contexts give: defined terms instead of
    absolute IRIs or other aliases, plain values where a term's type coerces them, `id`/`type` instead of
    `@id`/`@type`, single values for one-element arrays, no embedded `@context`. `obverify._engines.spelling` compares
    it with `doc`. Nothing is dropped silently by this function: a property the contexts do not define is
    simply absent from the result, so the comparison names it.

    Bounded like canonicalization: at most `max_jsonld_values` values in `doc`, and this check's own run
    budget (`jsonld_values_per_verification` over a credential, its status lists and endorsements together),
    separate from the proofs' so that checking the spelling never eats into what a proof may canonicalize. Expansion and
    compaction are both linear in the document (there is no node map here). Raises `JsonLdProcessingError`
    (`context_invalid` for a context problem, else `proof_invalid`, which callers re-label).
    """
    _admit_values(doc, ctx, Code.SCHEMA_INVALID, "jsonld_round_trip_values",
                  "too large to check what its keys mean (obverify's limit)",
                  "so what this one's keys mean is not checked")
    state = _LoaderState()
    proc = Processor()
    try:
        expanded, _ = _expand_tracked(doc, ctx, _options(ctx, stage, state))
        state = _LoaderState()  # compaction loads the same contexts again (from the run's cache): no cycle
        options = _options(ctx, stage, state)
        options.update({"compactArrays": True, "graph": False, "skipExpansion": True})
        compacted = proc.compact(expanded, {"@context": doc.get("@context")}, options)
        context = doc.get("@context")
        entries = context if isinstance(context, list) else [context]
        pinned = [e for e in entries if isinstance(e, str) and bundled_context(e) is not None]
        if len(pinned) == len(entries):
            return compacted, None
        state = _LoaderState()
        options = _options(ctx, stage, state)
        options.update({"compactArrays": True, "graph": False, "skipExpansion": True})
        # No bundled context at all: the form under none, i.e. under an empty context (pyld 3.x fails with a
        # KeyError on the equivalent empty list `{"@context": []}`, which made every such document unreadable).
        return compacted, proc.compact(expanded, {"@context": pinned} if pinned else {}, options)
    except JsonLdProcessingError:
        raise
    except (JsonLdError, ValueError, TypeError, KeyError, AttributeError, RecursionError) as exc:
        raise _failure(exc, state) from None


__all__ = [
    "CANON_HASHES",
    "RELATIVE_BASE",
    "DocumentLoader",
    "canonize",
    "canonize_expanded",
    "compact",
    "compact_round_trip",
    "document_loader",
    "expand_safe",
]
