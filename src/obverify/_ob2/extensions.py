"""OB 2.0 "Extensions": an extension node is validated against the JSON Schema its context names.

OB 2.0 "Extensions" / "Extension Validation": an extension is a JSON object in a Badge Object holding its own
`@context` and `type`; its context may declare `obi:validation` entries, each an `obi:validatesType` (a type
IRI) and an `obi:validationSchema` (a JSON Schema URL). A node whose type (read in the v2 context plus its own)
is one a validation entry names must conform to that schema, else `schema_invalid`. The
spec makes schemas optional, so an extension nothing validates (no such entry for its type, or a context or
schema that cannot be had) is accepted with the warning `extension_unvalidated`.

Contexts and schemas come from the bundle first (the well-known 1EdTech extension contexts in
`schemas/contexts/`, their schemas in `schemas/ob2-extensions/`, pinned by SHA-256; see
`scripts/bundle_ob2_extensions.py`). Any other is fetched through the run's loader like every other document
(its network policy, per-run cache and document cap), and a fetch-pinned context must match its pin. Such a
fetch never fails the badge by itself: a failure only leaves the extension unvalidated. These documents are
only read as data (term definitions, a schema); they are never used to process the badge's JSON-LD.

The node is validated as written, in its own terms (its `@context` defines them), before any compaction into
the v2 context renames them. At most the policy's `max_extensions` nodes per document are looked at; schema
messages name the failing keyword and location, never the value.
"""

from __future__ import annotations

import hashlib
from functools import cache
from typing import Any

from obverify._core.context import RunContext
from obverify._core.errors import Code, WarningCode
from obverify._core.report import Collector, Report
from obverify._core.resources import read_data
from obverify._core.strictjson import parse_package_json
from obverify._core.text import quote, quote_url
from obverify._ob2.common import STAGE_SCHEMAS, V2_CONTEXT, as_list, expand_iri, types_of

"""Extension nodes validated per document; more are reported once as unvalidated."""
MAX_MESSAGES = 5
"""Schema failures reported per extension node (the first ones, by location)."""
OBI = "https://w3id.org/openbadges#"


def _pointer_part(key: str) -> str:
    return key.replace("~", "~0").replace("/", "~1")


@cache
def _schema_index() -> dict[str, Any]:
    raw = read_data("ob2-extensions/index.json")
    value = parse_package_json(raw) if raw is not None else {}
    return value if isinstance(value, dict) else {}


def bundled_extension_schema(url: str) -> Any | None:
    """The bundled JSON Schema published at `url`, checked against its pinned SHA-256; None if not bundled."""
    entry = _schema_index().get(url)
    if not isinstance(entry, dict) or not isinstance(entry.get("file"), str):
        return None
    raw = read_data(f"ob2-extensions/{entry['file']}")
    if raw is None or hashlib.sha256(raw).hexdigest() != entry.get("sha256"):
        raise RuntimeError(f"bundled extension schema for {url} is missing or does not match its pin")
    return parse_package_json(raw)


def _fetch(ctx: RunContext, url: str, what: str) -> Any | None:
    """A context or schema through the run's loader (cache and caps shared), findings kept out of the report."""
    aside = ctx.aside(Collector(Report(checked_at=ctx.at)))
    return aside.fetch_json(url, stage=STAGE_SCHEMAS, what=what)


def _context(ctx: RunContext, url: str) -> tuple[dict[str, Any] | None, str]:
    """(context document, why not) for an extension context URL."""
    from obverify._engines.contexts import bundled_context, fetch_pin, matches_pin

    bundled = bundled_context(url)
    if isinstance(bundled, dict):
        return bundled, ""
    fetched = _fetch(ctx, url, "extension context")
    if not isinstance(fetched, dict):
        return None, f"its context {quote_url(url)} could not be loaded"
    if fetch_pin(url) is not None and not matches_pin(url, fetched):
        return None, f"its context {quote_url(url)} is not the pinned document"
    return fetched, ""


def _schema(ctx: RunContext, url: str) -> tuple[Any | None, str]:
    bundled = bundled_extension_schema(url)
    if bundled is not None:
        return bundled, ""
    fetched = _fetch(ctx, url, "extension schema")
    if not isinstance(fetched, dict | bool):
        return None, f"its schema {quote_url(url)} could not be loaded"
    return fetched, ""


def _terms(*contexts: Any) -> dict[str, str]:
    """String term definitions of context objects, later ones overriding (JSON-LD context processing, for the
    plain `term: IRI` and `term: {"@id": IRI}` definitions extension contexts use)."""
    out: dict[str, str] = {}
    for context in contexts:
        for item in as_list(context):
            if not isinstance(item, dict):
                continue
            for term, definition in item.items():
                target = definition.get("@id") if isinstance(definition, dict) else definition
                if isinstance(target, str) and not term.startswith("@"):
                    out[term] = target
    return out


def _v2_context() -> Any:
    from obverify._engines.contexts import bundled_context

    value = bundled_context(V2_CONTEXT)
    return value.get("@context") if isinstance(value, dict) else None


