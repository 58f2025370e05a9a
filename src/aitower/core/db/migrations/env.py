"""Alembic environment: runs on the engine handed in by ``aitower.core.db.migrate``.

The revisions are self-contained, so upgrading needs no models. Comparing the models with the
schema (autogenerate, ``scripts/draft_migration.py``) needs every table: the caller hands in
``aitower.app.metadata`` as the ``metadata`` attribute.
"""

from __future__ import annotations

from alembic import context
from sqlalchemy import Engine, MetaData

from aitower.core.db.migrate import include_name

engine: Engine = context.config.attributes["engine"]
metadata: MetaData | None = context.config.attributes.get("metadata")

with engine.connect() as connection:
    context.configure(
        connection=connection,
        target_metadata=metadata,
        render_as_batch=connection.dialect.name == "sqlite",  # SQLite ALTER needs batch mode
        compare_type=True,
        include_name=include_name,  # FTS5 tables are the engine's, not models
    )
    with context.begin_transaction():
        context.run_migrations()
    connection.commit()
