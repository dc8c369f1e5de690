"""A small, dependency-free evaluator for the project's own OB 3.0 schemas in `schemas/ob3/` (JSON Schema 2020-12).

Why: importing `jsonschema` costs 0.1–0.25 s, and almost every OB 3.0 credential is checked against the
project's schemas (OB 3.0 §9 step 1 for a declared official schema; as warnings otherwise). The command line
must start fast, so those schemas are evaluated here; `jsonschema` (through `obverify.schemas`) stays the engine
for schemas fetched from elsewhere, and a differential test (`tests/unit/test_ob3_minischema.py`) checks that
both give the same verdict on every corpus and fixture credential and on generated mutations.

Only the keywords our schemas use are implemented — `type`, `properties`, `required`,
`additionalProperties: false`, `items`, `prefixItems`, `minItems`, `contains`, `const`, `enum`, `pattern`,
`format` (`date-time`, `date`, asserted as `obverify.schemas` does), `allOf`, `anyOf`, `oneOf` and local
`$ref` (`#/$defs/…`). A schema using anything else is a programmer error (`ValueError` on load), so the
evaluator can never silently pass what it does not understand.
"""

from __future__ import annotations

import re
import threading
from collections.abc import Mapping
from datetime import date
from functools import cache
from typing import Any

from obverify.resources import data_dir
from obverify.strictjson import parse_json
from obverify.timeparse import parse_datetime

KNOWN = frozenset({
    "type", "properties", "required", "additionalProperties", "items", "prefixItems", "minItems", "contains",
    "const", "enum", "pattern", "format", "allOf", "anyOf", "oneOf", "$ref",
    "$schema", "$id", "$defs", "title", "$comment", "description",
})
MAX_ISSUES = 50
_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}", re.ASCII)
_lock = threading.Lock()

Issue = tuple[str, str]
"""(JSON pointer into the instance, failed keyword)."""


@cache
def _schemas() -> dict[str, Mapping[str, Any]]:
    out: dict[str, Mapping[str, Any]] = {}
    for path in sorted((data_dir() / "ob3").glob("*.json")):
        schema = parse_json(path.read_bytes())
        if isinstance(schema, dict) and isinstance(schema.get("$id"), str):
            _check_keywords(schema, path.name)
            out[schema["$id"]] = schema
    return out


def _check_keywords(node: Any, name: str, in_map: bool = False) -> None:
    if isinstance(node, dict):
        for key, value in node.items():
            if not in_map and key not in KNOWN:
                raise ValueError(f"{name}: keyword {key!r} is not supported by minischema")
            _check_keywords(value, name, in_map=key in ("properties", "$defs") and not in_map)
    elif isinstance(node, list):
        for item in node:
            _check_keywords(item, name)


def known_schema(schema_id: str) -> bool:
    """Whether `schema_id` is one of the project's OB 3.0 schemas."""
    with _lock:
        return schema_id in _schemas()


def _pointer(parts: tuple[str | int, ...]) -> str:
    return "".join("/" + str(p).replace("~", "~0").replace("/", "~1") for p in parts)


def _type_ok(value: Any, kind: str) -> bool:
    if kind == "string":
        return isinstance(value, str)
    if kind == "object":
        return isinstance(value, dict)
    if kind == "array":
        return isinstance(value, list)
    if kind == "boolean":
        return isinstance(value, bool)
    if kind == "number":
        return isinstance(value, int | float) and not isinstance(value, bool)
    if kind == "integer":
        if isinstance(value, float):
            return value.is_integer()
        return isinstance(value, int) and not isinstance(value, bool)
    if kind == "null":
        return value is None
    raise ValueError(f"unknown type {kind!r}")


def _equal(a: Any, b: Any) -> bool:
    """JSON equality: booleans are not numbers, 1 equals 1.0."""
    if isinstance(a, bool) or isinstance(b, bool):
        return isinstance(a, bool) and isinstance(b, bool) and a == b
    if isinstance(a, int | float) and isinstance(b, int | float):
        return a == b
    if type(a) is not type(b):
        return False
    if isinstance(a, list):
        return len(a) == len(b) and all(_equal(x, y) for x, y in zip(a, b, strict=True))
    if isinstance(a, dict):
        return a.keys() == b.keys() and all(_equal(a[k], b[k]) for k in a)
    return bool(a == b)


