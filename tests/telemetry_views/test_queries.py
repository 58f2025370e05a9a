"""The dashboards' figures against what the raw traces say, on both databases."""

from __future__ import annotations

from datetime import timedelta

import pytest

from aitower.core.db.base import utcnow
from aitower.core.db.engine import Database
from aitower.core.errors import InvalidInput, NotFound
from aitower.telemetry import queries, sources, trace_detail, traces
from aitower.telemetry.ranges import Grain, resolve_range
from aitower.telemetry.scope import portfolio_scope, system_scope
from telemetry_views.data import TraceSpec
from telemetry_views.world import World, build_world, nearest_rank


@pytest.fixture
def world(db: Database) -> World:
    return build_world(db)


def _close(found: float | None, exact: float) -> None:
    assert found is not None
    assert abs(found - exact) <= 0.01 * exact, (found, exact)


def test_one_system_totals_match_its_traces(db: Database, world: World) -> None:
    specs = world.recent[world.chatbot]
    trange = resolve_range(None, world.start, world.end, utcnow())
    assert trange.grain is Grain.minute
    with db.reading() as session:
        scope = system_scope(session, world.org_wide, world.chatbot)
        view = queries.overview(session, scope, trange, utcnow())
    t = view.totals
    durations = [s.duration_ms for s in specs]
    assert t.requests == 300
    assert t.errors == 30 and t.error_rate == pytest.approx(0.1)
    for q, found in ((0.5, t.latency_p50_ms), (0.95, t.latency_p95_ms), (0.99, t.latency_p99_ms)):
        _close(found, nearest_rank(durations, q))
    calls = [c for s in specs for c in s.calls]
    assert t.llm_calls == len(calls)
    assert t.input_tokens == sum(c.input for c in calls)
    assert t.output_tokens == sum(c.output for c in calls)
    cost = sum(c.cost or 0.0 for c in calls)
    assert t.cost == pytest.approx(cost)
    assert t.cost_per_request == pytest.approx(cost / 300)
    assert t.latency_avg_ms == pytest.approx(sum(durations) / 300)
    assert t.unpriced_calls == 0


def test_hour_rollups_give_the_same_totals_over_a_week(db: Database, world: World) -> None:
    specs = world.recent[world.chatbot] + world.older
    trange = resolve_range("7d", None, None, utcnow())
    assert trange.grain is Grain.hour and trange.step == timedelta(hours=1)
    with db.reading() as session:
        scope = system_scope(session, world.org_wide, world.chatbot)
        view = queries.overview(session, scope, trange, utcnow())
    assert view.totals.requests == 320
    _close(view.totals.latency_p95_ms, nearest_rank([s.duration_ms for s in specs], 0.95))
    assert len(view.series) == 7 * 24 or len(view.series) == 7 * 24 + 1
    assert sum(p.figures.requests for p in view.series) == 320


def test_six_hour_rollups_serve_thirty_days_with_the_same_figures(
    db: Database, world: World
) -> None:
    specs = world.recent[world.chatbot] + world.older
    trange = resolve_range("30d", None, None, utcnow())
    assert trange.grain is Grain.six_hours and trange.step == timedelta(hours=6)
    with db.reading() as session:
        scope = system_scope(session, world.org_wide, world.chatbot)
        view = queries.overview(session, scope, trange, utcnow())
    assert view.totals.requests == 320
    _close(view.totals.latency_p95_ms, nearest_rank([s.duration_ms for s in specs], 0.95))
    assert sum(p.figures.requests for p in view.series) == 320
    calls = [c for s in specs for c in s.calls]
    assert view.totals.cost == pytest.approx(sum(c.cost or 0.0 for c in calls))


def test_series_fill_gaps_and_add_up(db: Database, world: World) -> None:
    trange = resolve_range(None, world.start, world.end, utcnow())
    with db.reading() as session:
        scope = system_scope(session, world.org_wide, world.assistant)
        series = queries.summary_of(session, scope, trange).series()
    assert trange.step == timedelta(minutes=15)
    assert len(series) == 96
    assert [p.at for p in series] == [world.start + i * trange.step for i in range(96)]
    assert sum(p.figures.requests for p in series) == 51
    empty = series[-1].figures  # the range's last hours hold no traffic
    assert empty.requests == 0 and empty.latency_p95_ms is None and empty.error_rate is None


