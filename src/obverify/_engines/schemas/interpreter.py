"""Our JSON Schema interpreter for the keywords the project's own schemas use (the bundle, format checkers and
issue templates are `bundle`'s; the jsonschema engine is `registry`'s).

One interpreter, two engines. Schemas that use only the keywords the project's own schemas need (`type`,
`required`, `properties`, `additionalProperties: false`, `items`, `prefixItems`, `anyOf`, `allOf`, `oneOf`,
`if`/`then`, `const`, `enum`, `contains`, `minLength`, `minItems`, `pattern`, `format` from the checkers above
plus `date`, and `$ref` within the bundle; 2020-12 only) run on a small interpreter here: some 50 times faster
than building and running a jsonschema validator, and no import of jsonschema (0.1-0.25 s), so the command
line starts and finishes fast for OB 2.0 (`schemas/ob2/`) and OB 3.0 (`schemas/ob3/`, OB 3.0 §9 step 1)
alike. Before a schema runs on it, every keyword and keyword value reachable from it is checked: anything
the interpreter does not implement sends that schema to jsonschema (imported lazily), so nothing is ever
silently passed. `tests/unit/test_schemas.py` (OB 2.0) and `tests/unit/test_schemas_ob3.py` (OB 3.0, with
the interop corpus and Hypothesis mutations) check that both engines report identical issues.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from functools import cache
from typing import Any

from obverify._engines.schemas import bundle
from obverify._engines.schemas.bundle import SchemaIssue, UnknownSchemaError

# --- the subset interpreter ---------------------------------------------------------------------------

_DIALECT = "https://json-schema.org/draft/2020-12/schema"
_FORMATS = {
    "date-time": bundle.check_datetime, "ob2-date-time": bundle.check_ob2_datetime, "date": bundle.check_date,
    "uri": bundle.check_uri, "iri": bundle.check_uri,
    "uri-reference": bundle.check_uri_ref, "email": bundle.check_email, "idn-email": bundle.check_email,
}
_TYPES: dict[str, Any] = {
    "object": lambda v: isinstance(v, dict), "array": lambda v: isinstance(v, list),
    "string": lambda v: isinstance(v, str), "boolean": lambda v: isinstance(v, bool), "null": lambda v: v is None,
    "number": lambda v: isinstance(v, int | float) and not isinstance(v, bool),
    "integer": lambda v: (isinstance(v, int) and not isinstance(v, bool)) or (isinstance(v, float) and v.is_integer()),
}


def _json_equal(a: Any, b: Any) -> bool:
    """JSON equality: booleans are not numbers, and containers compare member by member."""
    if isinstance(a, bool) or isinstance(b, bool):
        return isinstance(a, bool) and isinstance(b, bool) and a == b
    if isinstance(a, dict) and isinstance(b, dict):
        return a.keys() == b.keys() and all(_json_equal(a[k], b[k]) for k in a)
    if isinstance(a, list) and isinstance(b, list):
        return len(a) == len(b) and all(_json_equal(x, y) for x, y in zip(a, b, strict=True))
    if isinstance(a, int | float) and isinstance(b, int | float):
        return a == b
    return type(a) is type(b) and a == b


@cache
def _resolve_ref(base: str, ref: str) -> tuple[str, Any]:
    """The schema a `$ref` names, from the bundle only: (its base URI, the subschema). Bundled schemas never
    change, so the answer is cached."""
    from urllib.parse import urldefrag, urljoin

    target = urljoin(base, ref)
    url, fragment = urldefrag(target)
    doc: Any = bundle.schema(url)
    if doc is None:
        raise UnknownSchemaError(f"$ref {ref!r} is not in the bundle")
    for part in [p for p in fragment.split("/") if p]:
        key = part.replace("~1", "/").replace("~0", "~")
        doc = doc[int(key)] if isinstance(doc, list) else doc[key]
    return url, doc


def _is_count(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool) and value >= 0


def _is_type(value: Any) -> bool:
    names = value if isinstance(value, list) else [value]
    return bool(names) and all(isinstance(n, str) and n in _TYPES for n in names)


def _is_pattern(value: Any) -> bool:
    try:
        re.compile(value)
    except (re.error, TypeError):
        return False
    return True


def _is_schema(value: Any) -> bool:
    return value is True or isinstance(value, dict)  # a `false` subschema is not implemented


def _is_schema_list(value: Any) -> bool:
    return isinstance(value, list) and len(value) > 0


def _anything(value: Any) -> bool:
    return True


_KEYWORDS: dict[str, Callable[[Any], bool]] = {
    "$schema": lambda v: v == _DIALECT,  # 2020-12 only: `items` and `prefixItems` mean other things elsewhere
    "$id": _anything, "$comment": _anything, "title": _anything, "description": _anything, "const": _anything,
    "$ref": lambda v: isinstance(v, str),
    "$defs": lambda v: isinstance(v, dict), "properties": lambda v: isinstance(v, dict),
    "type": _is_type,
    "required": lambda v: isinstance(v, list) and all(isinstance(n, str) for n in v),
    "additionalProperties": lambda v: isinstance(v, bool),  # a schema here is not implemented
    "items": _is_schema, "if": _is_schema, "then": _is_schema, "contains": _is_schema,
    "prefixItems": _is_schema_list, "anyOf": _is_schema_list, "allOf": _is_schema_list, "oneOf": _is_schema_list,
    "enum": lambda v: isinstance(v, list),
    "minLength": _is_count, "minItems": _is_count,
    "pattern": _is_pattern,
    "format": lambda v: isinstance(v, str) and v in _FORMATS,
}
"""The interpreter's keywords, each with the shape of value it implements: this table is the subset."""
_SUBSCHEMA = frozenset({"items", "if", "then", "contains"})
_SUBSCHEMA_LISTS = frozenset({"prefixItems", "anyOf", "allOf", "oneOf"})
_SUBSCHEMA_MAPS = frozenset({"properties", "$defs"})


