"""`obverify._ob2.upgrade`: version detection and reading 0.5 / 1.0 / 1.1 objects into the 2.0 shape."""

from __future__ import annotations

from typing import Any

import pytest

from obverify._ob2.upgrade import detect_version, is_exact_v2, upgrade_assertion, upgrade_badgeclass, upgrade_issuer

V2 = "https://w3id.org/openbadges/v2"


@pytest.mark.parametrize(("doc", "version"), [
    ({"@context": V2}, "2.0"),
    ({"@context": [V2, {"x": "https://x.example/x"}]}, "2.0"),
    ({"@context": "https://openbadgespec.org/v2/context.json"}, "2.0"),
    ({"@context": "https://w3id.org/openbadges/v1"}, "1.1"),
    ({"@context": "https://evil.example/ctx"}, None),
    ({"@context": {"@vocab": "https://x.example/"}}, None),
    ({"recipient": "sha256$abc", "badge": {}}, "0.5"),
    ({"recipient": {}, "badge": {"issuer": {"origin": "https://o.example"}}}, "0.5"),
    ({"uid": "1", "verify": {"type": "hosted", "url": "https://a.example/1"}}, "1.0"),
])
def test_detect_version(doc: dict[str, Any], version: str | None) -> None:
    assert detect_version(doc) == version


def test_exact_v2_only_for_the_plain_string() -> None:
    assert is_exact_v2({"@context": V2})
    assert not is_exact_v2({"@context": [V2]})


def test_05_assertion() -> None:
    doc = {"recipient": "sha256$" + "ab" * 32, "salt": "pepper", "issued_on": "2012-06-01",
           "badge": {"version": "0.5.0", "name": "B", "issuer": {"origin": "https://o.example", "name": "N",
                                                                  "org": "Org", "contact": "c@o.example"}}}
    out = upgrade_assertion(doc, "0.5", source_url="https://o.example/a.json")
    assert out["id"] == "https://o.example/a.json"
    assert out["recipient"] == {"type": "email", "hashed": True, "identity": doc["recipient"], "salt": "pepper"}
    assert out["issuedOn"] == "2012-06-01T00:00:00Z"
    assert out["verification"] == {"type": "HostedBadge"}
    issuer = out["badge"]["issuer"]
    assert issuer == {"@context": V2, "type": "Issuer", "id": "https://o.example", "url": "https://o.example",
                      "email": "c@o.example", "name": "N (Org)"}
    assert "salt" in doc  # the input is never mutated


def test_05_plain_recipient() -> None:
    out = upgrade_assertion({"recipient": "a@o.example", "badge": {}}, "0.5")
    assert out["recipient"] == {"type": "email", "hashed": False, "identity": "a@o.example"}


def test_10_hosted_and_signed() -> None:
    hosted = upgrade_assertion({"uid": "7", "recipient": {"identity": "sha256$" + "a" * 64},
                                "verify": {"type": "hosted", "url": "https://o.example/a/7"}, "issuedOn": 1338508800},
                               "1.0")
    assert hosted["id"] == "https://o.example/a/7"
    assert hosted["verification"] == {"type": "HostedBadge"}
    assert hosted["issuedOn"] == "2012-06-01T00:00:00Z"
    assert hosted["recipient"] == {"identity": "sha256$" + "a" * 64, "type": "email", "hashed": True}
    signed = upgrade_assertion({"uid": "5e0f6b51-3ad7-4b2e-9d38-1b4d0c1c2a01",
                                "verify": {"type": "signed", "url": "https://o.example/key.pem"}}, "1.0")
    assert signed["id"] == "urn:uuid:5e0f6b51-3ad7-4b2e-9d38-1b4d0c1c2a01"
    assert signed["verification"] == {"type": "SignedBadge", "creator": "https://o.example/key.pem"}
    odd = upgrade_assertion({"uid": "a b/c", "verify": {"type": "signed", "url": "https://o.example/k"}}, "1.0")
    assert odd["id"] == "_:uid-a_b_c"


def test_11_alignment_and_dates() -> None:
    bc = upgrade_badgeclass({"@context": "https://w3id.org/openbadges/v1", "type": "BadgeClass",
                             "alignment": [{"name": "N", "url": "https://s.example/1", "description": "D"}]}, "1.1")
    assert bc["alignment"] == [{"targetName": "N", "targetUrl": "https://s.example/1", "targetDescription": "D"}]
    assert bc["@context"] == V2
    a = upgrade_assertion({"@context": "https://w3id.org/openbadges/v1", "id": "https://o.example/a",
                           "issuedOn": "2015-05-01", "expires": "not a date"}, "1.1")
    assert a["issuedOn"] == "2015-05-01T00:00:00Z"
    assert a["expires"] == "not a date"  # left for the schema to refuse


def test_legacy_issuer_gets_type_and_id() -> None:
    out = upgrade_issuer({"name": "N", "url": "https://o.example"}, "1.0", source_url="https://o.example/org.json")
    assert out["type"] == "Issuer"
    assert out["id"] == "https://o.example/org.json"


def test_20_verify_alias() -> None:
    out = upgrade_assertion({"@context": V2, "verify": {"type": "hosted"}}, "2.0")
    assert out["verification"] == {"type": "hosted"}
    assert "verify" not in out
