"""Property-based API tests generated from the service's own /openapi.json (schemathesis): every operation,
on SQLite and PostgreSQL, with a valid read-write token; no answer is a 5xx, and every answer's status,
content type and body match what the schema declares for it. A small number of examples per operation
keeps CI short (HYPOTHESIS_PROFILE=long raises it)."""

from __future__ import annotations

import os
from typing import Any

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from schemathesis.core.result import Ok
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from helpers.service_kit import Service

# left out of the fast local tier (CI runs it): schemathesis over every operation, on both databases
pytestmark = pytest.mark.slow

EXAMPLES = 200 if os.environ.get("HYPOTHESIS_PROFILE") == "long" else 12


@pytest.fixture(scope="module")
def token(offline_service: Service) -> str:
    _, token = offline_service.account(("email", "alice@example.org"))
    return token


CHECKS = [schemathesis.checks.not_a_server_error, response_schema_conformance, status_code_conformance,
          content_type_conformance]


def test_every_operation_conforms(offline_service: Service, token: str) -> None:
    schema = schemathesis.openapi.from_url(f"{offline_service.url}/openapi.json")
    operations = []
    for result in schema.get_all_operations():
        assert isinstance(result, Ok), result  # every operation of the schema loads
        operations.append(result.ok())
    seen = {f"{op.method.upper()} {op.path}" for op in operations}
    assert len(seen) == 13, seen  # the seed's ten, /v1/verify, /healthz, /readyz

    for operation in operations:

        @settings(max_examples=EXAMPLES, deadline=None, derandomize=True, database=None,
                  suppress_health_check=list(HealthCheck))
        @given(case=operation.as_strategy())
        def check(case: Any) -> None:
            case.call_and_validate(headers={"Authorization": f"Bearer {token}"}, checks=CHECKS)

        check()
