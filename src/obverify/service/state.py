"""What one service process holds: settings, the database, the loader and policy, the verifier, the files.

Built once per process at start-up (`create_app`), and reached from handlers through `request.app.state`.
"""

from __future__ import annotations

import contextlib
from pathlib import Path
from typing import Any

from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session, sessionmaker

from obverify._core.loader import Document, Loader
from obverify._core.policy import parse_options
from obverify._engines.net.factory import make_loader
from obverify._engines.net.policy import NetworkPolicy
from obverify._engines.net.store import DocumentStore
from obverify.service.db import make_engine, make_sessions
from obverify.service.limits import Verifier
from obverify.service.settings import Settings


class _Unrecorded:
    """A document store in front of the loader, minus the log of every URL asked for.

    `DocumentStore.requested` keeps every URL a run asked for (the offline audit's record); in a service
    that runs for weeks it would only grow, so it is emptied as it fills.
    """

    def __init__(self, inner: Loader) -> None:
        self.inner = inner

    def load(self, url: str, *, accept: str | None = None) -> Document:
        try:
            return self.inner.load(url, accept=accept)
        finally:
            if isinstance(self.inner, DocumentStore) and len(self.inner.requested) > 1024:
                self.inner.requested.clear()


class ServiceState:
    """The per-process resources of the service."""

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self.policy = parse_options(settings.policy).replace(
            network=NetworkPolicy(unsafe_allow_addresses=settings.unsafe_allow_addresses))
        """Every verification's `VerificationPolicy` (`OBVERIFY_POLICY`), the loader's network policy in it."""
        documents = str(settings.documents) if settings.documents is not None else None
        self.loader: Loader = _Unrecorded(make_loader(documents=documents, offline=settings.offline,
                                                      policy=self.policy.network))
        self.originals = settings.data / "originals"
        self.originals.mkdir(parents=True, exist_ok=True)
        self.engine: Engine = make_engine(settings.sqlalchemy_url)
        self.sessions: sessionmaker[Session] = make_sessions(self.engine)
        self.verifier = Verifier(threads=settings.verify_threads, queue_limit=settings.queue_limit,
                                 deadline_s=settings.deadline_s)

    def original_path(self, name: str) -> Path:
        """Where a stored original lives (names are made by the service, never taken from a request)."""
        return self.originals / name

    def write_original(self, name: str, data: bytes) -> None:
        """Store an original atomically (write, then rename)."""
        path = self.original_path(name)
        tmp = path.with_suffix(".tmp")
        tmp.write_bytes(data)
        tmp.replace(path)

    def remove_original(self, name: str) -> None:
        """Delete a stored original (gone already is fine)."""
        with contextlib.suppress(FileNotFoundError):
            self.original_path(name).unlink()

    def close(self) -> None:
        """Release the pool threads and database connections."""
        self.verifier.close()
        self.engine.dispose()


def state_of(request: Any) -> ServiceState:
    """The process's `ServiceState` from a request."""
    state: ServiceState = request.app.state.obverify
    return state
