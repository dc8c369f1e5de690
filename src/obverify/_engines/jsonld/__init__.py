"""JSON-LD for proofs and the "checked is signed" rule: `fence` (the one module touching pyld and its private
hooks), `budgets` (the bounds of JSON-LD work, checked before pyld runs), `processing` (the guarded document
loader, safe-mode expansion, RDFC-1.0 canonicalization, compaction). The names below are what the stages use."""

from obverify._engines.jsonld.budgets import JsonLdProcessingError, check_context_entries, merge_comparisons
from obverify._engines.jsonld.fence import CANON_HASHES, JsonLdError
from obverify._engines.jsonld.processing import (
    RELATIVE_BASE,
    canonize,
    canonize_expanded,
    compact,
    compact_round_trip,
    document_loader,
    expand_safe,
)

__all__ = [
    "CANON_HASHES",
    "RELATIVE_BASE",
    "JsonLdError",
    "JsonLdProcessingError",
    "canonize",
    "canonize_expanded",
    "check_context_entries",
    "compact",
    "compact_round_trip",
    "document_loader",
    "expand_safe",
    "merge_comparisons",
]
