"""Service settings: one record built from `obverify serve` options or from `OBVERIFY_*` environment variables.

`obverify serve` and `uvicorn obverify.service:app` must behave alike, so the command line only
writes the environment that `Settings.from_env` reads; every worker process then builds the same settings.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

DEFAULT_DATA = "./obverify-data"
MiB = 1024 * 1024


@dataclass(frozen=True)
class Settings:
    """Everything the service reads at start; see the README's "Run the backpack service" for each variable."""

    data: Path = Path(DEFAULT_DATA)
    database_url: str | None = None
    """`OBVERIFY_DATABASE_URL` (e.g. `postgresql+psycopg://user@host/db`); None = SQLite file under `data`."""
    documents: Path | None = None
    offline: bool = False
    max_body: int = 16 * MiB
    deadline_s: float = 30.0
    """Per-request deadline of a verification, from the moment it was queued."""
    verify_threads: int = 2
    """Verifications running at once in one worker process (they run off the event loop)."""
    queue_limit: int = 32
    """Verifications admitted at once (running + waiting) per worker; past it the answer is 503 + Retry-After."""
    recheck_after_s: float = 3600.0
    """Re-check revocation and expiry of a stored assertion on read when its last check is older than this."""
    unsafe_allow_addresses: frozenset[tuple[str, int]] = field(default_factory=frozenset)
    """Exact (ip, port) pairs the network policy admits although not public: tests' loopback issuers only."""
    policy: tuple[str, ...] = ()
    """`OBVERIFY_POLICY`: `NAME=VALUE` settings of every verification's `VerificationPolicy` (comma separated),
    e.g. `max_documents=16,require_recipient=true`; checked when the settings are read."""

    @property
    def sqlalchemy_url(self) -> str:
        """The database URL: `database_url`, or the SQLite file `data/obverify.sqlite3`."""
        if self.database_url:
            url = self.database_url
            # a bare postgresql:// URL means the driver this extra installs (psycopg 3), not psycopg2
            if url.startswith("postgresql://"):
                url = "postgresql+psycopg://" + url[len("postgresql://"):]
            elif url.startswith("postgres://"):
                url = "postgresql+psycopg://" + url[len("postgres://"):]
            return url
        return f"sqlite:///{(self.data / 'obverify.sqlite3').resolve()}"

    @classmethod
    def from_env(cls, env: Mapping[str, str] | None = None) -> Settings:
        """Settings from `OBVERIFY_*` variables; a malformed value raises ValueError naming the variable."""
        env = os.environ if env is None else env

        def number(name: str, default: float, *, minimum: float) -> float:
            text = env.get(name)
            if text is None or text == "":
                return default
            try:
                value = float(text)
            except ValueError:
                raise ValueError(f"{name} must be a number, not {text!r}") from None
            if not value >= minimum:
                raise ValueError(f"{name} must be at least {minimum}")
            return value

        documents = env.get("OBVERIFY_DOCUMENTS") or None
        return cls(
            data=Path(env.get("OBVERIFY_DATA") or DEFAULT_DATA),
            database_url=env.get("OBVERIFY_DATABASE_URL") or None,
            documents=Path(documents) if documents else None,
            offline=env.get("OBVERIFY_OFFLINE", "").lower() in {"1", "true", "yes"},
            max_body=int(number("OBVERIFY_MAX_BODY", 16 * MiB, minimum=1024)),
            deadline_s=number("OBVERIFY_DEADLINE", 30.0, minimum=0.1),
            verify_threads=int(number("OBVERIFY_VERIFY_THREADS", 2, minimum=1)),
            queue_limit=int(number("OBVERIFY_QUEUE_LIMIT", 32, minimum=1)),
            recheck_after_s=number("OBVERIFY_RECHECK_AFTER", 3600.0, minimum=0),
            unsafe_allow_addresses=_addresses(env.get("OBVERIFY_UNSAFE_ALLOW_ADDRESSES", "")),
            policy=_policy(env.get("OBVERIFY_POLICY", "")),
        )


def _policy(text: str) -> tuple[str, ...]:
    """`max_documents=16, require_recipient=true` → the settings, each checked (ValueError names the variable)."""
    from obverify._core.policy import parse_options

    items = tuple(filter(None, (part.strip() for part in text.split(","))))
    try:
        parse_options(items)
    except ValueError as exc:
        raise ValueError(f"OBVERIFY_POLICY: {exc}") from None
    return items


def _addresses(text: str) -> frozenset[tuple[str, int]]:
    """`127.0.0.1:8080,[::1]:9000` → {("127.0.0.1", 8080), ("::1", 9000)}."""
    out: set[tuple[str, int]] = set()
    for item in filter(None, (part.strip() for part in text.split(","))):
        host, sep, port = item.rpartition(":")
        if not sep or not port.isdigit():
            raise ValueError(f"OBVERIFY_UNSAFE_ALLOW_ADDRESSES: {item!r} is not HOST:PORT")
        out.add((host.strip("[]"), int(port)))
    return frozenset(out)
