"""Score rollups against the raw scores they summarise, on both databases.

The expectations are computed here from the scores as given (kind, name, label, value, time),
never from rollup rows: every range checked must answer what the raw scores of exactly
``[start, end)`` say, whether the scores came through the API, from span events (re-sent
spans included), waited for their trace, or were partly purged.
"""

from __future__ import annotations

import random
import uuid
from collections.abc import Iterable
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select

from aitower.core.access.principal import cli_principal
from aitower.core.db.engine import Database
from aitower.inventory import service as inventory
from aitower.telemetry import retention
from aitower.telemetry.ingest import store_spans
from aitower.telemetry.records import DecodedSpan, SpanEvent
from aitower.telemetry.scope import portfolio_scope, system_scope
from aitower.telemetry.scores import ScoreSummary, score_summaries
from aitower.telemetry.service import ScoreIn, add_score
from aitower.telemetry.tables import ScoreRollupRow
from support import CTX, seed_units

NOW = datetime(2026, 11, 20, 13, 17, 42, tzinfo=UTC)
Given = tuple[datetime, uuid.UUID | None, str, str, str | None, float | None]


def _system(db: Database) -> uuid.UUID:
    units = seed_units(db)
    doc = {"name": "Bot", "kind": "llm_app", "unit": str(units.unit_id), "services": ["bot"]}
    with db.writing() as session:
        return inventory.create_system(session, CTX, doc).id


def _root(trace_id: str, at: datetime, evaluations: list[tuple[str, float, str]]) -> DecodedSpan:
    nanos = int(at.timestamp() * 1e9)
    events = [
        SpanEvent(
            "gen_ai.evaluation.result",
            nanos,
            {
                "gen_ai.evaluation.name": name,
                "gen_ai.evaluation.score.value": value,
                "gen_ai.evaluation.score.label": label,
            },
        )
        for name, value, label in evaluations
    ]
    return DecodedSpan(
        resource={"service.name": "bot"},
        scope_name="test",
        trace_id=trace_id,
        span_id=trace_id[:16],
        parent_span_id=None,
        name="chat",
        kind=1,
        start_unix_nano=nanos,
        end_unix_nano=nanos + 1_000_000,
        status_code=0,
        status_message="",
        attributes={},
        events=events,
    )


def expected(given: Iterable[Given], system: uuid.UUID, start: datetime, end: datetime) -> dict:
    """Per (kind, name): count, scored, mean and label counts of the raw scores in range."""
    acc: dict[tuple[str, str], list] = {}
    for at, sys_id, kind, name, label, value in given:
        if sys_id != system or not start <= at < end:
            continue
        entry = acc.setdefault((kind, name), [0, 0, 0.0, {}])
        entry[0] += 1
        if value is not None:
            entry[1] += 1
            entry[2] += value
        if label:
            entry[3][label] = entry[3].get(label, 0) + 1
    return {k: (c, s, (t / s if s else None), dict(labels)) for k, (c, s, t, labels) in acc.items()}


def found(summaries: list[ScoreSummary]) -> dict:
    return {(s.kind, s.name): (s.count, s.scored, s.mean_score, dict(s.labels)) for s in summaries}


def same(got: dict, want: dict) -> None:
    assert got.keys() == want.keys()
    for key, (count, scored, mean, labels) in want.items():
        g = got[key]
        assert (g[0], g[1], g[3]) == (count, scored, labels), key
        assert g[2] == (None if mean is None else pytest.approx(mean, rel=1e-12)), key


def _ranges(rng: random.Random) -> list[tuple[datetime, datetime]]:
    """Ranges on and off the six-hour boundaries, shorter and longer than a bucket."""
    found = [(NOW - timedelta(days=30), NOW), (NOW - timedelta(hours=3), NOW)]
    base = datetime(2026, 11, 10, 6, tzinfo=UTC)
    found += [(base, base + timedelta(hours=6)), (base, base + timedelta(days=4))]
    for _ in range(8):
        start = NOW - timedelta(minutes=rng.randrange(0, 40 * 24 * 60))
        found.append((start, start + timedelta(minutes=rng.randrange(1, 20 * 24 * 60))))
    return found


