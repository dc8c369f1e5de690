"""The pyld fence: the one module that imports pyld, and everything that subclasses, calls or reads its
private hooks (`JsonLdProcessor._process_context`, `_create_node_map`, `_graph_to_rdf`, `ContextResolver._get`
and `_cache_resolved_context`, `URDNA2015.hash_n_degree_quads` and `create_hash_to_related`,
`jsonld.DEFAULT_BASE_IRI`). tests/unit/test_fences.py names each hook, so an upgrade inside the pinned
`PyLD>=3.3,<4` that moves one fails there by name; tests/unit/test_jsonld.py checks that the memoized output
equals plain pyld's on the corpus.

What is fenced: a memo for processing bundled (immutable) contexts, a context resolver keying bundled context
objects by identity, and RDFC-1.0 (URDNA2015) with a work limit. The rest of the package
(`processing`: the guarded loader, expansion in safe mode, canonicalization, the compaction round trip;
`budgets`: the bounds checked before any of it) goes through the names exported here.
"""

from __future__ import annotations

import copy
import hashlib
import re
from typing import Any

from cachetools import LRUCache
from pyld import jsonld
from pyld.canon import URDNA2015
from pyld.context_resolver import ContextResolver
from pyld.identifier_issuer import IdentifierIssuer
from pyld.resolved_context import ResolvedContext

from obverify._core.context import RunContext
from obverify._engines.jsonld.budgets import policy_of

CANON_HASHES = frozenset({"sha256", "sha384"})
"""RDFC-1.0 hash algorithms a suite may ask for (RDFC-1.0's default SHA-256; SHA-384 for ECDSA P-384 keys)."""

JsonLdError = jsonld.JsonLdError

# Resolved bundled contexts, shared by every operation of the process (bundled contexts never change).
_SHARED_CACHE: LRUCache[str, Any] = LRUCache(maxsize=256)

# An absolute IRI or a blank node identifier, as jsonld.js's safe mode tests it.
ABSOLUTE_IRI = re.compile(r"^(?:[A-Za-z][A-Za-z0-9+\-.]*|_):[^\s]*$")
# pyld 3.x resolves a relative IRI against this placeholder when the document has no base (jsonld.js keeps
# it relative and drops it): an IRI under it in the expanded output came from a relative reference.
PLACEHOLDER_BASE: str = getattr(jsonld, "DEFAULT_BASE_IRI", "http://example.org/base/")


# Every dict/list object inside a loaded bundled context, by id, kept alive here so ids are never reused.
# Bundled contexts are immutable, so processing one of these objects against a given (frozen, uniquely
# identified) active context always gives the same result: `_Processor` memoizes that. pyld 3.x would
# otherwise re-process every type-scoped context on every document (it clones the active context without
# its identifier), which was most of the cost of one verification.
_TRUSTED: dict[int, Any] = {}
_PROCESSED: LRUCache[tuple[str, int, bool, bool, bool], Any] = LRUCache(maxsize=512)
# One private copy per bundled URL, registered once (bounded by the number of bundled contexts).
_BUNDLED_COPIES: dict[str, Any] = {}


def _register_trusted(document: Any) -> None:
    stack = [document]
    while stack:
        node = stack.pop()
        if isinstance(node, dict):
            _TRUSTED[id(node)] = node
            stack.extend(node.values())
        elif isinstance(node, list):
            _TRUSTED[id(node)] = node
            stack.extend(node)


class _Processor(jsonld.JsonLdProcessor):  # type: ignore[misc]
    """pyld's processor with a memo for processing bundled (scoped) contexts; results are identical."""

    def _process_context(
        self,
        active_ctx: Any,
        local_ctx: Any,
        options: Any,
        override_protected: bool = False,
        propagate: bool = True,
        validate_scoped: bool = True,
        cycles: Any = None,
    ) -> Any:
        uid = active_ctx.get("_uuid") if isinstance(active_ctx, dict) or hasattr(active_ctx, "get") else None
        if isinstance(uid, str) and id(local_ctx) in _TRUSTED and _TRUSTED[id(local_ctx)] is local_ctx:
            key = (uid, id(local_ctx), override_protected, propagate, validate_scoped)
            hit = _PROCESSED.get(key)
            if hit is None:
                hit = super()._process_context(
                    active_ctx, local_ctx, options, override_protected, propagate, validate_scoped, cycles
                )
                _PROCESSED[key] = hit
            return hit
        return super()._process_context(
            active_ctx, local_ctx, options, override_protected, propagate, validate_scoped, cycles
        )


class _Resolver(ContextResolver):  # type: ignore[misc]
    """pyld's context resolver, keying a bundled context object by its identity instead of its JCS text.

    pyld caches a context object under its RFC 8785 serialization, computed in pure Python every time the
    object is resolved: about 6 ms for the VC v2 and OB 3.0 contexts of one cold verification. A bundled
    object (`_TRUSTED`) never changes and is never freed, so its `id` names it as well; the cached entry is
    the same `ResolvedContext` pyld would make. Anything else takes pyld's own path.
    """

    def resolve(self, active_ctx: Any, context: Any, base: Any, cycles: Any = None) -> Any:
        inner = context["@context"] if isinstance(context, dict) and "@context" in context else context
        if isinstance(inner, dict) and _TRUSTED.get(id(inner)) is inner:
            key = f"obverify-bundled:{id(inner)}"
            resolved = self._get(key)
            if not resolved:
                resolved = self._cache_resolved_context(key, ResolvedContext(inner), "static")
            return [resolved]
        return super().resolve(active_ctx, context, base, cycles)


