"""Alembic migrations of the service schema, applied by `obverify serve` at start (`migrate.upgrade`)."""
