"""`obverify.verify_status_list`: a status list credential judged on its own, each problem with its own code.

The lists are the project's fixture documents (`fixtures/cases/ob3-status-*/documents`, signed by
`fixtures/generate.py`); each mutation below changes one thing of a valid list.
"""

from __future__ import annotations

import copy
import json
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from obverify import URL, Code, DocumentStore, verify_status_list
from obverify._core.timeparse import parse_datetime

CASES = Path(__file__).resolve().parents[2] / "fixtures" / "cases"
LIST_URL = "https://status.example/lists/1"
AT = parse_datetime("2026-01-01T00:00:00Z")


def _store(case: str) -> DocumentStore:
    return DocumentStore.from_directory(CASES / case / "documents")


def _list(case: str) -> dict[str, Any]:
    value = json.loads(_store(case).load(LIST_URL).content)
    assert isinstance(value, dict)
    return value


@pytest.mark.parametrize(("case", "kind", "purpose"), [
    ("ob3-status-bitstring-ok", "BitstringStatusListCredential", "revocation"),
    ("ob3-status-bitstring-suspended", "BitstringStatusListCredential", "suspension"),
    ("ob3-status-statuslist2021-revoked", "StatusList2021Credential", "revocation"),
])
def test_a_usable_list_is_valid(case: str, kind: str, purpose: str) -> None:
    report = verify_status_list(URL(LIST_URL), at=AT, loader=_store(case))
    assert report.valid, report.to_json(indent=1)
    assert report.kind == "url"
    assert report.original == LIST_URL
    assert report.badge == _list(case)
    (check,) = [c for c in report.checks if c.name == "status.list"]
    assert check.status == "passed"
    assert kind in (check.detail or "")
    assert purpose in (check.detail or "")


def test_bytes_text_and_objects_are_judged_alike() -> None:
    doc = _list("ob3-status-bitstring-ok")
    raw = json.dumps(doc).encode()
    for source in (raw, raw.decode(), doc):
        report = verify_status_list(source, at=AT, loader=DocumentStore())
        assert report.valid, report.to_json(indent=1)
        assert report.original is source
        assert report.kind == "json"


@pytest.mark.parametrize(("case", "code"), [
    ("ob3-status-list-expired", Code.EXPIRED),
    ("ob3-status-list-tampered", Code.PROOF_INVALID),
])
def test_an_unusable_fixture_list_earns_its_own_code(case: str, code: Code) -> None:
    report = verify_status_list(URL(LIST_URL), at=AT, loader=_store(case))
    assert report.codes() == [code]


def test_a_short_list_is_usable_with_a_warning() -> None:
    report = verify_status_list(URL(LIST_URL), at=AT, loader=_store("ob3-status-short-list"))
    assert report.valid
    assert [w.code for w in report.warnings] == ["status_list_short"]


def _mutated(change: Any) -> dict[str, Any]:
    doc = copy.deepcopy(_list("ob3-status-bitstring-ok"))
    change(doc)
    return doc


def _set(path: list[str], value: Any) -> Any:
    def apply(doc: dict[str, Any]) -> None:
        node = doc
        for key in path[:-1]:
            node = node[key]
        node[path[-1]] = value
    return apply


@pytest.mark.parametrize(("change", "code"), [
    (_set(["type"], ["VerifiableCredential"]), Code.SCHEMA_INVALID),
    (_set(["issuer"], {"name": "no id"}), Code.SCHEMA_INVALID),
    (_set(["validFrom"], "2027-01-01T00:00:00Z"), Code.NOT_YET_VALID),
    (_set(["validFrom"], "yesterday"), Code.SCHEMA_INVALID),
    (_set(["validUntil"], "2025-06-01T00:00:00Z"), Code.EXPIRED),
    (lambda doc: doc.pop("proof"), Code.PROOF_INVALID),
    (_set(["credentialSubject", "statusPurpose"], "suspension"), Code.PROOF_INVALID),  # signed content changed
])
def test_each_problem_earns_its_own_code(change: Any, code: Code) -> None:
    report = verify_status_list(_mutated(change), at=AT, loader=DocumentStore())
    assert code in report.codes(), report.to_json(indent=1)
    assert not report.valid


@pytest.mark.parametrize(("source", "code"), [
    (b"{not json", Code.INPUT_INVALID),
    (b"[1, 2]", Code.INPUT_INVALID),
    (b"{" * 100_000, Code.INPUT_INVALID),
    (b" " * (16 * 1024 * 1024 + 1), Code.INPUT_INVALID),
    (URL("http://status.example/lists/1"), Code.URL_BLOCKED),  # OB 3.0 documents: https only
    (URL("https://status.example/missing"), Code.FETCH_FAILED),
    ("https://status.example/lists/1", Code.INPUT_INVALID),  # a str is JSON text, never fetched (issue 10)
])
def test_bad_input_is_a_report_not_an_exception(source: bytes | str | URL, code: Code) -> None:
    report = verify_status_list(source, at=AT, loader=DocumentStore())
    assert code in report.codes()
    if isinstance(source, URL):
        assert report.original == str(source)
    else:
        assert report.original is source


def test_naive_at_is_a_programmer_error() -> None:
    with pytest.raises(ValueError, match="timezone-aware"):
        verify_status_list(b"{}", at=datetime(2026, 1, 1), loader=DocumentStore())


def test_default_instant_is_now() -> None:
    before = datetime.now(UTC)
    report = verify_status_list(b"{}", loader=DocumentStore())
    assert report.checked_at is not None
    assert report.checked_at >= before
