"""Content search over spans stored through the real ingest, on SQLite (FTS5 trigram) and
PostgreSQL (pg_trgm): substrings case-insensitively, filters, units, duplicates, content off,
retention."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import func, select

from aitower.core.access.principal import Principal, PrincipalKind, cli_principal
from aitower.core.access.roles import Role
from aitower.core.db.engine import Database
from aitower.core.errors import InvalidInput
from aitower.telemetry import content_search
from aitower.telemetry.content import ContentPolicy
from aitower.telemetry.content_search import ContentQuery, SearchPage, search_content
from aitower.telemetry.retention import purge
from aitower.telemetry.search_tables import SpanSearchRow
from support import seed_units
from support_inventory import make_system
from telemetry_search.data import LEAK, NOW, chat_span, store

ADMIN = cli_principal("test")


def _search(db: Database, q: str, principal: Principal = ADMIN, **filters: object) -> SearchPage:
    with db.reading() as session:
        return search_content(session, principal, ContentQuery(q=q, **filters))  # type: ignore[arg-type]


def _indexed(db: Database) -> int:
    with db.reading() as session:
        return int(session.execute(select(func.count()).select_from(SpanSearchRow)).scalar_one())


def test_substrings_are_found_case_insensitively_with_a_snippet(db: Database) -> None:
    store(
        db,
        [
            chat_span("What is my balance?", LEAK),
            chat_span("hello", "hi there", tool_args='{"to": "iban FR7630006000011234567890189"}'),
            chat_span("weather", "sunny"),
        ],
    )
    found = _search(db, "DE8937")
    assert [h.snippet.match for h in found.hits] == ["DE8937"]
    assert found.total == 1 and not found.more
    hit = found.hits[0]
    assert hit.snippet.text[hit.snippet.start : hit.snippet.end] == "DE8937"
    assert "IBAN " + hit.snippet.match in hit.snippet.text
    assert (hit.user_id, hit.session_id, hit.model) == ("u-1", "s-1", "gpt-4o-mini")
    assert _search(db, "iban").total == 2  # the answer and the tool's arguments
    assert _search(db, "0532013000 TODAY").total == 1  # spaces and case inside the match
    assert _search(db, "absent-text").total == 0
    assert _search(db, "100%").total == 0  # wildcards are literal


def test_filters_narrow_the_hits(db: Database) -> None:
    units = seed_units(db)
    one, two = make_system(db, units.unit_id), make_system(db, units.unit_id)
    old = NOW - timedelta(days=2)
    spans = [
        chat_span("q", LEAK, system_id=one, user="alice", session="a1", model="gpt-4o"),
        chat_span("q", LEAK, system_id=two, user="bob", session="b1", start=old),
    ]
    store(db, spans)
    assert _search(db, "IBAN").total == 2
    assert [h.system_id for h in _search(db, "IBAN", system_id=one).hits] == [one]
    assert _search(db, "IBAN", system_id=one).hits[0].system_name is not None
    assert [h.user_id for h in _search(db, "IBAN", user_id="bob").hits] == ["bob"]
    assert [h.session_id for h in _search(db, "IBAN", session_id="a1").hits] == ["a1"]
    assert [h.model for h in _search(db, "IBAN", model="gpt-4o").hits] == ["gpt-4o"]
    recent = _search(db, "IBAN", since=NOW - timedelta(days=1), until=NOW)
    assert [h.user_id for h in recent.hits] == ["alice"]
    assert [h.user_id for h in _search(db, "IBAN", until=NOW - timedelta(days=1)).hits] == ["bob"]


def test_finding_type_keeps_spans_the_ingest_scan_flagged(db: Database) -> None:
    """The finding rows come from the scan at ingest: a span that names an IBAN without
    holding one is found by the text, not by the finding type."""
    leaking = chat_span("q", LEAK)
    mentioning = chat_span("q", "Your IBAN is on file; nothing to send.")
    store(db, [leaking, mentioning])
    assert _search(db, "IBAN").total == 2
    hits = _search(db, "IBAN", finding_type="iban").hits
    assert [(h.trace_id, h.span_id) for h in hits] == [(leaking.trace_id, leaking.span_id)]
    assert _search(db, "IBAN", finding_type="secret.github_token").total == 0


def test_a_reader_of_another_unit_sees_nothing(db: Database) -> None:
    units = seed_units(db)
    system = make_system(db, units.unit_id)
    store(db, [chat_span("q", LEAK, system_id=system)])
    outsider = Principal(
        PrincipalKind.user, None, "m", Role.security, frozenset({units.other_unit_id})
    )
    insider = Principal(PrincipalKind.user, None, "f", Role.security, frozenset({units.unit_id}))
    assert _search(db, "IBAN", outsider).total == 0
    assert _search(db, "IBAN", outsider, system_id=system).total == 0
    assert _search(db, "IBAN", insider).total == 1


def test_a_span_sent_twice_is_indexed_once(db: Database) -> None:
    first = chat_span("q", LEAK)
    store(db, [first])
    again = chat_span("q", LEAK, trace_id=first.trace_id, span_id=first.span_id)
    outcome = store(db, [again, again])
    assert (outcome.accepted, outcome.duplicates) == (0, 2)
    assert _indexed(db) == 1
    assert _search(db, "DE8937").total == 1


def test_spans_stored_without_content_are_not_indexed(db: Database) -> None:
    store(db, [chat_span("q", LEAK)], ContentPolicy(store=False, max_chars=4000))
    store(db, [chat_span("q", "no content here at all")])
    assert _indexed(db) == 1
    assert _search(db, "IBAN").total == 0


def test_retention_purge_removes_spans_from_the_index(db: Database) -> None:
    old = NOW - timedelta(days=60)
    store(db, [chat_span("q", LEAK, start=old), chat_span("q", LEAK)])
    assert _search(db, "IBAN").total == 2
    purge(db, NOW)
    assert _indexed(db) == 1
    assert _search(db, "IBAN").total == 1


@pytest.mark.parametrize("q", ["", "ab", "  a  "])
def test_queries_shorter_than_a_trigram_are_refused(db: Database, q: str) -> None:
    with pytest.raises(InvalidInput) as refused:
        _search(db, q)
    assert refused.value.issues[0].field == "q"


def test_a_common_text_read_newest_first_gives_the_same_hits(
    db: Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    units = seed_units(db)
    one, two = make_system(db, units.unit_id), make_system(db, units.unit_id)
    spans = [
        chat_span("q", f"{LEAK} #{i}", system_id=(one, two)[i % 2], start=NOW - timedelta(hours=i))
        for i in range(6)
    ]
    store(db, spans)
    expected = _search(db, "iban", system_id=one, since=NOW - timedelta(hours=4))
    monkeypatch.setattr(content_search, "COMMON_SHARE", 0.0)  # PostgreSQL: any match is common
    monkeypatch.setattr(content_search, "COUNT_LIMIT", 1)  # SQLite: two matches are many
    common = _search(db, "iban", system_id=one, since=NOW - timedelta(hours=4))
    assert {(h.trace_id, h.span_id) for h in expected.hits} == {
        (s.trace_id, s.span_id) for s in spans[0:5:2]
    }
    # the same spans; read through the spans' time index, newest start first
    assert [(h.trace_id, h.span_id) for h in common.hits] == [
        (s.trace_id, s.span_id) for s in spans[0:5:2]
    ]
    assert (common.total, common.more) == (1, True)
