"""OB 2.0 extension validation (issue 15 class 11): bundled contexts and schemas, pins, bounds, messages."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import Any

import pytest

from obverify._core.context import RunContext
from obverify._core.policy import DEFAULT_POLICY
from obverify._core.report import Collector, Report
from obverify._engines.net.store import DocumentStore
from obverify._ob2.extensions import bundled_extension_schema, check_extensions

APPLY = "https://w3id.org/openbadges/extensions/applyLinkExtension/context.json"
SECRET = "S3CRET-VALUE-NEVER-QUOTED"


def _ctx(store: DocumentStore | None = None) -> RunContext:
    return RunContext(loader=store or DocumentStore(), at=datetime(2024, 6, 1, tzinfo=UTC), recipients=(),
                      out=Collector(Report()))


def _apply(url: Any) -> dict[str, Any]:
    return {"@context": APPLY, "type": ["Extension", "extensions:ApplyLink"], "url": url}


def test_both_spellings_of_a_well_known_schema_are_bundled_and_pinned() -> None:
    a = bundled_extension_schema("https://w3id.org/openbadges/extensions/applyLinkExtension/schema.json")
    b = bundled_extension_schema("https://openbadgespec.org/extensions/applyLinkExtension/schema.json")
    assert a == b
    assert isinstance(a, dict)
    assert a["required"] == ["url"]
    assert bundled_extension_schema("https://example.test/schema.json") is None


def test_a_bundled_extension_is_validated_without_any_fetch() -> None:
    store = DocumentStore()
    ctx = _ctx(store)
    assert check_extensions(ctx, {"extensions:ApplyLink": _apply("https://i.example/apply")}, url=None, label="x")
    assert ctx.out.report.valid
    assert store.requested == []


def test_a_failure_names_keyword_and_place_never_the_value() -> None:
    ctx = _ctx()
    assert not check_extensions(ctx, {"extensions:ApplyLink": _apply([SECRET])}, url=None, label="badge class")
    (error,) = ctx.out.report.errors
    assert error.code == "schema_invalid"
    assert error.path == "/extensions:ApplyLink"
    assert "fails 'type' at '/url'" in error.message or "fails type at /url" in error.message
    assert SECRET not in error.message


def test_a_context_that_is_not_its_pinned_document_is_not_used() -> None:
    """A fetch-pinned (OB 3.0) extension context served with other content declares nothing we trust."""
    url = "https://openbadgespec.org/extensions/applyLinkExtension/context-3.0.0.json"
    forged = {"@context": {"extensions": "https://w3id.org/openbadges/extensions#"},
              "obi:validation": [{"obi:validatesType": "extensions:ApplyLink",
                                  "obi:validationSchema": "https://attacker.example/schema.json"}]}
    store = DocumentStore()
    store.add(url, json.dumps(forged))
    store.add("https://attacker.example/schema.json", json.dumps({"type": "object"}))
    ctx = _ctx(store)
    node = {"@context": url, "type": ["Extension", "extensions:ApplyLink"], "url": 5}
    assert check_extensions(ctx, {"extensions:ApplyLink": node}, url=None, label="x")
    assert [w.code for w in ctx.out.report.warnings] == ["extension_unvalidated"]
    assert "pinned" in ctx.out.report.warnings[0].message
    assert "https://attacker.example/schema.json" not in store.requested


def test_the_number_of_extension_nodes_is_bounded() -> None:
    store = DocumentStore()
    ctx = _ctx(store)
    doc = {f"extensions:X{i}": {"@context": f"https://ext.example/{i}/context.json", "type": "Extension"}
           for i in range(40)}
    assert check_extensions(ctx, doc, url=None, label="x")
    assert len(store.requested) == DEFAULT_POLICY.max_extensions
    assert "only the first" in ctx.out.report.warnings[-1].message


@pytest.mark.parametrize("schema", [{"type": "not-a-type"}, {"$ref": "https://elsewhere.example/s.json"}])
def test_an_unusable_schema_leaves_the_extension_unvalidated_never_passed_silently(schema: dict[str, Any]) -> None:
    context_url, schema_url = "https://ext.example/context.json", "https://ext.example/schema.json"
    store = DocumentStore()
    store.add(context_url, json.dumps({"@context": {"extensions": "https://w3id.org/openbadges/extensions#"},
                                       "obi:validation": [{"obi:validatesType": "extensions:Thing",
                                                           "obi:validationSchema": schema_url}]}))
    store.add(schema_url, json.dumps(schema))
    ctx = _ctx(store)
    node = {"@context": context_url, "type": ["Extension", "extensions:Thing"]}
    assert check_extensions(ctx, {"extensions:Thing": node}, url=None, label="x")
    assert [w.code for w in ctx.out.report.warnings] == ["extension_unvalidated"]
    assert "https://elsewhere.example/s.json" not in store.requested
