"""Verdict invariants (issue 10), by Hypothesis over every fixture case and mutated variants.

- a report with any dropped or collapsed finding is never valid when an error was recorded;
- adding warnings, repeated `@context` entries or unsigned properties never turns an invalid credential
  valid, and never turns a revocation or an expiry into "not revoked" / "not expired";
- OB 2.0 and OB 3.0 answer the same question the same way (expired at and around the instant, an
  unreachable status list);
- every public entry point returns its result type (or the documented `TypeError`/`ValueError` at the call)
  for any generated argument.
"""

from __future__ import annotations

import contextlib
import copy
import json
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from obverify import Baked, DocumentStore, Report, bake, import_badge, unbake, verify, verify_status_list
from obverify._core.errors import WarningCode
from obverify._core.report import MAX_ERRORS, MAX_WARNINGS, Collector
from obverify._core.timeparse import parse_datetime
from obverify._orchestration.importer import ImportResult

CASES = Path(__file__).resolve().parents[2] / "fixtures" / "cases"


def _cases() -> list[tuple[Path, dict[str, Any]]]:
    out = []
    for case in sorted(CASES.iterdir()):
        if (case / "expected.json").is_file():
            out.append((case, json.loads((case / "expected.json").read_text())))
    return out


ALL = _cases()
INVALID_JSON = [(c, e) for c, e in ALL if not e["valid"] and e["input"].endswith(".json")
                and not e.get("policy") and not e.get("objects")]


def _run(case: Path, expected: dict[str, Any], data: Any, at: Any = None) -> Report:
    docs = case / "documents"
    store = DocumentStore.from_directory(docs) if (docs / "index.json").is_file() else DocumentStore()
    return verify(data, recipients=expected.get("recipients", []), at=at or parse_datetime(expected["at"]),
                  loader=store)


FINDINGS = st.lists(st.tuples(st.booleans(), st.sampled_from(["expired", "revoked", "context_alias", "x"]),
                              st.sampled_from([None, "/a", "/b", "/@context/1"])), max_size=400)
WARNING_CODES = {c.value: c for c in WarningCode}


@given(FINDINGS)
def test_capped_or_collapsed_findings_never_make_a_report_valid(calls: list[tuple[bool, str, str | None]]) -> None:
    out = Collector(Report())
    for is_error, code, path in calls:
        if is_error:
            out.error(code, "m", stage="s", path=path)
        else:  # any code as a warning: the warning codes, and an error code's spelling too
            out.warn(WARNING_CODES.get(code, WarningCode.CONTEXT_ALIAS), "m", stage="s", path=path)
    report = out.finish()
    errors = sum(1 for c in calls if c[0])
    assert report.valid is (errors == 0)
    assert report.error_count == errors
    assert len(report.errors) <= MAX_ERRORS
    assert len(report.warnings) <= MAX_WARNINGS
    listed = sum(f.occurrences for f in report.errors) + sum(f.occurrences for f in report.warnings)
    assert listed + report.dropped_findings == len(calls)
    report.errors.clear()
    assert report.valid is (errors == 0)


MUTATIONS = st.sampled_from(["extra-property", "repeat-context", "warning-alias", "extra-nested", "refresh"])


def _mutate(doc: dict[str, Any], how: str, n: int) -> dict[str, Any]:
    doc = copy.deepcopy(doc)
    if how == "extra-property":
        doc[f"unsigned{n}"] = "x" * n
    elif how == "repeat-context" and isinstance(doc.get("@context"), list) and doc["@context"]:
        doc["@context"] = doc["@context"] + [doc["@context"][-1]] * n
    elif how == "warning-alias" and isinstance(doc.get("@context"), list):
        doc["@context"] = doc["@context"] + ["https://purl.imsglobal.org/spec/ob/v3p0/context.json"]
    elif how == "extra-nested" and isinstance(doc.get("credentialSubject"), dict):
        doc["credentialSubject"][f"extra{n}"] = {"id": f"urn:x:{n}"}
    else:
        doc["refreshService"] = {"id": "https://refresh.example/", "type": "ManualRefreshService"}
    return doc