def _format_ok(value: Any, fmt: str) -> bool:
    if not isinstance(value, str):
        return True
    if fmt == "date-time":
        try:
            parse_datetime(value)
        except ValueError:
            return False
        return True
    if fmt == "date":
        if not _DATE.fullmatch(value):
            return False
        try:
            date.fromisoformat(value)
        except ValueError:
            return False
        return True
    return True


class _Evaluator:
    def __init__(self, root: Mapping[str, Any]) -> None:
        self.root = root

    def resolve(self, ref: str) -> Mapping[str, Any]:
        if not ref.startswith("#/$defs/"):
            raise ValueError(f"only local $defs references are supported, not {ref!r}")
        target = self.root["$defs"][ref.removeprefix("#/$defs/")]
        assert isinstance(target, Mapping)
        return target

    def valid(self, schema: Mapping[str, Any], value: Any) -> bool:
        return not self.errors(schema, value, (), first=True)

    def errors(self, schema: Mapping[str, Any], value: Any, at: tuple[str | int, ...], *,
               first: bool = False) -> list[Issue]:
        out: list[Issue] = []

        def fail(keyword: str, where: tuple[str | int, ...] = at) -> bool:
            out.append((_pointer(where), keyword))
            return first

        if "$ref" in schema:
            out.extend(self.errors(self.resolve(schema["$ref"]), value, at, first=first))
            if out and first:
                return out
        if "type" in schema and not _type_ok(value, schema["type"]):
            fail("type")
            return out  # as jsonschema: further keywords of this schema would only repeat the type fault
        if "const" in schema and not _equal(value, schema["const"]) and fail("const"):
            return out
        if "enum" in schema and not any(_equal(value, e) for e in schema["enum"]) and fail("enum"):
            return out
        if isinstance(value, str):
            if "pattern" in schema and re.search(schema["pattern"], value) is None and fail("pattern"):
                return out
            if "format" in schema and not _format_ok(value, schema["format"]) and fail("format"):
                return out
        if isinstance(value, dict):
            for name in schema.get("required", ()):
                if name not in value and fail("required"):
                    return out
            props: Mapping[str, Any] = schema.get("properties", {})
            for name, sub in props.items():
                if name in value:
                    out.extend(self.errors(sub, value[name], (*at, name), first=first))
                    if out and first:
                        return out
            if schema.get("additionalProperties") is False:
                for name in value:
                    if name not in props and fail("additionalProperties", (*at, name)):
                        return out
        if isinstance(value, list):
            if "minItems" in schema and len(value) < schema["minItems"] and fail("minItems"):
                return out
            prefix = schema.get("prefixItems", [])
            for i, sub in enumerate(prefix[: len(value)]):
                out.extend(self.errors(sub, value[i], (*at, i), first=first))
                if out and first:
                    return out
            if "items" in schema:
                for i in range(len(prefix), len(value)):
                    out.extend(self.errors(schema["items"], value[i], (*at, i), first=first))
                    if out and first:
                        return out
            if "contains" in schema and not any(self.valid(schema["contains"], v) for v in value) and fail("contains"):
                return out
        for sub in schema.get("allOf", ()):
            out.extend(self.errors(sub, value, at, first=first))
            if out and first:
                return out
        if "anyOf" in schema and not any(self.valid(s, value) for s in schema["anyOf"]) and fail("anyOf"):
            return out
        if "oneOf" in schema and sum(self.valid(s, value) for s in schema["oneOf"]) != 1 and fail("oneOf"):
            return out
        return out


def evaluate(instance: Any, schema_id: str) -> list[Issue]:
    """The (instance pointer, keyword) faults of `instance` against the project schema `schema_id`."""
    with _lock:
        root = _schemas()[schema_id]
    try:
        found = _Evaluator(root).errors(root, instance, ())
    except RecursionError:
        return [("", "depth")]
    return found[:MAX_ISSUES]
