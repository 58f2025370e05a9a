""" "Name contains" finds traces through the distinct root-span names, and gives the same
answer as comparing every trace's name: special characters are literal, case is ignored, names
of purged traces stop matching, and very many matching names fall back to the plain scan."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select

from aitower.core.access.principal import cli_principal
from aitower.core.db.engine import Database
from aitower.telemetry import traces
from aitower.telemetry.ingest import store_spans
from aitower.telemetry.retention import purge
from aitower.telemetry.scope import portfolio_scope
from aitower.telemetry.tables import TraceNameRow
from support_spans import SpanSpec, new_trace_id, ns, span

NOW = datetime(2026, 6, 30, 12, 0, tzinfo=UTC)


def _store(db: Database, names: list[str], start: datetime) -> None:
    spans = []
    for i, name in enumerate(names):
        spec = SpanSpec(name=name, start_ns=ns(start + timedelta(seconds=i)))
        spans.append(span(spec, trace_id=new_trace_id(), service="names-app"))
    store_spans(db, spans)


def _found(db: Database, text: str) -> tuple[list[str], int]:
    with db.reading() as session:
        scope = portfolio_scope(session, cli_principal("test"))
        items, total = traces.search_traces(session, scope, traces.TraceFilter(q=text), limit=500)
    return sorted(i.root_name or "" for i in items), total


def test_names_match_case_insensitively_and_wildcards_literally(db: Database) -> None:
    names = ["POST /refund", "refund_policy", "Refund%Agent", "chat", "refundXpolicy", "chat"]
    _store(db, names, NOW - timedelta(hours=1))

    assert _found(db, "REFUND") == (
        sorted(["POST /refund", "refund_policy", "Refund%Agent", "refundXpolicy"]),
        4,
    )
    assert _found(db, "d_p") == (["refund_policy"], 1)  # "_" is not a wildcard
    assert _found(db, "%") == (["Refund%Agent"], 1)
    assert _found(db, "chat") == (["chat", "chat"], 2)
    assert _found(db, "absent") == ([], 0)
    with db.reading() as session:
        stored = set(session.execute(select(TraceNameRow.name)).scalars())
    assert stored == set(names)  # each distinct name once


def test_more_names_than_an_in_list_takes_give_the_same_answer(
    db: Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    _store(db, [f"step {i}" for i in range(12)] + ["other"], NOW - timedelta(hours=1))
    expected = _found(db, "step")
    monkeypatch.setattr(traces, "MAX_NAMES_IN_LIST", 5)
    assert _found(db, "step") == expected
    assert expected[1] == 12


def test_names_of_purged_traces_stop_being_candidates(db: Database) -> None:
    _store(db, ["old workflow"], NOW - timedelta(days=60))
    _store(db, ["new workflow"], NOW - timedelta(hours=1))

    purge(db, NOW)

    with db.reading() as session:
        stored = set(session.execute(select(TraceNameRow.name)).scalars())
    assert stored == {"new workflow"}
    assert _found(db, "workflow") == (["new workflow"], 1)
