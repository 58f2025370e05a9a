"""Content search: the stored spans whose content contains a text, newest first.

Substring, case-insensitive, on both databases with their own engines: SQLite's FTS5 trigram
index answers a quoted phrase (``MATCH '"de8937"'``: the query's trigrams consecutive, which
is exactly "contains", case folded); PostgreSQL's ``pg_trgm`` GIN index answers ``ILIKE
'%de8937%'``. Both need three characters (a trigram): shorter queries are refused.

Hits are ordered by the index's own order (``span_search.id``, the order spans were stored,
which is their time order as exporters send them), so a word found in half the spans answers
from the newest index rows without sorting them all; the total is counted up to
``COUNT_LIMIT`` and said to be "at least" beyond it. Filters (system, time, user, session,
model, finding type) and the reader's business units are conditions on the span the hit joins.
"""

from __future__ import annotations

import re
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import ColumnElement, Select, column, exists, false, func, select, table, text
from sqlalchemy.orm import Session

from aitower.core.access.principal import Principal
from aitower.core.errors import InvalidInput
from aitower.telemetry.finding_tables import ContentFindingRow
from aitower.telemetry.scope import Scope, portfolio_scope
from aitower.telemetry.search_tables import SpanSearchRow
from aitower.telemetry.tables import SpanRow

MIN_CHARS = 3  # one trigram
MAX_CHARS = 200
COUNT_LIMIT = 1000  # beyond this many hits the total is "more than"
SNIPPET_CONTEXT = 80  # characters either side of the match


@dataclass(frozen=True, slots=True)
class ContentQuery:
    q: str
    system_id: uuid.UUID | None = None
    since: datetime | None = None
    until: datetime | None = None
    user_id: str | None = None
    session_id: str | None = None
    model: str | None = None
    finding_type: str | None = None


@dataclass(frozen=True, slots=True)
class Snippet:
    """Text around the first match; ``start``/``end`` the match's offsets within ``text``."""

    text: str
    start: int
    end: int
    cut_before: bool  # the body goes on before ``text``
    cut_after: bool

    @property
    def before(self) -> str:
        return self.text[: self.start]

    @property
    def match(self) -> str:
        return self.text[self.start : self.end]

    @property
    def after(self) -> str:
        return self.text[self.end :]


@dataclass(frozen=True, slots=True)
class SearchHit:
    trace_id: str
    span_id: str
    span_name: str
    system_id: uuid.UUID | None
    system_name: str | None
    service_name: str
    start_time: datetime
    user_id: str | None
    session_id: str | None
    model: str | None
    snippet: Snippet


@dataclass(frozen=True, slots=True)
class SearchPage:
    hits: list[SearchHit]
    total: int  # hits counted, at most COUNT_LIMIT
    more: bool  # there are more than ``total``


def checked_query(q: str | None) -> str:
    """The query text, or InvalidInput naming ``q``: trigram indexes need three characters."""
    found = (q or "").strip()
    if len(found) < MIN_CHARS:
        raise InvalidInput.on("q", f"search for at least {MIN_CHARS} characters")
    if len(found) > MAX_CHARS:
        raise InvalidInput.on("q", f"search for at most {MAX_CHARS} characters")
    return found


def search_content(
    session: Session, principal: Principal, query: ContentQuery, *, limit: int = 50, offset: int = 0
) -> SearchPage:
    """One page of the spans, visible to ``principal``, whose stored content contains
    ``query.q`` (case-insensitive), newest stored first."""
    q = checked_query(query.q)
    scope = portfolio_scope(session, principal)
    where = [*_scope_conditions(scope, query.system_id), *_filters(query)]
    postgres = session.get_bind().dialect.name == "postgresql"
    off: tuple[str, ...]
    if _is_common(session, postgres, q):
        # In many spans: reading the newest (filtered) spans finds a page sooner than
        # collecting every match from the index and sorting them all.
        matching, order, off = _scanning(postgres, q), SpanRow.start_time.desc(), _NO_INDEX
    else:
        matching, order, off = _matching(postgres, q), _ORDER[postgres], _INDEXED
    matching = matching.where(*where)
    with _plan(session, postgres, *off):
        counted = int(
            session.execute(
                select(func.count()).select_from(matching.limit(COUNT_LIMIT + 1).subquery())
            ).scalar_one()
        )
        page = matching.with_only_columns(*_COLUMNS).order_by(order)
        rows = session.execute(page.limit(limit).offset(offset)).all()
    hits = [_hit(row, scope, q) for row in rows]
    return SearchPage(hits, min(counted, COUNT_LIMIT), counted > COUNT_LIMIT)


_FTS = table("span_search_fts", column("rowid"))
_COLUMNS = (
    SpanRow.trace_id,
    SpanRow.span_id,
    SpanRow.name,
    SpanRow.system_id,
    SpanRow.service_name,
    SpanRow.start_time,
    SpanRow.user_id,
    SpanRow.session_id,
    SpanRow.model,
    SpanSearchRow.body,
)
# SQLite: ordered by the FTS5 table's rowid, which it reads in that order without sorting and
# stops reading at the LIMIT; the same order as ``span_search.id`` on PostgreSQL.
_ORDER = {False: _FTS.c.rowid.desc(), True: SpanSearchRow.id.desc()}


@contextmanager
def _plan(session: Session, applies: bool, *methods: str) -> Iterator[None]:
    """PostgreSQL planner methods off for one statement: its row estimates for ILIKE cannot
    tell a word in half the spans from one in thirty, and the wrong plan costs seconds."""
    if not applies:
        yield
        return
    for method in methods:
        session.execute(text(f"SET LOCAL {method} = off"))
    try:
        yield
    finally:
        for method in methods:
            session.execute(text(f"SET LOCAL {method} TO DEFAULT"))


