"""Recipient matching for OB 2.0 IdentityObjects and OB 3.0 IdentityObjects (SECURITY.md §13).

Email: exact, except that ASCII A–Z compare case-insensitively through a 26-letter table — never
`str.lower`/`casefold`/NFKC, so KELVIN SIGN, dotless i, ß or fullwidth letters can never be folded onto
another mailbox. Hashes (`sha256$`, `md5$`, hex in any case, optional salt) are computed over the
candidate as given and, for email, also ASCII-lower-cased, and compared with `hmac.compare_digest`.
URLs, telephones, DIDs and ids are exact: paths and DIDs are case-sensitive.
"""

from __future__ import annotations

import hashlib
import hmac
from collections.abc import Iterable
from typing import NamedTuple

_ASCII_LOWER = str.maketrans("ABCDEFGHIJKLMNOPQRSTUVWXYZ", "abcdefghijklmnopqrstuvwxyz")
EMAIL_TYPES = frozenset({"email", "emailAddress"})
HASH_ALGORITHMS = {"sha256": hashlib.sha256, "md5": hashlib.md5}


def ascii_lower(text: str) -> str:
    """Lower-case ASCII A–Z only; every other character stays exactly as it is."""
    return text.translate(_ASCII_LOWER)


class IdentityClaim(NamedTuple):
    """What a badge says about its recipient: the identity (plain or `alg$hex`), its type, hashing, salt."""

    identity: str
    identity_type: str
    hashed: bool
    salt: str | None = None


class MatchResult(NamedTuple):
    """Which candidate matched (None if none), and whether the hash algorithm was weak (md5)."""

    matched: str | None
    weak_hash: bool = False
    malformed: str | None = None
    """Set when the claim itself is unusable (unknown algorithm, not hex): the reason."""


def _candidates_for(candidate: str, identity_type: str) -> list[str]:
    if identity_type in EMAIL_TYPES:
        lowered = ascii_lower(candidate)
        return [candidate] if lowered == candidate else [candidate, lowered]
    return [candidate]


def match_identity(claim: IdentityClaim, candidates: Iterable[str]) -> MatchResult:
    """Return the first candidate that is the claimed recipient."""
    if claim.hashed:
        alg, sep, digest = claim.identity.partition("$")
        hasher = HASH_ALGORITHMS.get(ascii_lower(alg))
        if not sep or hasher is None:
            return MatchResult(None, malformed="hashed identity must start with sha256$ or md5$")
        expected = ascii_lower(digest)
        if not expected or any(c not in "0123456789abcdef" for c in expected):
            return MatchResult(None, malformed="hashed identity is not hexadecimal")
        weak = hasher is hashlib.md5
        salt = claim.salt or ""
        for candidate in candidates:
            for form in _candidates_for(candidate, claim.identity_type):
                got = hasher((form + salt).encode("utf-8", "surrogatepass")).hexdigest()
                if hmac.compare_digest(got.encode(), expected.encode()):
                    return MatchResult(candidate, weak_hash=weak)
        return MatchResult(None, weak_hash=weak)
    for candidate in candidates:
        if claim.identity_type in EMAIL_TYPES:
            same = hmac.compare_digest(
                ascii_lower(candidate).encode("utf-8", "surrogatepass"),
                ascii_lower(claim.identity).encode("utf-8", "surrogatepass"),
            )
        else:
            same = hmac.compare_digest(
                candidate.encode("utf-8", "surrogatepass"), claim.identity.encode("utf-8", "surrogatepass")
            )
        if same:
            return MatchResult(candidate)
    return MatchResult(None)
