"""The OB 2.0 vocabulary: the v2 context's URL and its term definitions, and IRI expansion through them.

Read by the OB 2.0 stages (class checks, extension contexts, via `obverify._ob2.common`) and by the spelling
engine (`obverify._engines.spelling`), which must not import the stages: so it lives here, below both.
"""

from __future__ import annotations

from functools import lru_cache

V2_CONTEXT = "https://w3id.org/openbadges/v2"

OBI = "https://w3id.org/openbadges#"


@lru_cache(maxsize=1)
def _v2_terms() -> dict[str, str]:
    """The OB v2 context's string term definitions (term or prefix → IRI or compact IRI), from the bundle."""
    from obverify._engines.contexts import bundled_context

    context = (bundled_context(V2_CONTEXT) or {}).get("@context", {})
    out: dict[str, str] = {}
    for term, definition in context.items():
        target = definition.get("@id") if isinstance(definition, dict) else definition
        if isinstance(target, str):
            out[term] = target
    return out


def expand_v2_iri(value: str) -> str:
    """A `@type` value's IRI under the OB v2 context (JSON-LD 1.1 IRI Expansion, vocab-relative): a term, a
    compact IRI whose prefix the context defines, or an absolute IRI. Anything else is returned as is, so it
    matches no known class IRI."""
    return expand_iri(value, _v2_terms())


def expand_iri(value: str, terms: dict[str, str]) -> str:
    """`value` expanded through `terms` (term → IRI or compact IRI): a term, or a compact IRI whose prefix is a
    term; keywords and absolute IRIs (`prefix://…`) are left as they are. Shared by the v2 class checks and the
    extension contexts."""
    for _ in range(4):  # terms map to compact IRIs at most a couple of levels deep (Issuer → obi:Issuer)
        if value in terms and not value.startswith("@"):
            value = terms[value]
            continue
        prefix, sep, suffix = value.partition(":")
        if sep and prefix in terms and not suffix.startswith("//"):
            value = terms[prefix] + suffix
            continue
        break
    return value