class _CanonWorkExceededError(Exception):
    """Raised inside `_BoundedURDNA2015` once a document's RDFC-1.0 work would pass its limit."""


class _BoundedURDNA2015(URDNA2015):  # type: ignore[misc]
    """pyld's RDFC-1.0 (URDNA2015) with a work limit: results are identical, or it raises before the work.

    Each Hash N-Degree Quads call counts one step and the permutations it is about to try count one each
    (the product of the factorials of its related-blank-node groups), against the policy's `max_rdfc_steps`
    for the document and `rdfc_steps_per_verification` for the run.

    `hash_algorithm` is RDFC-1.0's "hash algorithm" parameter (RDFC-1.0 §4.2): SHA-256 by default; the ECDSA
    cryptosuites use SHA-384 for P-384 keys (VC DI ECDSA §3 "Algorithms", the paragraph `#canon-and-hash`).
    It decides the canonical blank node labels, so a wrong choice changes the canonical form itself.
    """

    def __init__(self, ctx: RunContext | None, hash_algorithm: str = "sha256") -> None:
        super().__init__()
        if hash_algorithm not in CANON_HASHES:
            raise ValueError(f"unsupported RDFC-1.0 hash algorithm {hash_algorithm!r}")
        self._ctx = ctx
        self._max_steps = policy_of(ctx).max_rdfc_steps
        self._run_steps = policy_of(ctx).rdfc_steps_per_verification
        self._steps = 0
        self._new_hash = hashlib.sha384 if hash_algorithm == "sha384" else hashlib.sha256

    def create_hash(self) -> Any:
        return self._new_hash()

    def _spend(self, steps: int) -> None:
        self._steps += steps
        if self._steps > self._max_steps or (
            self._ctx is not None and not self._ctx.spend("rdfc_steps", steps, self._run_steps)
        ):
            raise _CanonWorkExceededError

    def hash_n_degree_quads(self, id_: Any, issuer: Any) -> Any:
        self._spend(1)
        return super().hash_n_degree_quads(id_, issuer)

    def create_hash_to_related(self, id_: Any, issuer: Any) -> Any:
        related = super().create_hash_to_related(id_, issuer)
        permutations = 1
        for nodes in related.values():
            for k in range(2, len(nodes) + 1):
                permutations *= k
                if permutations > self._max_steps:
                    break
        self._spend(permutations)
        return related


def bundled_document(url: str, bundled: Any) -> Any:
    """The process's private copy of the bundled context `bundled` (served for `url`), registered as trusted
    so that `Processor` and `context_resolver` may key it by identity. One copy per URL, made once."""
    document = _BUNDLED_COPIES.get(url)
    if document is None:
        document = copy.deepcopy(bundled)
        _register_trusted(document)
        _BUNDLED_COPIES[url] = document
    return document


def context_resolver(loader: Any, *, max_context_urls: int) -> Any:
    """pyld's context resolver for one operation over `loader`, sharing the process's cache of bundled contexts."""
    return _Resolver(_SHARED_CACHE, loader, max_context_urls=max_context_urls)


def compact(doc: Any, context: Any, options: dict[str, Any]) -> Any:
    """pyld's public `jsonld.compact`."""
    return jsonld.compact(doc, context, options)


def canonical_nquads(expanded: list[Any], ctx: RunContext | None, hash_algorithm: str) -> Any:
    """pyld's own `to_rdf` after expansion, without expanding a second time, then RDFC-1.0 under the work limit
    (raises `CanonWorkExceededError` past it, pyld's errors otherwise)."""
    proc = jsonld.JsonLdProcessor()
    issuer = IdentifierIssuer("_:b")
    node_map: dict[str, Any] = {"@default": {}}
    proc._create_node_map(expanded, node_map, "@default", issuer)
    options: dict[str, Any] = {
        "produceGeneralizedRdf": False,
        "rdfDirection": None,
        "processingMode": "json-ld-1.1",
    }
    dataset: dict[str, Any] = {}
    for graph_name, graph in sorted(node_map.items()):
        if graph_name == "@default" or ABSOLUTE_IRI.match(graph_name):
            dataset[graph_name] = proc._graph_to_rdf(graph, issuer, options)
    return _BoundedURDNA2015(ctx, hash_algorithm).main(dataset, {"format": "application/n-quads"})


Processor = _Processor
CanonWorkExceededError = _CanonWorkExceededError

__all__ = [
    "ABSOLUTE_IRI",
    "CANON_HASHES",
    "PLACEHOLDER_BASE",
    "CanonWorkExceededError",
    "JsonLdError",
    "Processor",
    "bundled_document",
    "canonical_nquads",
    "compact",
    "context_resolver",
]
