"""Never valid by accident (issue 10, problem 1): the verdict is computed from stage outcomes and the count of
errors, never read off a capped list of findings."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from obverify import DocumentStore, verify
from obverify._core.errors import Code, WarningCode
from obverify._core.report import MAX_ERRORS, MAX_WARNINGS, Collector, Report
from obverify._core.timeparse import parse_datetime

CASES = Path(__file__).resolve().parents[2] / "fixtures" / "cases"
AT = parse_datetime("2026-01-01T00:00:00Z")


def _case(name: str) -> Report:
    return verify((CASES / name / "input.json").read_bytes(), at=AT, loader=DocumentStore())


def test_a_flood_of_warnings_never_erases_the_proof_error() -> None:
    """Issue 10 problem 1: 100 repeated OB 3.0 alias contexts give 100 warnings before the proof is checked;
    the tampered credential's proof_invalid must still decide (main said VALID and dropped the error)."""
    report = _case("ob3-context-alias-flood-tampered")
    assert report.valid is False
    assert any(f.path == "/proof" for f in report.errors), report.to_json(indent=1)  # the proof is not accepted
    assert sum(w.code == "context_alias" for w in report.warnings) == 100
    assert json.loads(report.to_json())["valid"] is False


def test_repeated_contexts_are_refused_before_json_ld_work() -> None:
    """Fuzzing found each repeated entry costs pyld ~36 ms per expansion (3.6 s a verification): refused."""
    report = _case("ob3-context-alias-flood-signed")
    assert report.valid is False
    assert set(report.codes()) == {"context_invalid"}
    assert report.warnings[0].code == "context_alias"


def test_warnings_cannot_push_errors_out() -> None:
    out = Collector(Report())
    for i in range(MAX_WARNINGS * 3):
        out.warn(WarningCode.CONTEXT_ALIAS, "alias", stage="schemas", path=f"/@context/{i}")
    out.error(Code.PROOF_INVALID, "bad", stage="proofs", path="/proof")
    report = out.finish()
    assert report.codes() == ["proof_invalid"]
    assert len(report.warnings) == MAX_WARNINGS
    assert report.dropped_findings == MAX_WARNINGS * 2
    assert report.valid is False


def test_a_dropped_error_still_decides() -> None:
    out = Collector(Report())
    for i in range(MAX_ERRORS):
        out.error(Code.SCHEMA_INVALID, "x", stage="schemas", path=f"/a/{i}")
    out.error(Code.REVOKED, "revoked", stage="status")
    report = out.finish()
    assert "revoked" not in report.codes()  # not listed: past the cap
    assert report.dropped_findings == 1
    assert report.error_count == MAX_ERRORS + 1
    assert out.has_error(Code.REVOKED)
    assert report.valid is False
    report.errors.clear()  # even a caller emptying the list cannot make it valid
    assert report.valid is False


def test_repeated_findings_collapse_into_one_with_a_count() -> None:
    out = Collector(Report())
    for _ in range(1000):
        out.error(Code.SCHEMA_INVALID, "same problem", stage="schemas", path="/credentialSubject")
        out.warn(WarningCode.CONTEXT_ALIAS, "alias", stage="schemas", path="/@context/1")
    report = out.finish()
    assert len(report.errors) == 1
    assert report.errors[0].occurrences == 1000
    assert report.warnings[0].occurrences == 1000
    assert report.error_count == 1000
    assert json.loads(report.to_json())["errors"][0]["count"] == 1000
    assert report.dropped_findings == 0


def test_a_failed_check_or_stage_is_never_valid() -> None:
    out = Collector(Report())
    out.check("ob3.proof", "failed", "no error recorded by mistake")
    assert out.finish().valid is False
    out = Collector(Report())
    out.stage_failed("status", Code.STATUS_UNAVAILABLE, RuntimeError("bug"))
    report = out.finish()
    assert report.valid is False
    assert report.failed_stages == ["status"]


def test_a_crashing_stage_is_a_failed_stage_not_a_pass(monkeypatch: pytest.MonkeyPatch) -> None:
    import obverify._ob3.verify as ob3

    def boom(*_a: object, **_k: object) -> None:
        raise RuntimeError("bug")

    monkeypatch.setattr(ob3, "check_status", boom)
    report = verify((CASES / "ob3-eddsa-rdfc-valid" / "input.json").read_bytes(), at=AT,
                    loader=DocumentStore.from_directory(CASES / "ob3-eddsa-rdfc-valid" / "documents"))
    assert report.valid is False
    assert report.failed_stages == ["status"]
    assert report.codes() == ["status_unavailable"]


def test_context_entries_are_bounded_before_json_ld_work() -> None:
    from obverify._core.policy import DEFAULT_POLICY
    from obverify._engines.jsonld import JsonLdProcessingError, check_context_entries

    MAX_CONTEXT_ENTRIES = DEFAULT_POLICY.max_context_entries  # noqa: N806

    vc = "https://www.w3.org/ns/credentials/v2"
    check_context_entries({"@context": [vc, f"https://x.example/{0}"]})
    with pytest.raises(JsonLdProcessingError):
        check_context_entries({"@context": [vc, vc]})
    with pytest.raises(JsonLdProcessingError):
        check_context_entries({"a": {"@context": [f"https://x.example/{i}" for i in range(MAX_CONTEXT_ENTRIES + 1)]}})
