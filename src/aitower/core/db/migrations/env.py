"""Alembic environment: runs on the engine handed in by ``aitower.core.db.migrate``."""

from __future__ import annotations

from alembic import context
from sqlalchemy import Engine

from aitower.core.db.models import metadata

engine: Engine = context.config.attributes["engine"]

with engine.connect() as connection:
    context.configure(
        connection=connection,
        target_metadata=metadata,
        render_as_batch=connection.dialect.name == "sqlite",  # SQLite ALTER needs batch mode
        compare_type=True,
    )
    with context.begin_transaction():
        context.run_migrations()
    connection.commit()
