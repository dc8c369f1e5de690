"""Apply the Alembic migrations to the service database (at every start; a no-op when up to date).

Several `obverify serve --workers N` processes start at once; the command applies the migrations once in
the parent before the workers exist, and `uvicorn obverify.service:app` applies them per process, where
Alembic's version table and the database's own DDL locking (PostgreSQL) or file lock (SQLite) serialise them.
"""

from __future__ import annotations

from pathlib import Path

from alembic import command
from alembic.config import Config
from sqlalchemy.engine import Engine

MIGRATIONS = Path(__file__).resolve().parent / "migrations"


def alembic_config(url: str) -> Config:
    """An Alembic config pointing at the packaged migrations (no alembic.ini needed)."""
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    config.set_main_option("sqlalchemy.url", url.replace("%", "%%"))
    return config


def upgrade(engine: Engine) -> None:
    """Bring the database behind `engine` to the newest schema."""
    config = alembic_config(engine.url.render_as_string(hide_password=False))
    with engine.begin() as connection:
        config.attributes["connection"] = connection
        command.upgrade(config, "head")