# GIN indexes answer bitmap scans only; with these off the planner reads newest first. JIT
# off: the costs of the plans turned off would make it compile every search (0.4 s).
_NO_INDEX = ("enable_bitmapscan", "enable_seqscan", "enable_sort", "jit")
_INDEXED = ("enable_seqscan", "jit")
PROBE_ROWS = 2000  # PostgreSQL: the newest index rows a text's frequency is judged on
COMMON_SHARE = 0.02  # found in more than this share of them: common


def _is_common(session: Session, postgres: bool, q: str) -> bool:
    """Whether ``q`` is in so many spans that the index would return too many rows to sort.

    SQLite: the FTS5 index counts up to ``COUNT_LIMIT`` + 1 cheaply either way (few matches,
    or the first of many). PostgreSQL: collecting a common text's matches from the trigram
    index is itself the cost, so the newest ``PROBE_ROWS`` rows are read instead."""
    if not postgres:
        found = select(_FTS.c.rowid).select_from(_FTS).where(_fts_match(q))
        limited = found.limit(COUNT_LIMIT + 1).subquery()
        counted = session.execute(select(func.count()).select_from(limited)).scalar_one()
        return int(counted) > COUNT_LIMIT
    newest = select(func.max(SpanSearchRow.id)).scalar_subquery()
    recent = select(func.count()).where(
        SpanSearchRow.id > newest - PROBE_ROWS,
        SpanSearchRow.body.ilike(like_pattern(q), escape="\\"),
    )
    with _plan(session, True, *_NO_INDEX):
        counted = session.execute(recent).scalar_one()
    return int(counted) > COMMON_SHARE * PROBE_ROWS


def _scanning(postgres: bool, q: str) -> Select[Any]:
    """Spans whose index text contains ``q``, compared row by row (no text index): for a
    common text, read newest first through the spans' time indexes. SQLite's LIKE ignores
    the case of ASCII letters only."""
    body = SpanSearchRow.body
    contains = body.ilike if postgres else body.like
    return (
        select(SpanSearchRow.id)
        .select_from(SpanRow)
        .join(SpanSearchRow, _on_span())
        .where(contains(like_pattern(q), escape="\\"))
    )


def _on_span() -> ColumnElement[bool]:
    return (SpanRow.trace_id == SpanSearchRow.trace_id) & (SpanRow.span_id == SpanSearchRow.span_id)


def _fts_match(q: str) -> ColumnElement[bool]:
    phrase = '"' + q.replace('"', '""') + '"'  # an FTS5 string: the whole query, one phrase
    return text("span_search_fts MATCH :phrase").bindparams(phrase=phrase)  # type: ignore[return-value]


def _matching(postgres: bool, q: str) -> Select[Any]:
    """Index rows containing ``q``, joined to their spans, by each database's engine."""
    if postgres:
        return (
            select(SpanSearchRow.id)
            .join(SpanRow, _on_span())
            .where(SpanSearchRow.body.ilike(like_pattern(q), escape="\\"))
        )
    return (
        select(_FTS.c.rowid)
        .select_from(_FTS)
        .join(SpanSearchRow, SpanSearchRow.id == _FTS.c.rowid)
        .join(SpanRow, _on_span())
        .where(_fts_match(q))
    )


def like_pattern(q: str) -> str:
    escaped = q.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


def _scope_conditions(scope: Scope, system_id: uuid.UUID | None) -> list[ColumnElement[bool]]:
    """Organisation-wide readers also see spans of unclaimed services; others only their
    systems' spans (as the trace explorer)."""
    if system_id is not None:
        if scope.org_wide or str(system_id) in scope.systems:
            return [SpanRow.system_id == system_id]
        return [false()]
    if scope.org_wide:
        return []
    if not scope.systems:
        return [false()]
    return [SpanRow.system_id.in_(scope.ids)]


def _filters(query: ContentQuery) -> list[ColumnElement[bool]]:
    found: list[ColumnElement[bool]] = []
    if query.since is not None:
        found.append(SpanRow.start_time >= query.since)
    if query.until is not None:
        found.append(SpanRow.start_time < query.until)
    if query.user_id is not None:
        found.append(SpanRow.user_id == query.user_id)
    if query.session_id is not None:
        found.append(SpanRow.session_id == query.session_id)
    if query.model is not None:
        found.append(SpanRow.model == query.model)
    if query.finding_type is not None:
        found.append(
            exists().where(
                ContentFindingRow.trace_id == SpanRow.trace_id,
                ContentFindingRow.span_id == SpanRow.span_id,
                ContentFindingRow.finding_type == query.finding_type,
            )
        )
    return found


def _hit(row: Any, scope: Scope, q: str) -> SearchHit:
    return SearchHit(
        trace_id=row.trace_id,
        span_id=row.span_id,
        span_name=row.name,
        system_id=row.system_id,
        system_name=scope.name_of(row.system_id),
        service_name=row.service_name,
        start_time=row.start_time,
        user_id=row.user_id,
        session_id=row.session_id,
        model=row.model,
        snippet=snippet(row.body, q),
    )


def snippet(body: str, q: str, context: int = SNIPPET_CONTEXT) -> Snippet:
    """``body`` around the first case-insensitive occurrence of ``q`` (± ``context``
    characters); the body's start when ``q`` is not found (cannot happen for a hit)."""
    found = re.search(re.escape(q), body, re.IGNORECASE)
    if found is None:
        end = min(len(body), 2 * context)
        return Snippet(body[:end], 0, 0, False, end < len(body))
    start = max(0, found.start() - context)
    end = min(len(body), found.end() + context)
    return Snippet(
        body[start:end], found.start() - start, found.end() - start, start > 0, end < len(body)
    )
