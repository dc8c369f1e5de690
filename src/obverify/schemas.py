"""JSON Schema validation against the bundled `schemas/` directory only (DESIGN.md §5, SECURITY.md §15).

Every JSON file under `obverify.resources.data_dir()` that declares a `$id` (the project's OB 2.0 schemas
in `ob2/`, the OB 3.0 ones in `ob3/`) is loaded once, lazily, into a `referencing.Registry`. `$ref`s resolve
from that registry alone: the registry's `retrieve` hook refuses every URI, so no schema is ever fetched.
The dialect is the one the schema declares in `$schema` (Draft 2019-09 or 2020-12; 2020-12 if absent),
and format checking is on, with our own strict checkers for `date-time`, `uri`/`iri` and `email` so that
results do not depend on which optional jsonschema extras happen to be installed.

Findings never carry jsonschema's `message`: it embeds the instance, i.e. attacker text (SECURITY.md §15).
A `SchemaIssue` holds a JSON pointer into the instance and our own template naming the failed keyword
and the schema location.

`jsonschema` is imported lazily (on the first validation) because importing it costs ~0.1 s, and the
command line must start fast.
"""

from __future__ import annotations

import re
import threading
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

from obverify.resources import data_dir
from obverify.strictjson import JSONError, parse_json
from obverify.timeparse import parse_datetime

if TYPE_CHECKING:
    from jsonschema.protocols import Validator
    from referencing import Registry

MAX_ISSUES = 50
"""At most this many issues per validation: a hostile document must not flood the report."""

_SKIP_DIRS = frozenset({"contexts"})
_URI_SCHEME = re.compile(r"[A-Za-z][A-Za-z0-9+.-]*:\S*", re.ASCII)
_EMAIL = re.compile(r"[^@\s\x00-\x1f\x7f]+@[^@\s\x00-\x1f\x7f]+\.[^@\s\x00-\x1f\x7f.]+")
_lock = threading.Lock()


@dataclass(frozen=True)
class SchemaIssue:
    """One schema violation: `path` is a JSON pointer into the instance, `message` our own template."""

    path: str
    message: str


class UnknownSchemaError(LookupError):
    """A programmer error: no bundled schema has the requested `$id`."""


def json_pointer(parts: Iterable[str | int]) -> str:
    """RFC 6901 JSON pointer for a sequence of keys and indexes (`""` is the whole document)."""
    return "".join("/" + str(p).replace("~", "~0").replace("/", "~1") for p in parts)


def _bundled_files(root: Path) -> list[Path]:
    return sorted(
        p for p in root.rglob("*.json") if p.is_file() and not (set(p.relative_to(root).parts[:-1]) & _SKIP_DIRS)
    )


@cache
def _schemas_by_id() -> dict[str, Mapping[str, Any]]:
    """Every bundled schema by its `$id` (files without `$id` are skipped: not schemas)."""
    out: dict[str, Mapping[str, Any]] = {}
    root = data_dir()
    for path in _bundled_files(root):
        try:
            value = parse_json(path.read_bytes(), max_depth=256)
        except (OSError, JSONError):
            continue
        if isinstance(value, dict) and isinstance(value.get("$id"), str):
            out[value["$id"].rstrip("#")] = value
    return out


def bundled_schema_ids() -> list[str]:
    """The `$id` of every bundled schema, sorted."""
    return sorted(_schemas_by_id())


@cache
def _registry() -> Registry:
    from referencing import Registry, Resource
    from referencing.exceptions import NoSuchResource
    from referencing.jsonschema import DRAFT202012

    def refuse(uri: str) -> Resource:
        # remote retrieval is refused: $refs resolve from the bundle only (DESIGN.md §5)
        raise NoSuchResource(ref=uri)  # type: ignore[call-arg]

    resources = [
        (sid, Resource.from_contents(schema, default_specification=DRAFT202012))
        for sid, schema in _schemas_by_id().items()
    ]
    registry: Registry = Registry(retrieve=refuse)  # type: ignore[call-arg]
    return registry.with_resources(resources).crawl()


def _check_datetime(value: object) -> bool:
    if not isinstance(value, str):
        return True
    try:
        parse_datetime(value)
    except ValueError:
        return False
    return True


def _check_uri(value: object) -> bool:
    if not isinstance(value, str):
        return True
    return _URI_SCHEME.fullmatch(value) is not None and not any(ord(c) < 0x20 or c in "<>\"{}|\\^`" for c in value)


def _check_email(value: object) -> bool:
    return not isinstance(value, str) or _EMAIL.fullmatch(value) is not None


@cache
def _validator(schema_id: str) -> Validator:
    from jsonschema import FormatChecker
    from jsonschema.validators import Draft202012Validator, validator_for

    schema = _schemas_by_id().get(schema_id.rstrip("#"))
    if schema is None:
        raise UnknownSchemaError(f"no bundled schema with $id {schema_id!r}")
    cls = validator_for(schema, default=Draft202012Validator)
    checker = FormatChecker()
    for name, func in (
        ("date-time", _check_datetime), ("uri", _check_uri), ("iri", _check_uri), ("uri-reference", _check_uri_ref),
        ("email", _check_email), ("idn-email", _check_email),
    ):
        checker.checks(name)(func)
    return cls(schema, registry=_registry(), format_checker=checker)


def _check_uri_ref(value: object) -> bool:
    return not isinstance(value, str) or not any(ord(c) <= 0x20 or c in "<>\"{}|\\^`" for c in value)


def _schema_location(parts: Sequence[str | int]) -> str:
    return "#" + json_pointer(parts)


def schema_errors(instance: Any, schema_id: str) -> list[SchemaIssue]:
    """Validate `instance` against the bundled schema `schema_id`; return the issues (empty when valid).

    Never raises for any instance: a schema that cannot be applied (an unresolvable `$ref`, runaway
    recursion) becomes one issue naming the exception class. An unknown `schema_id` is a programmer error
    and raises `UnknownSchemaError`.
    """
    with _lock:
        validator = _validator(schema_id)
    issues: list[SchemaIssue] = []
    try:
        errors = sorted(validator.iter_errors(instance), key=lambda e: (list(map(str, e.absolute_path)), e.validator))
    except (RecursionError, MemoryError, ValueError, LookupError, TypeError) as exc:
        return [SchemaIssue("", f"schema {schema_id} could not be applied ({type(exc).__name__})")]
    for err in errors:
        keyword = str(err.validator)
        where = f"(schema {schema_id}{_schema_location(list(err.absolute_schema_path))})"
        path = json_pointer(err.absolute_path)
        if keyword == "required" and isinstance(err.instance, dict) and isinstance(err.validator_value, list):
            # the property names come from our schema, never from the instance: safe to name them
            for name in err.validator_value:
                if isinstance(name, str) and name not in err.instance:
                    issues.append(SchemaIssue(path, f"required property '{name}' is missing {where}"))
        else:
            issues.append(SchemaIssue(path, f"fails '{keyword}' {where}"))
    unique = list(dict.fromkeys(issues))
    return unique[:MAX_ISSUES]


def is_valid(instance: Any, schema_id: str) -> bool:
    """Whether `instance` satisfies the bundled schema `schema_id`."""
    return not schema_errors(instance, schema_id)