@pytest.mark.skipif(not INVALID_JSON, reason="no invalid JSON fixture cases")
@given(st.sampled_from(INVALID_JSON), MUTATIONS, st.integers(1, 40))
def test_mutations_never_turn_invalid_valid_nor_lose_revocation_or_expiry(
        case: tuple[Path, dict[str, Any]], how: str, n: int) -> None:
    path, expected = case
    raw = json.loads((path / expected["input"]).read_bytes())
    if not isinstance(raw, dict):
        return
    report = _run(path, expected, _mutate(raw, how, n))
    assert report.valid is False, report.to_json(indent=1)
    if expected.get("revoked") is True:
        assert report.revoked is not False
    if expected.get("expired") is True:
        assert report.expired is not False


@given(st.integers(-3, 3), st.integers(0, 999_999))
def test_ob2_and_ob3_agree_around_the_expiry_instant(seconds: int, micros: int) -> None:
    delta = timedelta(seconds=seconds, microseconds=micros if seconds < 0 else 0)
    ob2_case, ob3_case = CASES / "ob2-time-expired", CASES / "ob3-expired"
    ob2 = _run(ob2_case, {"at": "2024-03-01T00:00:00Z"}, (ob2_case / "input.json").read_bytes(),
               parse_datetime("2024-03-01T00:00:00Z") + delta)
    ob3 = _run(ob3_case, {"at": "2025-06-01T00:00:00Z"}, (ob3_case / "input.json").read_bytes(),
               parse_datetime("2025-06-01T00:00:00Z") + delta)
    assert ob2.expired == ob3.expired == (delta >= timedelta(0))
    assert ("expired" in ob2.codes()) == ("expired" in ob3.codes())


def test_ob2_and_ob3_agree_on_an_unreachable_status_list() -> None:
    answers = []
    for name in ("ob2-signed-revocation-list-unavailable", "ob3-status-unreachable"):
        expected = json.loads((CASES / name / "expected.json").read_text())
        report = _run(CASES / name, expected, (CASES / name / expected["input"]).read_bytes())
        answers.append((report.valid, report.revoked, sorted(set(report.codes()))))
    assert answers[0] == answers[1] == (False, None, ["fetch_failed", "status_unavailable"])


JSON = st.recursive(st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=20),
                    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8), inner, max_size=4),
                    max_leaves=20)
ANYTHING = st.one_of(st.binary(max_size=300), st.text(max_size=300), JSON, st.integers(), st.none(),
                     st.lists(st.integers(), max_size=3), st.floats(), st.sampled_from([b"\xef\xbb\xbf", "\ud800"]))


@given(ANYTHING)
def test_every_entry_point_returns_its_result_or_raises_the_documented_type_error(value: Any) -> None:
    at = parse_datetime("2026-01-01T00:00:00Z")
    for call in (verify, verify_status_list):
        try:
            report = call(value, at=at, loader=DocumentStore())
        except TypeError:
            assert not isinstance(value, bytes | str | dict)  # only a wrong type is refused at the call
            continue
        assert isinstance(report, Report)
        assert isinstance(report.to_json(), str)
    try:
        baked = unbake(value)
    except TypeError:
        assert not isinstance(value, bytes)
    else:
        assert isinstance(baked, Baked)
    with contextlib.suppress(TypeError, ValueError):  # bake's documented refusals
        assert isinstance(bake(value, value), bytes)
    result = import_badge(assertion=value, recipient_profile={"email": ["a@example.org"]}, at=at,
                          loader=DocumentStore())
    assert isinstance(result, ImportResult)
    result = import_badge(url=value, recipient_profile={"email": ["a@example.org"]}, at=at, loader=DocumentStore())
    assert isinstance(result, ImportResult)
