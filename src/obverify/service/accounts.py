"""Users, their identities, and bearer tokens: created from the command line, checked on every request.

A token is 32 random bytes (base64url); only its SHA-256 is stored, so it is shown once, at creation. The
scopes are the seed's: `r:backpack` reads the backpack, `rw:backpack` also imports, edits and deletes.
A full OAuth2 server is out of scope: a deployment puts its own in front.
"""

from __future__ import annotations

import hashlib
import secrets
from collections.abc import Iterable
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from obverify.service.db import Identity, Token, User
from obverify.service.importing import Profile

SCOPES = ("r:backpack", "rw:backpack")
IDENTITY_TYPES = ("email", "url", "telephone", "did")


def hash_token(token: str) -> str:
    """The stored form of a token."""
    return hashlib.sha256(token.encode("utf-8", "surrogatepass")).hexdigest()


def parse_identity(text: str) -> tuple[str, str]:
    """`TYPE:VALUE` → (type, value); ValueError for an unknown type or an empty value."""
    kind, sep, value = text.partition(":")
    kind = kind.strip().lower()
    if not sep or kind not in IDENTITY_TYPES or not value.strip():
        raise ValueError(f"identity {text!r} must be TYPE:VALUE with TYPE one of {', '.join(IDENTITY_TYPES)}")
    return kind, value.strip()


def add_user(session: Session, email: str, identities: Iterable[tuple[str, str]] = (),
             unverified: Iterable[tuple[str, str]] = ()) -> User:
    """Create a user (or extend an existing one) with the login email as a verified email identity."""
    email = email.strip()
    if "@" not in email or len(email) > 320:
        raise ValueError(f"{email!r} is not an email address")
    user = session.scalars(select(User).where(User.email == email).options(selectinload(User.identities))).first()
    if user is None:
        user = User(email=email)
        session.add(user)
        session.flush()
    have = {(i.type, i.value): i for i in user.identities}
    wanted = [("email", email, True)] + [(t, v, True) for t, v in identities] + [(t, v, False) for t, v in unverified]
    for kind, value, verified in wanted:
        existing = have.get((kind, value))
        if existing is None:
            have[(kind, value)] = Identity(user_id=user.id, type=kind, value=value, verified=verified)
            session.add(have[(kind, value)])
        elif verified:
            existing.verified = True
    session.flush()
    session.refresh(user)
    return user


def create_token(session: Session, email: str, scope: str) -> str:
    """A new token for the user `email` with `scope`; returns the token itself (never stored)."""
    if scope not in SCOPES:
        raise ValueError(f"scope must be one of {', '.join(SCOPES)}, not {scope!r}")
    user = session.scalars(select(User).where(User.email == email.strip())).first()
    if user is None:
        raise ValueError(f"no user {email!r}: add it first with `obverify users add`")
    token = secrets.token_urlsafe(32)
    session.add(Token(user_id=user.id, token_hash=hash_token(token), scope=scope))
    session.flush()
    return token


def find_token(session: Session, token: str) -> Token | None:
    """The token row for a presented bearer token, with its user and identities loaded."""
    return session.scalars(
        select(Token).where(Token.token_hash == hash_token(token))
        .options(selectinload(Token.user).selectinload(User.identities))
    ).first()


def profile_of(user: Any) -> Profile:
    """The user's identities grouped by type, verified and unverified apart."""
    profile = Profile()
    for ident in sorted(user.identities, key=lambda i: i.id or 0):
        group = profile.verified if ident.verified else profile.unverified
        group.setdefault(ident.type, []).append(ident.value)
    return profile
