"""The Alembic migrations make exactly the schema the ORM models describe, on SQLite and PostgreSQL, and
applying them again (every start does) changes nothing."""

from __future__ import annotations

from pathlib import Path

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import inspect

from helpers.service_kit import PostgresCluster
from obverify.service.db import Base, make_engine
from obverify.service.migrate import upgrade


@pytest.mark.parametrize("backend", ["sqlite", "postgresql"])
def test_migrated_schema_matches_the_models(backend: str, tmp_path: Path, request: pytest.FixtureRequest) -> None:
    if backend == "sqlite":
        url = f"sqlite:///{tmp_path / 'm.sqlite3'}"
    else:
        cluster: PostgresCluster = request.getfixturevalue("postgres")
        url = cluster.createdb(f"migr{tmp_path.name[-8:].replace('-', '_')}")
    engine = make_engine(url)
    try:
        upgrade(engine)
        upgrade(engine)  # idempotent: what every start does
        with engine.connect() as connection:
            diff = compare_metadata(MigrationContext.configure(connection), Base.metadata)
            tables = set(inspect(connection).get_table_names())
        assert diff == []
        assert tables >= {"users", "identities", "tokens", "assertions", "collections", "collection_members",
                          "alembic_version"}
    finally:
        engine.dispose()
