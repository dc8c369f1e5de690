"""`import_badge`: the backpack envelope's input rules (exactly one source, decodable image)."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from obverify import DocumentStore, import_badge

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
