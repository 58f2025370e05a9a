"""The content search index: one row per stored span with content, its searchable text.

``body`` is the span's stored content flattened to text (``search_text``): input, output and
every other content field's values, keys left out. The databases' own engines index it: on
SQLite an FTS5 table with the trigram tokenizer (``span_search_fts``, external content read
from this table, kept in step by triggers, created by migration 0018), on PostgreSQL GIN indexes
(``pg_trgm`` for substrings, ``to_tsvector('simple', …)`` for words). Neither engine object is
a model: ``ENGINE_OWNED`` names them so that comparing models with migrations leaves them out.

Only the span's key is kept here: its system, time, user and model are read from the span
(a re-attribution moves spans between systems and has nothing to change here).
"""

from __future__ import annotations

from sqlalchemy import BigInteger, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from aitower.core.db.base import Base


class SpanSearchRow(Base):
    __tablename__ = "span_search"
    __table_args__ = (Index("ix_span_search_span", "trace_id", "span_id", unique=True),)

    # SQLite: INTEGER PRIMARY KEY is the rowid the FTS5 index points at (a rowid that is not
    # aliased may change on VACUUM); PostgreSQL: a bigint, as spans outnumber 2**31 in time.
    id: Mapped[int] = mapped_column(
        BigInteger().with_variant(Integer(), "sqlite"), primary_key=True, autoincrement=True
    )
    trace_id: Mapped[str] = mapped_column(String(32))
    span_id: Mapped[str] = mapped_column(String(16))
    body: Mapped[str] = mapped_column(Text)
