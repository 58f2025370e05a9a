"""Alembic, driven from code: migrations ship inside the package and need no alembic.ini.

Alembic is imported only to migrate or to explain a schema that is not current: a server whose
database is current never loads it (about 12 MB of resident memory in every server process).
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING

from sqlalchemy import Engine, inspect, text

if TYPE_CHECKING:
    from alembic.config import Config
    from alembic.script import ScriptDirectory

MIGRATIONS_DIR = Path(__file__).parent / "migrations"
# The newest revision in ``migrations/versions``; a test checks that alembic's head agrees.
HEAD_REVISION = "0028"


def is_engine_owned(name: str | None) -> bool:
    """Search objects a migration makes with its database's own engine, not models (one
    model set cannot say them for both dialects): an SQLite FTS5 virtual table (named ``*_fts``
    by this codebase's convention) and its shadow tables (``*_fts_data``, ``*_fts_idx``, …),
    PostgreSQL's GIN indexes named ``ix_*_fts_*``. Comparing models with the schema leaves
    them out."""
    return name is not None and (name.endswith("_fts") or "_fts_" in name)


def include_name(name: str | None, type_: str, _parents: object) -> bool:
    """Alembic's ``include_name`` hook: every schema object but the engine-owned ones."""
    return not (type_ in ("table", "index") and is_engine_owned(name))


def alembic_config(engine: Engine) -> Config:
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    config.attributes["engine"] = engine
    return config


@cache
def _scripts() -> ScriptDirectory:
    """Parsed once per process: the shipped history cannot change while aitower runs."""
    from alembic.script import ScriptDirectory

    return ScriptDirectory(str(MIGRATIONS_DIR))


def head_revision() -> str:
    head = _scripts().get_current_head()
    assert head is not None, "the migration history has no head"
    return head


def current_revision(engine: Engine) -> str | None:
    """The revision alembic recorded in ``alembic_version``; None for an empty database."""
    with engine.connect() as conn:
        if not inspect(conn).has_table("alembic_version"):
            return None
        found = conn.execute(text("SELECT version_num FROM alembic_version")).scalars().all()
    return found[0] if found else None  # one row: the history is linear


def upgrade(engine: Engine, revision: str = "head") -> None:
    from alembic import command

    command.upgrade(alembic_config(engine), revision)


def downgrade(engine: Engine, revision: str = "base") -> None:
    from alembic import command

    command.downgrade(alembic_config(engine), revision)


@dataclass(frozen=True, slots=True)
class SchemaState:
    current: str | None
    head: str
    known: bool  # the current revision exists in this aitower's history

    @property
    def up_to_date(self) -> bool:
        return self.current == self.head

    def explain(self) -> str:
        if self.up_to_date:
            return f"database schema is current ({self.head})"
        if self.current is None:
            return "database is empty; run 'aitower db upgrade' (serve does it for you)"
        if not self.known:
            return (
                f"database is at revision {self.current}, which this aitower does not know: "
                "it was migrated by a newer aitower; upgrade aitower, never downgrade the data"
            )
        return f"database is at {self.current}, behind {self.head}; run 'aitower db upgrade'"


def schema_state(engine: Engine) -> SchemaState:
    current = current_revision(engine)
    if current == HEAD_REVISION:
        return SchemaState(current, HEAD_REVISION, known=True)
    known = current is None or _revision_known(_scripts(), current)
    return SchemaState(current, head_revision(), known)


def _revision_known(scripts: ScriptDirectory, revision: str) -> bool:
    try:
        return scripts.get_revision(revision) is not None
    except Exception:  # alembic raises several kinds for an unknown id
        return False