def test_portfolio_is_scoped_to_the_readers_units(db: Database, world: World) -> None:
    trange = resolve_range(None, world.start, world.end, utcnow())
    with db.reading() as session:
        everyone = queries.overview(
            session, portfolio_scope(session, world.org_wide), trange, utcnow()
        )
        finance = queries.overview(
            session, portfolio_scope(session, world.finance_reader), trange, utcnow()
        )
    # The unclaimed shadow service is not part of anyone's portfolio.
    assert everyone.totals.requests == 300 + 51 + 40
    assert finance.totals.requests == 300 + 51
    assert {s.name for s in finance.systems} == {"Chatbot", "Assistant"}
    assert [s.name for s in everyone.systems] == ["Chatbot", "Assistant", "Marketing generator"]
    chatbot = everyone.systems[0]
    assert chatbot.previous_requests == 20
    assert chatbot.requests_change == pytest.approx((300 - 20) / 20)
    marketing = next(s for s in everyone.scores if s.name == "thumbs")
    assert marketing.count == 4  # three on the chatbot, one on the marketing generator
    assert next(s for s in finance.scores if s.name == "thumbs").count == 3


def test_models_users_and_unpriced(db: Database, world: World) -> None:
    trange = resolve_range(None, world.start, world.end, utcnow())
    with db.reading() as session:
        scope = system_scope(session, world.org_wide, world.assistant)
        view = queries.overview(session, scope, trange, utcnow())
    calls = [c for s in world.recent[world.assistant] for c in s.calls]
    by_model = {m.model: m for m in view.models}
    for name in ("gpt-4o", "claude-sonnet-4", "mystery-model"):
        mine = [c for c in calls if c.model == name]
        assert by_model[name].calls == len(mine)
        assert by_model[name].input_tokens == sum(c.input for c in mine)
        assert by_model[name].cost == pytest.approx(sum(c.cost or 0 for c in mine))
    assert [(m.model, m.unpriced_calls, m.unpriced_tokens) for m in view.unpriced_models] == [
        ("mystery-model", 1, 1000)
    ]
    assert view.totals.unpriced_tokens == 1000
    users = {u.key: u for u in view.top_users}
    mine = [s for s in world.recent[world.assistant] if s.user == "user-0"]
    assert users["user-0"].requests == len(mine)
    assert users["user-0"].tokens == sum(c.input + c.output for s in mine for c in s.calls)
    assert users["user-special"].requests == 1
    assert view.top_users[0].requests >= view.top_users[-1].requests
    assert len(view.top_sessions) == 10  # of 14 sessions


def test_scores_summarise_feedback_and_evaluations(db: Database, world: World) -> None:
    trange = resolve_range(None, world.start, world.end, utcnow())
    with db.reading() as session:
        scope = system_scope(session, world.org_wide, world.chatbot)
        view = queries.overview(session, scope, trange, utcnow())
    found = {(s.kind, s.name): s for s in view.scores}
    thumbs = found[("feedback", "thumbs")]
    assert (thumbs.count, thumbs.scored) == (3, 3)
    assert thumbs.mean_score == pytest.approx(2 / 3)
    relevance = found[("evaluation", "relevance")]
    assert relevance.mean_score == pytest.approx(0.6)
    assert relevance.labels == [("bad", 1), ("good", 1)]


def test_a_system_outside_the_readers_units_is_not_found(db: Database, world: World) -> None:
    with db.reading() as session, pytest.raises(NotFound):
        system_scope(session, world.finance_reader, world.marketer)


def test_ranges_are_checked() -> None:
    now = utcnow()
    with pytest.raises(InvalidInput, match="range"):
        resolve_range("5y", None, None, now)
    with pytest.raises(InvalidInput, match="end"):
        resolve_range(None, now, now - timedelta(hours=1), now)
    with pytest.raises(InvalidInput, match="end"):
        resolve_range(None, now - timedelta(days=500), now, now)
    assert resolve_range("30d", None, None, now).step == timedelta(hours=6)


