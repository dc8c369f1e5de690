"""The jsonschema engine: a `referencing.Registry` of the bundled schemas whose `retrieve` hook refuses every
URI (so `$ref`s resolve from the bundle alone and no schema is ever fetched), and a validator per schema with
our format checkers. Used for any schema the interpreter (`interpreter`) does not implement; jsonschema and
referencing are imported only then (0.1-0.25 s).
"""

from __future__ import annotations

from functools import cache
from typing import TYPE_CHECKING, Any

from obverify._engines.schemas import bundle
from obverify._engines.schemas.bundle import SchemaIssue, UnknownSchemaError

if TYPE_CHECKING:
    from jsonschema.protocols import Validator
    from referencing import Registry


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
        for sid, schema in bundle.schemas_by_id().items()
    ]
    registry: Registry = Registry(retrieve=refuse)  # type: ignore[call-arg]
    return registry.with_resources(resources).crawl()


@cache
def _validator(schema_id: str) -> Validator:
    from jsonschema import FormatChecker
    from jsonschema.validators import Draft202012Validator, validator_for

    schema = bundle.schemas_by_id().get(schema_id.rstrip("#"))
    if schema is None:
        raise UnknownSchemaError(f"no bundled schema with $id {schema_id!r}")
    cls = validator_for(schema, default=Draft202012Validator)
    checker = FormatChecker()
    for name, func in (
        ("date-time", bundle.check_datetime), ("ob2-date-time", bundle.check_ob2_datetime), ("uri", bundle.check_uri),
        ("iri", bundle.check_uri), ("uri-reference", bundle.check_uri_ref),
        ("email", bundle.check_email), ("idn-email", bundle.check_email),
    ):
        checker.checks(name)(func)
    return cls(schema, registry=_registry(), format_checker=checker)


def jsonschema_errors(instance: Any, schema_id: str) -> list[SchemaIssue]:
    """The issues as the jsonschema engine finds them (same templates as the interpreter)."""
    with bundle.lock:
        validator = _validator(schema_id)
    try:
        errors = list(validator.iter_errors(instance))
    except (RecursionError, MemoryError, ValueError, LookupError, TypeError) as exc:
        return [SchemaIssue("", f"schema {schema_id} could not be applied ({type(exc).__name__})")]
    return bundle.issues_from(schema_id, [
        (tuple(e.absolute_path), str(e.validator), tuple(e.absolute_schema_path), e.schema, e.instance)
        for e in errors
    ])