def _schema_failures(schema: Any, node: dict[str, Any]) -> list[str] | None:
    """Where `node` fails `schema` (keyword at location, never the value); None if the schema is unusable."""
    from jsonschema import FormatChecker
    from jsonschema.exceptions import SchemaError
    from jsonschema.validators import Draft4Validator, validator_for
    from referencing import Registry
    from referencing.exceptions import NoSuchResource

    from obverify._engines.schemas import check_uri_format, json_pointer

    def refuse(uri: str) -> Any:
        raise NoSuchResource(ref=uri)  # type: ignore[call-arg]  # never fetch a $ref

    cls = validator_for(schema, default=Draft4Validator)
    try:
        cls.check_schema(schema)
    except SchemaError:
        return None
    checker = FormatChecker()
    for name in ("uri", "url", "iri"):
        checker.checks(name)(check_uri_format)
    validator = cls(schema, registry=Registry(retrieve=refuse), format_checker=checker)  # type: ignore[call-arg]
    messages: list[str] = []
    try:
        errors = sorted(validator.iter_errors(node), key=lambda e: list(map(str, e.absolute_path)))
    except Exception:  # noqa: BLE001 - a broken $ref or pattern in a third-party schema: unusable, not a pass
        return None
    for error in errors[:MAX_MESSAGES]:
        where = json_pointer(error.absolute_path) or "/"
        messages.append(f"fails {quote(error.validator, 40)} at {quote(where, 200)}")
    return messages


def check_extensions(ctx: RunContext, doc: dict[str, Any], *, url: str | None, label: str) -> bool:
    """Validate every extension node of one OB 2.0 Badge Object; findings recorded; False if one fails."""
    nodes = [(key, i if isinstance(value, list) else None, node)
             for key, value in doc.items() if isinstance(key, str) and not key.startswith("@")
             for i, node in enumerate(as_list(value)) if isinstance(node, dict) and "@context" in node]
    if not nodes:
        return True
    ok = True
    v2 = _v2_context()
    limit = ctx.policy.max_extensions
    for key, index, node in nodes[:limit]:
        path = f"/{_pointer_part(key)}" + (f"/{index}" if index is not None else "")
        ok = _check_node(ctx, node, v2, key=key, path=path, url=url, label=label) and ok
    if len(nodes) > limit:
        ctx.out.warn(WarningCode.EXTENSION_UNVALIDATED, f"{label}: only the first {limit} extensions were validated",
                     stage=STAGE_SCHEMAS, url=url)
    return ok


def _check_node(
    ctx: RunContext, node: dict[str, Any], v2: Any, *, key: str, path: str, url: str | None, label: str
) -> bool:
    contexts = as_list(node.get("@context"))
    loaded: list[dict[str, Any]] = []
    why: list[str] = []
    for item in contexts:
        if isinstance(item, str):
            document, reason = _context(ctx, item)
            if document is None:
                why.append(reason)
            else:
                loaded.append(document)
    node_terms = _terms(v2, *(d.get("@context") for d in loaded), *[c for c in contexts if isinstance(c, dict)])
    node_types = {expand_iri(t, node_terms) for t in types_of(node)}
    schemas: list[str] = []
    for document in loaded:
        own_terms = _terms(v2, document.get("@context"))
        for entry in as_list(document.get("obi:validation", document.get(OBI + "validation"))):
            if not isinstance(entry, dict):
                continue
            validates = entry.get("obi:validatesType", entry.get(OBI + "validatesType"))
            schema_url = entry.get("obi:validationSchema", entry.get(OBI + "validationSchema"))
            usable = isinstance(validates, str) and isinstance(schema_url, str)
            if usable and expand_iri(str(validates), own_terms) in node_types:
                schemas.append(str(schema_url))
    name = quote(key, 80)
    if not schemas:
        reason = "; ".join(why) or "its context declares no schema for its type"
        ctx.out.warn(WarningCode.EXTENSION_UNVALIDATED, f"{label}: extension {name} is not validated: {reason}",
                     stage=STAGE_SCHEMAS, path=path, url=url)
        return True
    ok = True
    for schema_url in schemas:
        schema, reason = _schema(ctx, schema_url)
        failures = _schema_failures(schema, node) if schema is not None else None
        if failures is None:
            ctx.out.warn(WarningCode.EXTENSION_UNVALIDATED, f"{label}: extension {name} is not validated: "
                         f"{reason or f'its schema {quote_url(schema_url)} is not a usable JSON Schema'}",
                         stage=STAGE_SCHEMAS, path=path, url=url)
            continue
        for failure in failures:
            ok = False
            ctx.out.error(Code.SCHEMA_INVALID, f"{label}: extension {name} {failure} of its schema "
                          f"{quote_url(schema_url)}", stage=STAGE_SCHEMAS, path=path, url=url)
    ctx.out.check(f"extension {key}", "passed" if ok else "failed", label)
    return ok


__all__ = ["bundled_extension_schema", "check_extensions"]
