"""JSON Schema validation against the bundled `schemas/` only (DESIGN.md §5): `bundle` (loading by `$id`, the
format checkers, the issue records), `interpreter` (our small engine for the keywords the project's schemas use),
`registry` (jsonschema over a referencing registry that fetches nothing, for everything else), `validate` (which
of the two runs). The names below are what the stages use."""

from obverify._engines.schemas.bundle import (
    MAX_ISSUES,
    SchemaIssue,
    UnknownSchemaError,
    bundled_schema_ids,
    check_uri_format,
    json_pointer,
)
from obverify._engines.schemas.interpreter import subset_errors
from obverify._engines.schemas.registry import jsonschema_errors
from obverify._engines.schemas.validate import is_valid, schema_errors

__all__ = [
    "MAX_ISSUES",
    "SchemaIssue",
    "UnknownSchemaError",
    "bundled_schema_ids",
    "check_uri_format",
    "is_valid",
    "json_pointer",
    "jsonschema_errors",
    "schema_errors",
    "subset_errors",
]
