"""Content search: ``span_search`` (a span's searchable text) and each database's own index
of it, filled from the spans stored before

Revision ID: 0018
Revises: 0017
Create Date: 2026-12-07

Issue #16. SQLite: an FTS5 table with the trigram tokenizer (substrings, case-insensitive)
reading its text from ``span_search`` (external content; contentless tables that can delete
rows need SQLite 3.43, Python's is often older), kept in step by triggers. PostgreSQL: GIN
indexes, ``pg_trgm`` for ILIKE substrings and ``to_tsvector('simple', body)`` for words.

The backfill flattens stored content as ingest does (``telemetry.search_text``, copied here:
revisions are self-contained).
"""

import json
from collections.abc import Iterator, Sequence
from typing import Any

import sqlalchemy as sa
from alembic import op

revision: str = "0018"
down_revision: str | None = "0017"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

SQLITE_OBJECTS = (
    "CREATE VIRTUAL TABLE span_search_fts USING fts5("
    "body, content='span_search', content_rowid='id', tokenize='trigram')",
    "CREATE TRIGGER span_search_ai AFTER INSERT ON span_search BEGIN "
    "INSERT INTO span_search_fts(rowid, body) VALUES (new.id, new.body); END",
    "CREATE TRIGGER span_search_ad AFTER DELETE ON span_search BEGIN "
    "INSERT INTO span_search_fts(span_search_fts, rowid, body) "
    "VALUES ('delete', old.id, old.body); END",
)
POSTGRES_OBJECTS = (
    "CREATE INDEX ix_span_search_fts_trgm ON span_search USING gin (body gin_trgm_ops)",
    "CREATE INDEX ix_span_search_fts_words ON span_search USING gin (to_tsvector('simple', body))",
)


def upgrade() -> None:
    dialect = op.get_bind().dialect.name
    if dialect == "postgresql":
        op.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    id_type = sa.BigInteger().with_variant(sa.Integer(), "sqlite")
    op.create_table(
        "span_search",
        sa.Column("id", id_type, autoincrement=True, nullable=False),
        sa.Column("trace_id", sa.String(32), nullable=False),
        sa.Column("span_id", sa.String(16), nullable=False),
        sa.Column("body", sa.Text(), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_span_search"),
    )
    op.create_index("ix_span_search_span", "span_search", ["trace_id", "span_id"], unique=True)
    for statement in SQLITE_OBJECTS if dialect == "sqlite" else POSTGRES_OBJECTS:
        op.execute(statement)
    _backfill()


def downgrade() -> None:
    if op.get_bind().dialect.name == "sqlite":
        op.execute("DROP TABLE IF EXISTS span_search_fts")
    op.drop_table("span_search")


def _backfill() -> None:
    """Index the spans stored with content before this revision, oldest first, in chunks."""
    bind = op.get_bind()
    spans = sa.table(
        "telemetry_spans",
        sa.column("trace_id"),
        sa.column("span_id"),
        sa.column("start_time"),
        sa.column("content", sa.JSON()),
    )
    index = sa.table("span_search", sa.column("trace_id"), sa.column("span_id"), sa.column("body"))
    query = (
        sa.select(spans.c.trace_id, spans.c.span_id, spans.c.content)
        .where(spans.c.content.is_not(None))
        .order_by(spans.c.start_time)
    )
    rows: list[dict[str, str]] = []
    for trace_id, span_id, content in bind.execute(query):
        body = search_text(content)
        if body:
            rows.append({"trace_id": trace_id, "span_id": span_id, "body": body})
        if len(rows) >= 2000:
            bind.execute(index.insert(), rows)
            rows = []
    if rows:
        bind.execute(index.insert(), rows)


# A copy of ``aitower.telemetry.search_text`` as of this revision.
_STRUCTURAL = frozenset({"role", "type", "finish_reason"})


def search_text(content: Any) -> str:
    if not isinstance(content, dict):
        return ""
    parts: list[str] = []
    for side in ("input", "output", "other"):
        parts.extend(_texts(content.get(side)))
    return "\n".join(p.replace("\x00", "\ufffd") for p in parts if p)


def _texts(value: Any) -> Iterator[str]:
    if value is None or isinstance(value, bool):
        return
    if isinstance(value, str):
        parsed = _parsed(value)
        if parsed is None:
            yield value
        else:
            yield from _texts(parsed)
    elif isinstance(value, dict):
        for key, item in value.items():
            if key not in _STRUCTURAL:
                yield from _texts(item)
    elif isinstance(value, list):
        for item in value:
            yield from _texts(item)
    else:
        yield str(value)


def _parsed(text: str) -> Any:
    stripped = text.lstrip()
    if not stripped.startswith(("[", "{")):
        return None
    try:
        found = json.loads(stripped)
    except ValueError:
        return None
    return found if isinstance(found, dict | list) else None