@cache
def _subset_ok(schema_id: str) -> bool:
    """Whether `schema_id` and everything it references use only the interpreter's keywords and value shapes.

    Anything else (an unknown keyword, a list `items`, an `additionalProperties` schema, a `false` subschema,
    an embedded `$id`, another dialect) is refused here, so the interpreter never silently passes what it does
    not implement: such a schema runs on jsonschema. Cached (the bundle never changes); callers hold `bundle.lock`,
    so each schema is checked once even under threads.
    """
    seen: set[int] = set()
    stack: list[tuple[str, Any, bool]] = [(schema_id, bundle.schema(schema_id), True)]
    while stack:
        base, node, is_root = stack.pop()
        if node is True or id(node) in seen:
            continue
        seen.add(id(node))
        if not isinstance(node, dict):
            return False
        if not is_root and ("$id" in node or "$schema" in node):
            return False  # an embedded resource moves the base URI; the interpreter does not follow that
        for key, value in node.items():
            check = _KEYWORDS.get(key)
            if check is None or not check(value):
                return False
            if key in _SUBSCHEMA:
                stack.append((base, value, False))
            elif key in _SUBSCHEMA_LISTS:
                stack.extend((base, n, False) for n in value)
            elif key in _SUBSCHEMA_MAPS:
                stack.extend((base, n, False) for n in value.values())
            elif key == "$ref":
                try:
                    target_base, target = _resolve_ref(base, value)
                except (LookupError, ValueError, TypeError):
                    return False
                stack.append((target_base, target, target is bundle.schema(target_base)))
    return True


_Entry = tuple[tuple[str | int, ...], str, tuple[str | int, ...], Mapping[str, Any]]
_Found = list[_Entry]


class _FirstFailureError(Exception):
    """Raised by `_VerdictOnly.append`: when only a verdict is wanted, the first failure decides it."""


class _VerdictOnly(list[_Entry]):
    """A failure list that stops the walk at its first entry (`anyOf`, `oneOf`, `contains`, `if` only need
    a verdict per subschema; the OB 3.0 schemas nest many of them). It never stores anything, so one instance
    is shared by every thread."""

    def append(self, item: _Entry, /) -> None:
        raise _FirstFailureError


_VERDICT = _VerdictOnly()


