"""Migration 0018 indexes the content stored before it, and only that."""

from __future__ import annotations

from sqlalchemy import func, select, update

from aitower.core.access.principal import cli_principal
from aitower.core.db.engine import Database
from aitower.core.db.migrate import downgrade, upgrade
from aitower.telemetry.content import ContentPolicy
from aitower.telemetry.content_search import ContentQuery, search_content
from aitower.telemetry.search_tables import SpanSearchRow
from aitower.telemetry.tables import SpanRow
from telemetry_search.data import LEAK, chat_span, store


def test_upgrading_indexes_spans_stored_before(db: Database) -> None:
    with_content = chat_span("q", LEAK)
    store(db, [with_content])
    store(db, [chat_span("q", LEAK)], ContentPolicy(store=False, max_chars=4000))
    downgrade(db.engine, "0017")
    upgrade(db.engine)
    with db.reading() as session:
        indexed = session.execute(select(SpanSearchRow.trace_id, SpanSearchRow.span_id)).all()
        page = search_content(session, cli_principal("t"), ContentQuery("de8937"))
    assert [tuple(row) for row in indexed] == [(with_content.trace_id, with_content.span_id)]
    assert [(h.trace_id, h.snippet.match) for h in page.hits] == [(with_content.trace_id, "DE8937")]


def test_reattribution_needs_no_index_change(db: Database) -> None:
    span = chat_span("q", LEAK)
    store(db, [span])
    with db.writing() as session:  # a span moved (re-attribution changes its columns only)
        session.execute(update(SpanRow).values(service_name="moved"))
    with db.reading() as session:
        assert session.execute(select(func.count()).select_from(SpanSearchRow)).scalar_one() == 1
        page = search_content(session, cli_principal("t"), ContentQuery("IBAN"))
    assert [h.service_name for h in page.hits] == ["moved"]
