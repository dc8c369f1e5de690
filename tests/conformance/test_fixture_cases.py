"""Every case in `fixtures/cases/<id>/` gives the verdict and codes its `expected.json` states.

`expected.json`: `input` (file name), `at`, `recipients`, `offline` (always true), `valid`, `codes` (the
EXACT set of distinct error codes the report holds, issue 10: a new error cannot hide), optional `also`
(further codes that may appear too, where several readings are acceptable), `revoked`, `expired`, `version`,
`warnings` (each must appear), and `policy`
(keyword arguments of the `VerificationPolicy` the case runs under, e.g. `{"unsafe_accept_unbound_keys": true}`).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from obverify import DocumentStore, VerificationPolicy, verify
from obverify._core.timeparse import parse_datetime

CASES = Path(__file__).resolve().parents[2] / "fixtures" / "cases"


def _case_dirs() -> list[Path]:
    return sorted(p for p in CASES.iterdir() if (p / "expected.json").is_file()) if CASES.is_dir() else []


def run_case(case: Path) -> tuple[dict[str, Any], Any]:
    """Verify one fixture case offline through its document store; return (expected, report)."""
    expected = json.loads((case / "expected.json").read_text())
    docs = case / "documents"
    store = DocumentStore.from_directory(docs) if (docs / "index.json").is_file() else DocumentStore()
    policy = VerificationPolicy(**expected["policy"]) if "policy" in expected else None
    report = verify(
        (case / expected["input"]).read_bytes(),
        recipients=expected.get("recipients", []),
        at=parse_datetime(expected["at"]),
        loader=store,
        objects=expected.get("objects", "awarded"),
        policy=policy,
    )
    return expected, report


def test_there_are_fixture_cases() -> None:
    assert len(_case_dirs()) >= 40


@pytest.mark.parametrize("case", _case_dirs(), ids=lambda p: p.name)
def test_fixture_case(case: Path) -> None:
    expected, report = run_case(case)
    detail = report.to_json(indent=1)
    assert report.valid is expected["valid"], detail
    codes = set(report.codes())
    required = set(expected.get("codes", []))
    allowed = required | set(expected.get("also", []))
    missing, unexpected = required - codes, codes - allowed
    hint = "expected.json 'codes' is the exact set; list further acceptable codes under 'also'"
    assert not missing, f"error codes missing {sorted(missing)} ({hint}): {detail}"
    assert not unexpected, f"unexpected error codes {sorted(unexpected)} ({hint}): {detail}"
    for field in ("revoked", "expired", "version"):
        if field in expected:
            assert getattr(report, field) == expected[field], f"{field}: {detail}"
    for code in expected.get("warnings", []):
        assert code in {w.code for w in report.warnings}, detail
    if "recipient" in expected:
        assert report.recipient.matched == expected["recipient"], detail


@pytest.mark.parametrize("prefix", ["ob2-", "ob3-"])
def test_every_error_code_has_a_case_of_each_version(prefix: str) -> None:
    """Issues 2 and 5: every code a version can produce has a case; an image that holds no badge at all
    (`unbake_failed` before any version is known) is covered by the `img-*` cases instead."""
    from obverify._core.errors import Code

    def declared(prefixes: tuple[str, ...]) -> set[str]:
        return {code for case in _case_dirs() if case.name.startswith(prefixes)
                for code in json.loads((case / "expected.json").read_text()).get("codes", [])}

    assert {str(c) for c in Code} - {Code.UNBAKE_FAILED} <= declared((prefix,))
    assert Code.UNBAKE_FAILED in declared((prefix, "img-"))
