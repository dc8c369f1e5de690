"""Service fixtures: the app under real uvicorn on loopback, on SQLite and on a real PostgreSQL server.

`backend` runs every test that uses `service` twice, once per database. Each test makes its own users
(`account`), so tests sharing one running service do not see each other's data.
"""

from __future__ import annotations

import shutil
import tempfile
from collections.abc import Iterator
from itertools import count
from pathlib import Path

import pytest

from helpers.service_kit import Issuer, PostgresCluster, Service, merged_documents, postgres_cluster, run_uvicorn
from obverify.service import Settings, create_app

# cases whose documents agree on every shared URL, so one offline store serves them all
DOCUMENT_CASES = ["ob2-baked-png-itxt", "ob2-baked-png-text", "ob2-baked-svg-cdata", "ob3-eddsa-rdfc-valid",
                  "ob3-baked-png-json", "ob3-baked-png-tampered", "ob3-jwt-eddsa-valid"]

_counter = count()

@pytest.fixture(scope="session")
def documents(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return merged_documents(DOCUMENT_CASES, tmp_path_factory.mktemp("documents"))


@pytest.fixture(scope="session")
def issuer() -> Iterator[Issuer]:
    server = Issuer()
    server.start()
    yield server
    server.close()


@pytest.fixture(scope="session")
def postgres() -> Iterator[PostgresCluster]:
    root = Path(tempfile.mkdtemp(prefix="obverify-pg-"))
    try:
        with postgres_cluster(root) as cluster:
            yield cluster
    finally:
        shutil.rmtree(root, ignore_errors=True)


def _settings(tmp: Path, documents: Path, issuer: Issuer, database_url: str | None, **extra: object) -> Settings:
    extra.setdefault("offline", False)
    return Settings(data=tmp, database_url=database_url, documents=documents,
                    unsafe_allow_addresses=frozenset({("127.0.0.1", issuer.port)}), **extra)  # type: ignore[arg-type]


def _database_url(backend: str, request: pytest.FixtureRequest) -> str | None:
    if backend == "sqlite":
        return None
    cluster: PostgresCluster = request.getfixturevalue("postgres")
    return cluster.createdb(f"svc{next(_counter)}")


@pytest.fixture(scope="module", params=["sqlite", "postgresql"])
def service(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory, documents: Path,
            issuer: Issuer) -> Iterator[Service]:
    """The service on each database, re-checking stored badges on every read (recheck age 0)."""
    backend: str = request.param
    settings = _settings(tmp_path_factory.mktemp(f"data-{backend}"), documents, issuer,
                         _database_url(backend, request), recheck_after_s=0.0)
    with run_uvicorn(create_app(settings)) as running:
        yield Service(running, settings, backend)


@pytest.fixture(scope="module", params=["sqlite", "postgresql"])
def offline_service(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory, documents: Path,
                    issuer: Issuer) -> Iterator[Service]:
    """The service on each database with no network at all (documents from the store only): for generated
    requests, whose URLs point anywhere."""
    backend: str = request.param
    settings = _settings(tmp_path_factory.mktemp(f"offline-{backend}"), documents, issuer,
                         _database_url(backend, request), offline=True)
    with run_uvicorn(create_app(settings)) as running:
        yield Service(running, settings, backend)


@pytest.fixture
def make_service(request: pytest.FixtureRequest, tmp_path: Path, documents: Path,
                 issuer: Issuer) -> Iterator[object]:
    """Start a service with other settings (SQLite) for one test: `make_service(max_body=...)`."""
    stack: list[object] = []

    def make(store: Path | None = None, **extra: object) -> Service:
        settings = _settings(tmp_path / f"data{len(stack)}", store or documents, issuer, None, **extra)
        cm = run_uvicorn(create_app(settings))
        running = cm.__enter__()
        stack.append(cm)
        return Service(running, settings, "sqlite")

    yield make
    for cm in reversed(stack):
        cm.__exit__(None, None, None)  # type: ignore[attr-defined]
