"""The bundled schemas and what both engines share: loading a schema by `$id` from `schemas/` only (never
fetched), the format checkers (ours, strict, so results never depend on which jsonschema extras are
installed), and the issue records with our own message templates (never jsonschema's `message`, which
embeds attacker text; SECURITY.md §15).
"""

from __future__ import annotations

import re
import threading
from collections.abc import Iterable, Mapping, Sequence
from datetime import date
from functools import cache
from typing import TYPE_CHECKING, Any, NamedTuple

from obverify._core.resources import data_dir, read_data
from obverify._core.strictjson import JSONError, parse_package_json
from obverify._core.timeparse import parse_datetime, parse_ob2_datetime

if TYPE_CHECKING:
    from pathlib import Path

MAX_ISSUES = 50
"""At most this many issues per validation: a hostile document must not flood the report."""

_SKIP_DIRS = frozenset({"contexts"})
_URI_SCHEME = re.compile(r"[A-Za-z][A-Za-z0-9+.-]*:\S*", re.ASCII)
_EMAIL = re.compile(r"[^@\s\x00-\x1f\x7f]+@[^@\s\x00-\x1f\x7f]+\.[^@\s\x00-\x1f\x7f.]+")
lock = threading.RLock()
"""Held while a schema is loaded, checked for the subset or compiled for jsonschema: each happens once per
schema even when threads verify at the same time (re-entrant: compiling loads the bundle)."""
_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}", re.ASCII)


class SchemaIssue(NamedTuple):
    """One schema violation: `path` is a JSON pointer into the instance, `message` our own template."""

    path: str
    message: str


class UnknownSchemaError(LookupError):
    """A programmer error: no bundled schema has the requested `$id`."""


def json_pointer(parts: Iterable[str | int]) -> str:
    """RFC 6901 JSON pointer for a sequence of keys and indexes (`""` is the whole document)."""
    return "".join("/" + str(p).replace("~", "~0").replace("/", "~1") for p in parts)


def bundled_files(root: Path) -> list[Path]:
    return sorted(
        p for p in root.rglob("*.json") if p.is_file() and not (set(p.relative_to(root).parts[:-1]) & _SKIP_DIRS)
    )


@cache
def schemas_by_id() -> dict[str, Mapping[str, Any]]:
    """Every bundled schema by its `$id` (files without `$id` are skipped: not schemas)."""
    out: dict[str, Mapping[str, Any]] = {}
    root = data_dir()
    for path in bundled_files(root):
        try:
            value = parse_package_json(path.read_bytes())
        except (OSError, JSONError):
            continue
        if isinstance(value, dict) and isinstance(value.get("$id"), str):
            out[value["$id"].rstrip("#")] = value
    return out


_OWN_PREFIXES = ("https://obverify.dev/schemas/", "https://obverify.invalid/schemas/")


@cache
def schema(schema_id: str) -> Mapping[str, Any] | None:
    """One bundled schema by `$id`. The project's own ids name their file (`…/schemas/ob2/x.json` is
    `ob2/x.json`), so they load without parsing the whole bundle (the official OB 3.0 schemas are large)."""
    prefix = next((p for p in _OWN_PREFIXES if schema_id.startswith(p)), None)
    if prefix is not None:
        rel = schema_id[len(prefix):]
        raw = read_data(rel)  # None for a path that would leave the bundle
        if raw is not None:
            try:
                value = parse_package_json(raw)
            except JSONError:
                value = None
            if isinstance(value, dict) and value.get("$id", "").rstrip("#") == schema_id:
                return value
    return schemas_by_id().get(schema_id)


def bundled_schema_ids() -> list[str]:
    """The `$id` of every bundled schema, sorted."""
    return sorted(schemas_by_id())


def check_datetime(value: object) -> bool:
    if not isinstance(value, str):
        return True
    try:
        parse_datetime(value)
    except ValueError:
        return False
    return True


def check_ob2_datetime(value: object) -> bool:
    """`ob2-date-time`, the project's own format for OB 2.0 "Data Types: DateTime" (looser than RFC 3339)."""
    if not isinstance(value, str):
        return True
    try:
        parse_ob2_datetime(value)
    except ValueError:
        return False
    return True


def check_uri(value: object) -> bool:
    if not isinstance(value, str):
        return True
    return _URI_SCHEME.fullmatch(value) is not None and not any(ord(c) < 0x20 or c in "<>\"{}|\\^`" for c in value)


def check_date(value: object) -> bool:
    """RFC 3339 `full-date`: exactly YYYY-MM-DD, and a real calendar day."""
    if not isinstance(value, str):
        return True
    if _DATE.fullmatch(value) is None:
        return False
    try:
        date.fromisoformat(value)
    except ValueError:
        return False
    return True


def check_email(value: object) -> bool:
    return not isinstance(value, str) or _EMAIL.fullmatch(value) is not None


def check_uri_format(value: object) -> bool:
    """The project's `uri` format check (a scheme, no spaces or controls), for schemas run outside this module
    (OB 2.0 extension schemas, `obverify._ob2.extensions`)."""
    return check_uri(value)


def check_uri_ref(value: object) -> bool:
    return not isinstance(value, str) or not any(ord(c) <= 0x20 or c in "<>\"{}|\\^`" for c in value)


def schema_location(parts: Sequence[str | int]) -> str:
    return "#" + json_pointer(parts)


_Failure = tuple[tuple[str | int, ...], str, tuple[str | int, ...], Any, Any]


def _extra_properties(inst: Mapping[str, Any], schema: Mapping[str, Any]) -> list[str]:
    """The members `additionalProperties` applies to, in instance order."""
    props = schema.get("properties", {})
    patterns = schema.get("patternProperties", {})
    return [n for n in inst if n not in props and not any(re.search(p, n) for p in patterns)]


def issues_from(schema_id: str, found: list[_Failure]) -> list[SchemaIssue]:
    """Our message templates, from (instance path, keyword, schema path, schema object, instance) tuples."""
    issues: list[SchemaIssue] = []

    def order(f: _Failure) -> tuple[list[str], str, list[str]]:
        return list(map(str, f[0])), f[1], list(map(str, f[2]))

    for ipath, keyword, spath, node, inst in sorted(found, key=order):
        where = f"(schema {schema_id}{schema_location(list(spath))})"
        path = json_pointer(ipath)
        value = node.get(keyword) if isinstance(node, Mapping) else None
        if keyword == "required" and isinstance(inst, dict) and isinstance(value, list):
            # the property names come from our schema, never from the instance: safe to name them
            for name in value:
                if isinstance(name, str) and name not in inst:
                    issues.append(SchemaIssue(path, f"required property '{name}' is missing {where}"))
        elif keyword == "additionalProperties" and value is False and isinstance(inst, dict):
            # one issue per unexpected member, located at it: its name is attacker text, so it goes in the
            # path (escaped as a JSON pointer) and never in the message
            for name in _extra_properties(inst, node):
                issues.append(SchemaIssue(json_pointer((*ipath, name)), f"fails '{keyword}' {where}"))
        else:
            issues.append(SchemaIssue(path, f"fails '{keyword}' {where}"))
    return list(dict.fromkeys(issues))[:MAX_ISSUES]