def test_trace_search_filters_sorts_and_pages(db: Database, world: World) -> None:
    specs = world.recent[world.chatbot]
    with db.reading() as session:
        scope = portfolio_scope(session, world.org_wide)

        def search(**kw: object) -> tuple[list[traces.TraceSummary], int]:
            sort = kw.pop("sort", traces.TraceSort.time)
            flt = traces.TraceFilter(**kw)  # type: ignore[arg-type]
            return traces.search_traces(session, scope, flt, sort=sort, limit=10)  # type: ignore[arg-type]

        items, total = search(
            system_id=world.chatbot, status=traces.TraceStatus.error, start=world.start
        )
        assert total == 30 and all(i.error and i.system_name == "Chatbot" for i in items)
        slow = sorted(specs, key=lambda s: -s.duration_ms)
        items, total = search(
            system_id=world.chatbot, sort=traces.TraceSort.latency, start=world.start
        )
        assert [i.trace_id for i in items] == [s.trace_id for s in slow[:10]]
        threshold = slow[20].duration_ms
        _, total = search(system_id=world.chatbot, min_latency_ms=threshold, start=world.start)
        assert total == 21
        items, total = search(q="REFUND")
        assert [i.trace_id for i in items] == [world.special.trace_id]
        assert items[0].unpriced_calls == 1 and items[0].cost == pytest.approx(0.0045)
        _, total = search(user_id="user-special", session_id="session-special")
        assert total == 1
        _, total = search(model="llama-3")
        assert total == 5  # organisation-wide readers see unclaimed services' traces
        _, total = search(min_cost=0.0045, max_latency_ms=1234.5, q="refund")
        assert total == 1
        _, total = search(start=world.start - timedelta(hours=24), end=world.start)
        assert total == 20
        page2, total = traces.search_traces(
            session,
            scope,
            traces.TraceFilter(system_id=world.chatbot, start=world.start),
            limit=10,
            offset=295,
        )
        assert total == 300 and len(page2) == 5
        finance = portfolio_scope(session, world.finance_reader)
        _, total = traces.search_traces(session, finance, traces.TraceFilter())
        assert total == 300 + 51 + 20
        _, total = traces.search_traces(
            session, finance, traces.TraceFilter(system_id=world.marketer)
        )
        assert total == 0


def test_trace_detail_is_a_tree_with_timings(db: Database, world: World) -> None:
    spec: TraceSpec = world.special
    with db.reading() as session:
        scope = portfolio_scope(session, world.finance_reader)
        detail = trace_detail.trace_detail(session, scope, spec.trace_id)
        with pytest.raises(NotFound):
            trace_detail.trace_detail(session, scope, world.recent[world.marketer][0].trace_id)
    assert [(s.name, s.depth) for s in detail.spans] == [
        ("Refund question", 0),
        ("agent", 1),
        ("chat gpt-4o", 2),
        ("chat mystery-model", 2),
    ]
    assert [s.offset_ms for s in detail.spans] == pytest.approx([0, 1, 2, 3])
    llm = detail.spans[3]
    assert llm.cost is None and llm.cost_source == "unpriced" and llm.input_tokens == 700
    assert llm.content is not None and llm.content["output"][0]["content"] == "answer 1"
    assert detail.trace.system_name == "Assistant"
    assert detail.span_total_ms == pytest.approx(1234.5)


def test_orphans_and_loops_stay_visible() -> None:
    from types import SimpleNamespace as Row

    base = utcnow()

    def span(span_id: str, parent: str | None, ms: int) -> Row:
        return Row(
            span_id=span_id, parent_span_id=parent, start_time=base + timedelta(milliseconds=ms)
        )

    spans = [
        span("root", None, 0),
        span("child", "root", 5),
        span("orphan", "missing", 2),
        span("loop-a", "loop-b", 7),
        span("loop-b", "loop-a", 8),
        span("self", "self", 9),
    ]
    ordered = trace_detail.depth_first(spans)  # type: ignore[arg-type]
    assert [(s.span_id, d, o) for s, d, o in ordered] == [
        ("root", 0, False),
        ("child", 1, False),
        ("orphan", 0, True),
        ("self", 0, True),
        ("loop-a", 0, True),
        ("loop-b", 0, True),
    ]


def test_unregistered_sources_leave_out_claimed_services(db: Database, world: World) -> None:
    with db.reading() as session:
        found = sources.unregistered_sources(session)
    assert [(s.service_name, s.llm_calls, s.tokens, s.models) for s in found] == [
        ("shadow-app", 5, 275, ["llama-3"])
    ]
