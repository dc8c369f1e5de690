"""Storage: the SQLAlchemy 2 tables of users, identities, tokens, stored assertions and collections.

The schema itself is made by the Alembic migrations in `migrations/` (applied at start); these classes are
the ORM view of it and must stay in step (a test compares the migrated schema with this metadata).
"""

from __future__ import annotations

import datetime as dt
import secrets
from typing import Any

from sqlalchemy import (
    Boolean,
    DateTime,
    ForeignKey,
    Integer,
    String,
    Text,
    UniqueConstraint,
    create_engine,
    event,
)
from sqlalchemy.engine import Engine
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship, sessionmaker


def utcnow() -> dt.datetime:
    """Now, in UTC, to the millisecond (the seed's timestamps carry milliseconds)."""
    now = dt.datetime.now(dt.UTC)
    return now.replace(microsecond=now.microsecond // 1000 * 1000)


def new_entity_id() -> str:
    """A Badgr-style entity id: 16 random bytes, base64url without padding (22 characters)."""
    return secrets.token_urlsafe(16)


def storable(text: str) -> bool:
    """Whether every database takes `text` as is: no NUL (PostgreSQL refuses it) and no lone surrogate
    (not encodable as UTF-8)."""
    if "\x00" in text:
        return False
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def storable_text(text: str | None) -> str | None:
    """`text` with NUL and lone surrogates replaced by U+FFFD, for free text that came from a badge."""
    if text is None or storable(text):
        return text
    return "".join("\ufffd" if c == "\x00" or 0xD800 <= ord(c) <= 0xDFFF else c for c in text)


class Base(DeclarativeBase):
    """Declarative base of the service tables."""


class User(Base):
    """A backpack owner: an email (the login name) and the identities a badge may be awarded to."""

    __tablename__ = "users"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    entity_id: Mapped[str] = mapped_column(String(32), unique=True, default=new_entity_id)
    email: Mapped[str] = mapped_column(String(320), unique=True)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    identities: Mapped[list[Identity]] = relationship(back_populates="user", cascade="all, delete-orphan")


class Identity(Base):
    """One recipient identity of a user (email, url, telephone, did), verified or not."""

    __tablename__ = "identities"
    __table_args__ = (UniqueConstraint("user_id", "type", "value"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    type: Mapped[str] = mapped_column(String(16))
    value: Mapped[str] = mapped_column(String(2048))
    verified: Mapped[bool] = mapped_column(Boolean, default=True)
    user: Mapped[User] = relationship(back_populates="identities")


class Token(Base):
    """A bearer token: only its SHA-256 is kept, so a database leak does not leak working tokens."""

    __tablename__ = "tokens"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    scope: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    user: Mapped[User] = relationship()


class StoredAssertion(Base):
    """One imported badge: the Assertion as `import_badge` built it, the report, and where the original is."""

    __tablename__ = "assertions"
    __table_args__ = (UniqueConstraint("user_id", "dedupe_key"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    entity_id: Mapped[str] = mapped_column(String(32), unique=True, default=new_entity_id)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    dedupe_key: Mapped[str] = mapped_column(String(2048))
    acceptance: Mapped[str] = mapped_column(String(16), default="Accepted")
    pending: Mapped[bool] = mapped_column(Boolean, default=False)
    revoked: Mapped[bool] = mapped_column(Boolean, default=False)
    revocation_reason: Mapped[str | None] = mapped_column(Text, nullable=True)
    expired: Mapped[bool] = mapped_column(Boolean, default=False)
    input_kind: Mapped[str] = mapped_column(String(16))
    original_file: Mapped[str] = mapped_column(String(256))
    image_file: Mapped[str | None] = mapped_column(String(256), nullable=True)
    """The baked image's bytes, decoded, when the badge came as (or was fetched as) an image."""
    assertion_json: Mapped[str] = mapped_column(Text)
    report_json: Mapped[str] = mapped_column(Text)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    checked_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class Collection(Base):
    """A named set of one user's assertions; published ones get a share hash."""

    __tablename__ = "collections"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    entity_id: Mapped[str] = mapped_column(String(32), unique=True, default=new_entity_id)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(String(255))
    description: Mapped[str] = mapped_column(Text, default="")
    published: Mapped[bool] = mapped_column(Boolean, default=False)
    share_hash: Mapped[str | None] = mapped_column(String(64), nullable=True)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    members: Mapped[list[CollectionMember]] = relationship(
        cascade="all, delete-orphan", order_by="CollectionMember.position")


class CollectionMember(Base):
    """An assertion in a collection; deleting either side removes the row (ON DELETE CASCADE)."""

    __tablename__ = "collection_members"
    collection_id: Mapped[int] = mapped_column(ForeignKey("collections.id", ondelete="CASCADE"), primary_key=True)
    assertion_id: Mapped[int] = mapped_column(ForeignKey("assertions.id", ondelete="CASCADE"), primary_key=True)
    position: Mapped[int] = mapped_column(Integer, default=0)
    assertion: Mapped[StoredAssertion] = relationship()


def make_engine(url: str) -> Engine:
    """An engine for `url`; SQLite gets foreign keys on, WAL and a busy timeout (several workers share the file)."""
    kwargs: dict[str, Any] = {"pool_pre_ping": True}
    if url.startswith("sqlite"):
        kwargs = {"connect_args": {"check_same_thread": False, "timeout": 30}}
    engine = create_engine(url, **kwargs)
    if url.startswith("sqlite"):

        @event.listens_for(engine, "connect")
        def _pragmas(dbapi_connection: Any, _record: Any) -> None:
            cursor = dbapi_connection.cursor()
            cursor.execute("PRAGMA foreign_keys=ON")
            cursor.execute("PRAGMA journal_mode=WAL")
            cursor.execute("PRAGMA busy_timeout=30000")
            cursor.close()

    return engine


def make_sessions(engine: Engine) -> sessionmaker[Any]:
    """The session factory the request handlers use (objects stay readable after commit)."""
    return sessionmaker(engine, expire_on_commit=False)
