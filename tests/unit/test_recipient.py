"""`obverify._core.recipient.match_identity`: ASCII-only email folding, hashes, constant-time comparison inputs."""

from __future__ import annotations

import hashlib

import pytest
from hypothesis import given
from hypothesis import strategies as st

from obverify._core.recipient import IdentityClaim, ascii_lower, match_identity


def _hashed(identity: str, salt: str = "", alg: str = "sha256", kind: str = "email") -> IdentityClaim:
    digest = hashlib.new(alg, (identity + salt).encode()).hexdigest()
    return IdentityClaim(f"{alg}${digest}", kind, hashed=True, salt=salt or None)


def test_ascii_lower_only_touches_ascii() -> None:
    assert ascii_lower("ALICE@EXAMPLE.ORG") == "alice@example.org"
    assert ascii_lower("\u212a\u0130\u00c5") == "\u212a\u0130\u00c5"


@pytest.mark.parametrize(("real", "fake"), [
    ("kim@example.org", "\u212aim@example.org"),
    ("tim@example.org", "t\u0131m@example.org"),
    ("strasse@example.org", "stra\u00dfe@example.org"),
    ("alice@example.org", "\uff41lice@example.org"),
])
def test_confusables_never_match(real: str, fake: str) -> None:
    assert match_identity(IdentityClaim(real, "email", hashed=False), [fake]).matched is None
    assert match_identity(_hashed(real), [fake]).matched is None
    assert match_identity(_hashed(real, "salt"), [fake]).matched is None


def test_ascii_case_variants_match_plain_and_hashed() -> None:
    assert match_identity(IdentityClaim("Alice@Example.org", "email", hashed=False), ["aLICE@example.ORG"]).matched
    assert match_identity(_hashed("alice@example.org", "s"), ["ALICE@Example.org"]).matched == "ALICE@Example.org"


def test_hex_case_and_md5_warning() -> None:
    claim = _hashed("alice@example.org", "s", "md5")
    upper = IdentityClaim(claim.identity.upper().replace("MD5$", "md5$"), "email", hashed=True, salt="s")
    result = match_identity(upper, ["alice@example.org"])
    assert result.matched == "alice@example.org"
    assert result.weak_hash is True


def test_first_matching_candidate_is_reported() -> None:
    result = match_identity(_hashed("b@example.org"), ["a@example.org", "b@example.org", "B@example.org"])
    assert result.matched == "b@example.org"


@pytest.mark.parametrize("identity", ["sha1$abcd", "sha256$xyz", "sha256$", "plain"])
def test_malformed_hashes(identity: str) -> None:
    result = match_identity(IdentityClaim(identity, "email", hashed=True), ["x@example.org"])
    assert result.matched is None
    assert result.malformed is not None


def test_urls_and_ids_are_case_sensitive() -> None:
    assert match_identity(IdentityClaim("https://a.example/P", "url", hashed=False), ["https://a.example/p"]).matched \
        is None
    assert match_identity(IdentityClaim("did:example:Ab", "id", hashed=False), ["did:example:ab"]).matched is None
    assert match_identity(_hashed("+15555550100", kind="telephone"), ["+15555550100"]).matched == "+15555550100"


@given(st.text(max_size=12), st.text(max_size=12))
def test_a_match_implies_ascii_lower_equality(badge: str, given_identity: str) -> None:
    plain = match_identity(IdentityClaim(badge, "email", hashed=False), [given_identity])
    hashed = match_identity(_hashed(ascii_lower(badge)), [given_identity])
    if plain.matched is not None:
        assert ascii_lower(badge) == ascii_lower(given_identity)
    if hashed.matched is not None:
        assert ascii_lower(given_identity) == ascii_lower(badge)
