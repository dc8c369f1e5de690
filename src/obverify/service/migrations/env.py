"""Alembic environment: runs the migrations on the connection `obverify.service.migrate` passes in."""

from __future__ import annotations

from alembic import context

from obverify.service.db import Base

config = context.config
connection = config.attributes.get("connection")
if connection is None:  # `alembic` run by hand: the URL from the config
    from sqlalchemy import create_engine

    engine = create_engine(config.get_main_option("sqlalchemy.url") or "")
    with engine.begin() as conn:
        context.configure(connection=conn, target_metadata=Base.metadata, render_as_batch=True)
        with context.begin_transaction():
            context.run_migrations()
else:
    context.configure(connection=connection, target_metadata=Base.metadata, render_as_batch=True)
    with context.begin_transaction():
        context.run_migrations()
