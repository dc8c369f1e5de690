"""Validation against a bundled schema: the interpreter when it implements every keyword the schema uses, else
jsonschema; both report identical issues (tests/unit/test_schemas.py, tests/unit/test_schemas_ob3.py)."""

from __future__ import annotations

from typing import Any

from obverify._engines.schemas.bundle import SchemaIssue
from obverify._engines.schemas.interpreter import subset_errors
from obverify._engines.schemas.registry import jsonschema_errors


def schema_errors(instance: Any, schema_id: str) -> list[SchemaIssue]:
    """Validate `instance` against the bundled schema `schema_id`; return the issues (empty when valid).

    Never raises for any instance: a schema that cannot be applied (an unresolvable `$ref`, runaway
    recursion) becomes one issue naming the exception class. An unknown `schema_id` is a programmer error
    and raises `UnknownSchemaError`.
    """
    fast = subset_errors(instance, schema_id)
    return fast if fast is not None else jsonschema_errors(instance, schema_id)


def is_valid(instance: Any, schema_id: str) -> bool:
    """Whether `instance` satisfies the bundled schema `schema_id`."""
    return not schema_errors(instance, schema_id)
