"""`obverify._ob2.validate`: IRIs, formats, images, language tags, IdentityObject consistency."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pytest

from obverify._core.context import RunContext
from obverify._core.report import Collector, Report
from obverify._engines.net.store import DocumentStore
from obverify._ob2.validate import check_document, is_email, is_image_data_uri, is_iri, is_language_tag, is_telephone


@pytest.mark.parametrize("value", [
    "https://a.example/x", "http://a.example:8080/p?q#f", "urn:uuid:5E0F6B51-3AD7-4B2E-9D38-1B4D0C1C2A01",
    "_:b0", "did:example:123", "did:web:a.example%3A8443:u:alice#key-1",
])
def test_iris(value: str) -> None:
    assert is_iri(value)


@pytest.mark.parametrize("value", [
    "", "javascript:alert(1)", "ftp://a.example/", "https://", "urn:uuid:1234", "_:", "did:example",
    "https://a.example/\n", "https://a b.example/", "/relative", "https://bücher.example/", 5, None,
])
def test_not_iris(value: Any) -> None:
    assert not is_iri(value)


def test_formats() -> None:
    assert is_email("a.b+c@mail.example.org")
    assert not is_email("a@b")
    assert not is_email("\u212aim@example.org")
    assert is_telephone("+15555550100")
    assert not is_telephone("+1 555 555 0100")
    assert not is_telephone("15555550100")
    for tag in ("en", "en-US", "zh-Hant-TW", "de-CH-1996", "x-private", "sr-Latn-RS"):
        assert is_language_tag(tag), tag
    for tag in ("en_US", "english language", "e", "en-", "toolongtag", ""):
        assert not is_language_tag(tag), tag
    assert is_image_data_uri("data:image/png;base64,iVBORw0KGgo=")
    assert is_image_data_uri("data:image/svg+xml;charset=utf-8,%3Csvg%20xmlns%3D%22x%22%2F%3E")
    assert is_image_data_uri("data:image/svg+xml;base64,PD94bWwgdmVyc2lvbj0iMS4wIj8+PHN2Zy8+")
    assert not is_image_data_uri("data:image/png;base64,AAAA")  # says PNG, is not
    assert not is_image_data_uri("data:image/png;base64,iVBORw0KGgo")  # broken base64
    assert not is_image_data_uri("data:image/svg+xml,<html>")
    assert not is_image_data_uri("data:image/gif;base64,R0lGODlhAQABAAAAACw=")
    assert not is_image_data_uri("data:text/html,<script>")


def _ctx() -> RunContext:
    return RunContext(loader=DocumentStore(), at=datetime(2024, 6, 1, tzinfo=UTC), recipients=(),
                      out=Collector(Report()))


def _assertion(**over: Any) -> dict[str, Any]:
    base: dict[str, Any] = {
        "@context": "https://w3id.org/openbadges/v2", "type": "Assertion", "id": "https://i.example/a/1",
        "recipient": {"type": "email", "hashed": False, "identity": "alice@example.org"},
        "badge": "https://i.example/b/1", "issuedOn": "2024-01-01T00:00:00Z", "verification": {"type": "hosted"},
    }
    base.update(over)
    return base


def test_valid_assertion_passes_and_records_a_check() -> None:
    ctx = _ctx()
    assert check_document(ctx, _assertion(), "assertion")
    assert [(c.name, c.status) for c in ctx.out.report.checks] == [("schema.assertion", "passed")]


@pytest.mark.parametrize(("over", "path"), [
    ({"image": "data:image/png;base64,AAAA"}, "/image"),
    ({"image": {"id": "data:image/svg+xml,<svg/>"}}, "/image/id"),
    ({"badge": "mailto:x@example.org"}, "/badge"),
    ({"evidence": ["https://i.example/e", {"id": "javascript:x"}]}, "/evidence/1/id"),
    ({"recipient": {"type": "email", "hashed": False, "identity": "sha256$" + "a" * 64}}, "/recipient/hashed"),
    ({"recipient": {"type": "telephone", "hashed": False, "identity": "555-0100"}}, "/recipient/identity"),
    ({"recipient": {"type": "url", "hashed": False, "identity": "not a url"}}, "/recipient/identity"),
    ({"@language": "en_US"}, "/@language"),
    ({"verification": {"type": "signed", "creator": "key-1"}}, "/verification/creator"),
])
def test_semantic_rules(over: dict[str, Any], path: str) -> None:
    ctx = _ctx()
    assert not check_document(ctx, _assertion(**over), "assertion")
    assert path in {f.path for f in ctx.out.report.errors}
    assert {f.code for f in ctx.out.report.errors} == {"schema_invalid"}


def test_profile_rules() -> None:
    ctx = _ctx()
    profile = {"id": "https://i.example/p", "type": "Issuer", "name": "N", "url": "ftp://i.example", "email": "x",
               "telephone": "12", "image": "data:image/jpeg;base64,AA"}
    assert not check_document(ctx, profile, "issuer")
    assert {"/url", "/email", "/telephone", "/image"} <= {f.path for f in ctx.out.report.errors}


def test_unknown_recipient_type_is_a_warning() -> None:
    ctx = _ctx()
    assert check_document(ctx, _assertion(recipient={"type": "sms", "hashed": False, "identity": "x"}), "assertion")
    assert [w.code for w in ctx.out.report.warnings] == ["recipient_type_unknown"]


def test_non_object_document() -> None:
    ctx = _ctx()
    assert not check_document(ctx, ["x"], "badgeclass")
    assert ctx.out.report.codes() == ["schema_invalid"]


@pytest.mark.parametrize(("kind", "good", "bad"), [
    ("assertion", "Assertion", "BadgeClass"),
    ("issuer", ["Profile", "extensions:X"], "BadgeClass"),
    ("profile", "https://w3id.org/openbadges#Issuer", "Assertion"),
    ("issuer", "Issuer", "issuer"),  # the property term, not the class
])
def test_declared_type_is_read_by_its_meaning(kind: str, good: Any, bad: Any) -> None:
    """Issue 15 class 10: the `type` must mean the expected class under the v2 context, in any spelling."""
    base = _assertion() if kind == "assertion" else {
        "id": "https://i.example/p", "name": "N", "url": "https://i.example", "email": "a@i.example"}
    ctx = _ctx()
    assert check_document(ctx, {**base, "type": good}, kind), ctx.out.finish().to_json()
    ctx = _ctx()
    assert not check_document(ctx, {**base, "type": bad}, kind)
    assert "/type" in {f.path for f in ctx.out.report.errors}


@pytest.mark.parametrize(("value", "language", "shown"), [
    ("Plain", None, "Plain"),
    ([{"@value": "Robótica", "@language": "es"}, "Robotics"], None, "Robotics"),  # untagged before the first
    ([{"@value": "Robótica", "@language": "es"}, {"@value": "Robotique", "@language": "fr"}], None, "Robótica"),
    ([{"@value": "Robótica", "@language": "es-MX"}, "Robotics"], "es", "Robótica"),  # primary subtag
    ([{"@value": "A", "@language": "es"}, {"@value": "B", "@language": "ES-mx"}], "es-MX", "B"),  # exact tag first
    ([{"@value": "Robótica", "@language": "es"}, "Robotics"], "de", "Robotics"),
    ({"@value": 5, "@language": "en"}, None, None),
    (None, "en", None),
])
def test_display_text_order(value: Any, language: str | None, shown: str | None) -> None:
    """Issue 15 class 5: preferred language, else untagged, else the first."""
    from obverify._ob2.common import display_text

    assert display_text(value, language) == shown


def test_language_tags_inside_values_are_checked() -> None:
    base = {"id": "https://i.example/b", "type": "BadgeClass", "description": "d", "image": "https://i.example/i.png",
            "criteria": {"narrative": "n"}, "issuer": "https://i.example/p"}
    ctx = _ctx()
    assert check_document(ctx, {**base, "name": [{"@value": "N", "@language": "en-GB"}, "N"]}, "badgeclass")
    ctx = _ctx()
    assert not check_document(ctx, {**base, "name": {"@value": "N", "@language": "en_GB"}}, "badgeclass")
    assert "/name/@language" in {f.path for f in ctx.out.report.errors}