def _walk(inst: Any, schema: Any, base: str, ipath: tuple[str | int, ...], spath: tuple[str | int, ...],
          out: _Found) -> None:
    """Append (instance path, keyword, schema path, schema object holding the keyword) for every failure, as
    jsonschema's `iter_errors` reports them (`$ref` and `if` add no schema path segment, as there)."""
    if schema is True or not isinstance(schema, dict):
        return
    ref = schema.get("$ref")
    if isinstance(ref, str):
        ref_base, target = _resolve_ref(base, ref)
        _walk(inst, target, ref_base, ipath, spath, out)
    t = schema.get("type")
    if t is not None:
        names = t if isinstance(t, list) else [t]
        if not any(_TYPES[n](inst) for n in names):
            out.append((ipath, "type", (*spath, "type"), schema))
    if "const" in schema and not _json_equal(inst, schema["const"]):
        out.append((ipath, "const", (*spath, "const"), schema))
    if "enum" in schema and not any(_json_equal(inst, e) for e in schema["enum"]):
        out.append((ipath, "enum", (*spath, "enum"), schema))
    if isinstance(inst, str):
        if "minLength" in schema and len(inst) < schema["minLength"]:
            out.append((ipath, "minLength", (*spath, "minLength"), schema))
        if "pattern" in schema and re.search(schema["pattern"], inst) is None:
            out.append((ipath, "pattern", (*spath, "pattern"), schema))
    if "format" in schema and not _FORMATS[schema["format"]](inst):
        out.append((ipath, "format", (*spath, "format"), schema))
    if isinstance(inst, dict):
        if "required" in schema and any(name not in inst for name in schema["required"]):
            out.append((ipath, "required", (*spath, "required"), schema))
        props = schema.get("properties", {})
        for name, sub in props.items():
            if name in inst:
                _walk(inst[name], sub, base, (*ipath, name), (*spath, "properties", name), out)
        if schema.get("additionalProperties") is False and any(name not in props for name in inst):
            out.append((ipath, "additionalProperties", (*spath, "additionalProperties"), schema))
    if isinstance(inst, list):
        if "minItems" in schema and len(inst) < schema["minItems"]:
            out.append((ipath, "minItems", (*spath, "minItems"), schema))
        prefix = schema.get("prefixItems", ())
        for i, sub in enumerate(prefix[:len(inst)]):
            _walk(inst[i], sub, base, (*ipath, i), (*spath, "prefixItems", i), out)
        if "items" in schema:
            for i in range(len(prefix), len(inst)):
                _walk(inst[i], schema["items"], base, (*ipath, i), (*spath, "items"), out)
        if "contains" in schema and not any(_ok(item, schema["contains"], base) for item in inst):
            out.append((ipath, "contains", (*spath, "contains"), schema))
    for i, sub in enumerate(schema.get("allOf", ())):
        _walk(inst, sub, base, ipath, (*spath, "allOf", i), out)
    if "anyOf" in schema and not any(_ok(inst, sub, base) for sub in schema["anyOf"]):
        out.append((ipath, "anyOf", (*spath, "anyOf"), schema))
    if "oneOf" in schema and sum(_ok(inst, sub, base) for sub in schema["oneOf"]) != 1:
        out.append((ipath, "oneOf", (*spath, "oneOf"), schema))
    if "if" in schema and "then" in schema and _ok(inst, schema["if"], base):
        _walk(inst, schema["then"], base, ipath, (*spath, "then"), out)


def _ok(inst: Any, schema: Any, base: str) -> bool:
    try:
        _walk(inst, schema, base, (), (), _VERDICT)
    except _FirstFailureError:
        return False
    return True


def _instance_at(root: Any, path: tuple[str | int, ...]) -> Any:
    node = root
    for part in path:
        node = node[part]
    return node


def subset_errors(instance: Any, schema_id: str) -> list[SchemaIssue] | None:
    """The interpreter's issues, or None when the schema needs the full jsonschema engine."""
    sid = schema_id.rstrip("#")
    with bundle.lock:
        schema = bundle.schema(sid)
        if schema is None:
            raise UnknownSchemaError(f"no bundled schema with $id {schema_id!r}")
        if not _subset_ok(sid):
            return None
    found: _Found = []
    try:
        _walk(instance, schema, sid, (), (), found)
    except (RecursionError, MemoryError, ValueError, LookupError, TypeError, re.error) as exc:
        return [SchemaIssue("", f"schema {schema_id} could not be applied ({type(exc).__name__})")]
    return bundle.issues_from(schema_id, [(ip, kw, sp, node, _instance_at(instance, ip)) for ip, kw, sp, node in found])