def test_summaries_equal_the_raw_scores_of_any_range(db: Database) -> None:
    system = _system(db)
    rng = random.Random(7)
    traces = [uuid.uuid4().hex for _ in range(60)]
    # The traces arrive first, so API scores are linked at once.
    store_spans(db, [_root(t, NOW - timedelta(days=35), []) for t in traces[:40]])
    given: list[Given] = []
    with db.writing() as session:
        for n in range(400):
            at = NOW - timedelta(seconds=rng.randrange(0, 35 * 86400))
            kind = rng.choice(["feedback", "evaluation"])
            name = "thumbs" if kind == "feedback" else rng.choice(["relevance", "tone"])
            value = None if n % 11 == 0 else round(rng.random(), 3)
            label = rng.choice([None, "good", "bad"]) if value is not None else "unsure"
            trace = rng.choice(traces[:40])
            item = ScoreIn(kind, trace, None, name, value, label, "", "test")
            add_score(session, item, at)
            given.append((at, system, kind, name, label, value))
    with db.reading() as session:
        scope = system_scope(session, cli_principal("test"), system)
        for start, end in _ranges(rng):
            same(
                found(score_summaries(session, scope, start, end)),
                expected(given, system, start, end),
            )
        org = portfolio_scope(session, cli_principal("test"))
        start, end = NOW - timedelta(days=30), NOW
        same(found(score_summaries(session, org, start, end)), expected(given, system, start, end))


def test_waiting_scores_move_to_their_system_when_the_trace_comes(db: Database) -> None:
    system = _system(db)
    trace = uuid.uuid4().hex
    at = NOW - timedelta(days=2, hours=5)
    with db.writing() as session:
        for value in (1.0, 0.0, 1.0):
            add_score(session, ScoreIn("feedback", trace, None, "thumbs", value, None, "", ""), at)
    start, end = NOW - timedelta(days=30), NOW
    with db.reading() as session:
        scope = system_scope(session, cli_principal("test"), system)
        assert score_summaries(session, scope, start, end) == []
    store_spans(db, [_root(trace, at, [])])
    given = [(at, system, "feedback", "thumbs", None, v) for v in (1.0, 0.0, 1.0)]
    with db.reading() as session:
        same(
            found(score_summaries(session, scope, start, end)), expected(given, system, start, end)
        )
        waiting = session.execute(
            select(ScoreRollupRow.count).where(ScoreRollupRow.system_key == "")
        ).scalars()
        assert list(waiting) == [0]  # moved out, and left out of every answer


def test_span_evaluations_count_once_even_when_spans_are_resent(db: Database) -> None:
    system = _system(db)
    at = NOW - timedelta(days=1, hours=2, minutes=5)
    spans = [
        _root(uuid.uuid4().hex, at + timedelta(minutes=n), [("tone", 0.25 * (n % 5), "ok")])
        for n in range(30)
    ]
    assert store_spans(db, spans).accepted == 30
    assert store_spans(db, spans[:10]).accepted == 0  # an exporter re-sending after a timeout
    given = [
        (at + timedelta(minutes=n), system, "evaluation", "tone", "ok", 0.25 * (n % 5))
        for n in range(30)
    ]
    with db.reading() as session:
        scope = system_scope(session, cli_principal("test"), system)
        for start, end in ((NOW - timedelta(days=7), NOW), (at + timedelta(minutes=7), NOW)):
            got = found(score_summaries(session, scope, start, end))
            same(got, expected(given, system, start, end))


def test_purge_keeps_rollups_equal_to_the_scores_left(db: Database) -> None:
    system = _system(db)
    trace = uuid.uuid4().hex
    store_spans(db, [_root(trace, NOW - timedelta(days=500), [])])
    now = datetime.now(UTC)
    given: list[Given] = []
    with db.writing() as session:
        for hours in range(0, 24 * 420, 7):
            at = now - timedelta(hours=hours, minutes=13)
            add_score(session, ScoreIn("feedback", trace, None, "thumbs", 1.0, "up", "", ""), at)
            given.append((at, system, "feedback", "thumbs", "up", 1.0))
    retention.purge(db, now)
    cutoff = now - timedelta(days=400)
    left = [g for g in given if g[0] >= cutoff]
    assert len(left) < len(given)
    with db.reading() as session:
        scope = system_scope(session, cli_principal("test"), system)
        # Ranges that start before the cutoff see only what is left.
        for start in (cutoff - timedelta(days=3), cutoff - timedelta(hours=2), cutoff):
            end = start + timedelta(days=10)
            got = found(score_summaries(session, scope, start, end))
            same(got, expected(left, system, start, end))
