"""The importing user's identities, by type, with the verified flag (research §1 step 3, §4.1).

A backpack knows each identity's type (the email addresses, URLs, telephone numbers and DIDs of the user)
and whether the user proved it. The recipient check tries every identity; the badge must be addressed to an
identity *of the type the badge names* (an email-type badge is never matched by a URL that happens to hash
alike), and a badge matched only through an unverified identity is imported as `pending` (as Badgr does).

Argument mistakes are programmer errors and raise at the call (`TypeError`, `ValueError`): a bare string
where a list belongs would otherwise be split into one-character "identities" and silently never match.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import NamedTuple

IDENTITY_TYPES = ("email", "url", "telephone", "did")
"""The profile keys the backpack uses; other keys are accepted as identity types of their own."""

# what a badge calls an identity type -> the profile key it is looked up under
_BADGE_TYPE_TO_KEY = {
    "email": "email",
    "emailaddress": "email",
    "url": "url",
    "telephone": "telephone",
    "phone": "telephone",
    "did": "did",
}


class RecipientProfile(NamedTuple):
    """The user's identities: `by_type` maps a type to its identities (verified ones first), `unverified`
    holds those the user has not proved."""

    by_type: dict[str, tuple[str, ...]]
    unverified: frozenset[tuple[str, str]]

    def candidates(self) -> tuple[str, ...]:
        """Every identity, verified ones first (so a verified match wins over an unverified alias)."""
        verified = [v for t, vs in self.by_type.items() for v in vs if (t, v) not in self.unverified]
        rest = [v for t, vs in self.by_type.items() for v in vs if (t, v) in self.unverified]
        return tuple(dict.fromkeys(verified + rest))

    def lookup(self, identity: str, badge_type: str | None) -> tuple[str, bool] | None:
        """The profile key under which `identity` is held for a badge of `badge_type`, and whether it is
        verified; None if the user does not hold it under that type."""
        keys = _keys_for(identity, badge_type)
        found: tuple[str, bool] | None = None
        for key in keys:
            if identity in self.by_type.get(key, ()):
                verified = (key, identity) not in self.unverified
                if verified:
                    return key, True
                found = found or (key, False)
        return found


def _keys_for(identity: str, badge_type: str | None) -> tuple[str, ...]:
    kind = (badge_type or "").lower()
    if kind in _BADGE_TYPE_TO_KEY:
        return (_BADGE_TYPE_TO_KEY[kind],)
    if kind == "id":  # an OB 3.0 subject id (or an OB 2.0 `id`-type recipient): a DID or a URL
        return ("did",) if identity.startswith("did:") else ("url", "did")
    return (badge_type or "",)


def _strings(value: object, what: str) -> tuple[str, ...]:
    if isinstance(value, str | bytes) or not isinstance(value, Iterable):
        raise TypeError(f"{what} must be a list of identity strings, not {type(value).__name__}")
    out = tuple(value)
    for item in out:
        if not isinstance(item, str):
            raise TypeError(f"{what} must hold strings, not {type(item).__name__}")
    return out


def make_profile(
    recipient_profile: Mapping[str, Iterable[str]], unverified: Iterable[str] | Mapping[str, Iterable[str]] = ()
) -> RecipientProfile:
    """Check and normalise the two arguments of `import_badge` (see its docstring)."""
    if not isinstance(recipient_profile, Mapping):
        raise TypeError(
            "recipient_profile must map identity types to lists of identities, e.g. "
            f'{{"email": ["alice@example.org"]}}, not {type(recipient_profile).__name__}'
        )
    by_type: dict[str, list[str]] = {}
    for key, values in recipient_profile.items():
        if not isinstance(key, str) or not key:
            raise TypeError("recipient_profile keys must be identity types such as 'email', 'url', 'telephone', 'did'")
        by_type.setdefault(key, []).extend(_strings(values, f"recipient_profile[{key!r}]"))
    flagged: set[tuple[str, str]] = set()
    if isinstance(unverified, Mapping):
        for key, values in unverified.items():
            if not isinstance(key, str) or not key:
                raise TypeError("unverified keys must be identity types")
            for value in _strings(values, f"unverified[{key!r}]"):
                by_type.setdefault(key, []).append(value)
                flagged.add((key, value))
    else:
        for value in _strings(unverified, "unverified"):
            holders = [key for key, values in by_type.items() if value in values]
            if not holders:
                raise ValueError(
                    "an unverified identity must also be in recipient_profile (or give unverified by type)"
                )
            flagged.update((key, value) for key in holders)
    if not any(by_type.values()):
        raise ValueError("recipient_profile must hold at least one identity of the importing user")
    return RecipientProfile({k: tuple(dict.fromkeys(v)) for k, v in by_type.items()}, frozenset(flagged))
