"""The bounds of JSON-LD work, checked before pyld runs (SECURITY.md §6; every number a `VerificationPolicy`
field): how many `@context` entries, JSON values and node-map comparisons a document may cost, and the error
every check of this package raises. Plain Python over the JSON: no pyld here.
"""

from __future__ import annotations

from typing import Any

from obverify._core.context import RunContext
from obverify._core.errors import Code
from obverify._core.policy import DEFAULT_POLICY, VerificationPolicy


class JsonLdProcessingError(Exception):
    """JSON-LD processing failed: `code` is `context_invalid` or `proof_invalid`; the message is ours."""

    def __init__(self, code: Code, message: str) -> None:
        super().__init__(message)
        self.code = code
        self.message = message


def policy_of(ctx: RunContext | None) -> VerificationPolicy:
    """The run's policy; outside a run (a test, a tool) the defaults."""
    return ctx.policy if ctx is not None else DEFAULT_POLICY


def check_context_entries(doc: Any, limit: int = DEFAULT_POLICY.max_context_entries) -> None:
    """Refuse, before any JSON-LD processing, a document whose `@context` values repeat an entry or hold more
    than `limit` entries in all (`VerificationPolicy.max_context_entries`; real credentials hold 2 to 5): pyld
    processes each entry in turn, re-checking every protected term it defines, and a 7.5 kB credential repeating
    the OB 3.0 context 100 times cost 3.6 s per verification (found by fuzzing).
    `JsonLdProcessingError` (`context_invalid`)."""
    total = 0
    stack = [doc]
    while stack:
        node = stack.pop()
        if isinstance(node, dict):
            for key, value in node.items():
                if key == "@context":
                    entries = value if isinstance(value, list) else [value]
                    total += len(entries)
                    urls = [e for e in entries if isinstance(e, str)]
                    if len(set(urls)) != len(urls):
                        raise JsonLdProcessingError(Code.CONTEXT_INVALID, "an @context lists the same context twice")
                stack.append(value)
        elif isinstance(node, list):
            stack.extend(node)
    if total > limit:
        raise JsonLdProcessingError(Code.CONTEXT_INVALID, f"more than {limit} @context entries "
                                    "(obverify's limit): too costly to process")


def count_values(doc: Any, limit: int) -> int:
    """The number of JSON values in `doc`, counting stops once past `limit`."""
    count = 0
    stack = [doc]
    while stack and count <= limit:
        node = stack.pop()
        count += 1
        if isinstance(node, dict):
            stack.extend(node.values())
        elif isinstance(node, list):
            stack.extend(node)
    return count


def merge_comparisons(expanded: Any) -> int:
    """How many value comparisons pyld's Node Map Generation makes on `expanded` (an upper bound).

    Mirrors where `_create_node_map` adds a value with duplicates refused: each value of a property (and each
    `@type`) of a node, each reverse reference, counted per node and property. Nodes merge by `@id` (blank
    node labels included), as they do in the node map; a node without `@id` is its own. The k-th value added
    to a property costs k - 1 comparisons.
    """
    counts: dict[tuple[Any, str], int] = {}
    stack: list[Any] = [expanded]
    while stack:
        node = stack.pop()
        if isinstance(node, list):
            stack.extend(node)
            continue
        if not isinstance(node, dict) or "@value" in node:
            continue
        if "@list" in node:
            stack.append(node["@list"])
            continue
        key: Any = node.get("@id")
        if not isinstance(key, str):
            key = id(node)
        for prop, objects in node.items():
            if prop == "@reverse" and isinstance(objects, dict):
                for reverse_property, items in objects.items():
                    for item in items if isinstance(items, list) else [items]:
                        target = item.get("@id") if isinstance(item, dict) else None
                        slot = (target if isinstance(target, str) else id(item), str(reverse_property))
                        counts[slot] = counts.get(slot, 0) + 1
                        stack.append(item)
                continue
            if prop in ("@graph", "@included"):
                stack.append(objects)
                continue
            if prop != "@type" and prop.startswith("@"):
                continue
            items = objects if isinstance(objects, list) else [objects]
            counts[(key, prop)] = counts.get((key, prop), 0) + len(items)
            if prop != "@type":
                stack.extend(items)
    return sum(n * (n - 1) // 2 for n in counts.values())


__all__ = ["JsonLdProcessingError", "check_context_entries", "count_values", "merge_comparisons", "policy_of"]
