"""`import_badge`: the backpack envelope's input rules (exactly one source, decodable image)."""

from __future__ import annotations

import base64
import json
from datetime import UTC, datetime
from pathlib import Path

import pytest

from obverify import DocumentStore, import_badge
from obverify.timeparse import parse_datetime

AT = datetime(2024, 6, 1, tzinfo=UTC)


def test_exactly_one_source_is_required() -> None:
    result = import_badge(url="https://a.example/1", image=b"x", recipient_profile=["a@example.org"], at=AT)
    env = result.to_envelope()
    assert env["status"]["success"] is False
    assert env["errorCode"] == "input_invalid"
    assert env["nonFieldErrors"]


def test_no_source_is_refused() -> None:
    assert import_badge(recipient_profile=["a@example.org"], at=AT).success is False


def test_bad_base64_image_is_a_field_error() -> None:
    result = import_badge(image="not base64!!", recipient_profile=["a@example.org"], at=AT)
    assert result.field_errors == {"image": ["Invalid base64 image data"]}


def test_failed_verification_carries_code_and_errors() -> None:
    store = DocumentStore()
    result = import_badge(url="https://a.example/1", recipient_profile=["a@example.org"], at=AT, loader=store)
    env = result.to_envelope()
    assert env["status"]["success"] is False
    assert env["errorCode"] == "fetch_failed"
    assert env["validationErrors"][0]["code"] == "fetch_failed"
    assert env["result"] == []


def test_identities_are_required() -> None:
    with pytest.raises(ValueError, match="recipient_profile"):
        import_badge(url="https://a.example/1", recipient_profile=[], at=AT, loader=DocumentStore())


CASES = Path(__file__).resolve().parents[2] / "fixtures" / "cases"


def _case(name: str) -> tuple[Path, DocumentStore]:
    case = CASES / name
    return case, DocumentStore.from_directory(case / "documents")


def test_ob2_hosted_badge_imports_with_the_envelope_fields() -> None:
    case, store = _case("ob2-hosted-valid")
    assertion = json.loads((case / "input.json").read_text())
    result = import_badge(assertion=assertion, recipient_profile=["bob@example.org", "alice@example.org"],
                          at=AT, loader=store)
    env = result.to_envelope()
    assert env["status"] == {"success": True, "description": "ok"}
    entity = env["result"][0]
    assert entity["entityType"] == "Assertion"
    assert entity["openBadgeId"] == assertion["id"]
    assert entity["badgeclassOpenBadgeId"] == assertion["badge"]
    assert entity["issuerOpenBadgeId"] == result.report.related["badgeclass"]["issuer"]
    assert entity["recipient"]["plaintextIdentity"] == "alice@example.org"
    assert entity["recipient"]["hashed"] is True
    assert entity["revoked"] is False
    assert entity["originalJson"] == assertion


def test_import_of_someone_elses_badge_fails_with_recipient_mismatch() -> None:
    case, store = _case("ob2-hosted-valid")
    result = import_badge(assertion=(case / "input.json").read_text(), recipient_profile=["mallory@example.org"],
                          at=AT, loader=store)
    assert result.success is False
    assert result.error_code == "recipient_mismatch"


def test_ob3_baked_image_imports_from_base64() -> None:
    # the fixture generator bakes a credential whose identifier is the salted sha256 of learner@example.org
    case, store = _case("ob3-baked-png-json")
    at = parse_datetime(json.loads((case / "expected.json").read_text())["at"])
    image = "data:image/png;base64," + base64.b64encode((case / "input.png").read_bytes()).decode()
    result = import_badge(image=image, recipient_profile=["LEARNER@example.org"], at=at, loader=store)
    assert result.success, result.report.to_json()
    entity = result.result[0]
    assert result.report.badge is not None
    assert entity["openBadgeId"] == result.report.badge["id"]
    assert entity["recipient"]["plaintextIdentity"] == "LEARNER@example.org"
    assert entity["recipient"]["type"] == "emailAddress"
    assert entity["ob3AwardProperties"] is not None
    other = import_badge(image=image, recipient_profile=["alice@example.org"], at=at, loader=store)
    assert other.error_code == "recipient_mismatch"


def test_original_json_is_the_verified_hosted_copy_not_the_presented_pointer() -> None:
    case, store = _case("ob2-hosted-valid")
    hosted = json.loads((case / "input.json").read_text())
    presented = {**hosted, "narrative": "text nobody verified"}
    result = import_badge(assertion=presented, recipient_profile=["alice@example.org"], at=AT, loader=store)
    assert result.success, result.report.to_json()
    entity = result.result[0]
    assert entity["originalJson"] == json.loads(store.load(hosted["id"]).content)
    assert entity["originalJson"].get("narrative") != "text nobody verified"
    assert entity["narrative"] != "text nobody verified"
    assert result.report.original == presented
