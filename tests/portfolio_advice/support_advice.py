"""Rows the advice reads, written directly: telemetry's six-hour rollups, traces with scores,
LLM spans, and ledger records. Each figure is chosen so the expected advice is hand-computed in
the tests."""

from __future__ import annotations

import itertools
import uuid
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta

from aitower.core.db.engine import Database
from aitower.spend.tables import SpendRecordRow
from aitower.telemetry.tables import DayRollupRow, ScoreRow, SpanRow, TraceRow
from support import seed_units
from support_inventory import make_system

NOW = datetime(2026, 6, 10, 15, 30, tzinfo=UTC)  # a Wednesday
_ids = itertools.count(1)


def bucket(at: datetime) -> datetime:
    return at.replace(hour=0, minute=0, second=0, microsecond=0)


def rollup(
    db: Database,
    system_id: uuid.UUID,
    model: str,
    at: datetime,
    *,
    calls: int,
    cost: float,
    input_tokens: int = 0,
    unpriced: int = 0,
) -> None:
    """One day rollup row of ``model`` on ``system_id`` (the bucket holding ``at``)."""
    with db.writing() as session:
        session.add(
            DayRollupRow(
                bucket_start=bucket(at), system_key=str(system_id), model=model,
                spans=calls, requests=calls, errors=0, latency_sum_ms=0.0, latency_hist=[],
                llm_calls=calls, llm_errors=0, input_tokens=input_tokens, output_tokens=0,
                cache_read_tokens=0, cache_write_tokens=0, reasoning_tokens=0, cost=cost,
                unpriced_calls=unpriced, unpriced_tokens=0,
            )
        )  # fmt: skip


def trace_id() -> str:
    return f"{next(_ids):032x}"


def scores(
    db: Database,
    system_id: uuid.UUID,
    model: str,
    values: list[float],
    at: datetime,
    *,
    name: str = "thumbs",
    kind: str = "feedback",
) -> None:
    """One trace of ``model`` per value, each scored once (feedback on the root span)."""
    with db.writing() as session:
        for value in values:
            tid = trace_id()
            session.add(
                TraceRow(
                    trace_id=tid, system_id=system_id, service_name="svc", root_name="chat",
                    start_time=at, end_time=at, duration_ms=1.0, span_count=1, llm_calls=1,
                    input_tokens=0, output_tokens=0, cost=0.0, unpriced_calls=0, error=False,
                    model=model,
                )
            )  # fmt: skip
            session.add(
                ScoreRow(
                    id=uuid.uuid4(), kind=kind, trace_id=tid, span_id=None, system_id=system_id,
                    name=name, score=value, label=None, created_at=at,
                )
            )  # fmt: skip


def llm_span(
    db: Database,
    system_id: uuid.UUID,
    model: str,
    at: datetime,
    *,
    input_tokens: int,
    cache_read: int = 0,
    provider: str = "openai",
    count: int = 1,
) -> None:
    """``count`` LLM spans with these tokens, one trace each."""
    with db.writing() as session:
        for _ in range(count):
            session.add(
                SpanRow(
                    trace_id=trace_id(), span_id="1".rjust(16, "0"), parent_span_id=None,
                    system_id=system_id, service_name="svc", name=f"chat {model}", kind=3,
                    span_type="llm", start_time=at, duration_ms=1.0, status_code=0,
                    provider=provider, model=model, input_tokens=input_tokens,
                    output_tokens=10, cache_read_tokens=cache_read or None, cost=0.0,
                    cost_source="catalog", attributes={},
                )
            )  # fmt: skip


def ledger(
    db: Database,
    *,
    source: str,
    amount: float,
    start: date,
    end: date,
    vendor: str = "",
    service: str = "",
    system_id: uuid.UUID | None = None,
    unit_id: uuid.UUID | None = None,
    seats: int | None = None,
    seats_in_use: int | None = None,
) -> None:
    with db.writing() as session:
        session.add(
            SpendRecordRow(
                id=uuid.uuid4(), source=source, day_start=start, day_end=end, amount=amount,
                currency="USD", billed_amount=amount, system_id=system_id, unit_id=unit_id,
                vendor=vendor, service=service, seats=seats, seats_in_use=seats_in_use,
            )
        )  # fmt: skip


def days_ago(n: float) -> datetime:
    return NOW - timedelta(days=n)


@dataclass(frozen=True)
class World:
    unit_a: uuid.UUID
    unit_b: uuid.UUID
    bot: uuid.UUID  # unit A: two models, the dear one no better
    growth: uuid.UUID  # unit A: prompts growing 100 tokens a week
    cache: uuid.UUID  # unit A: a cached prefix re-sent uncached
    other: uuid.UUID  # unit B: the copilot licence


def _bot(db: Database, bot: uuid.UUID) -> None:
    for at in (days_ago(20), days_ago(1)):
        rollup(db, bot, "big", at, calls=1_000, cost=10.0)
        rollup(db, bot, "small", at, calls=3_000, cost=3.0)
    scores(db, bot, "big", [1.0] * 80 + [0.0] * 20, days_ago(2))
    scores(db, bot, "small", [1.0] * 78 + [0.0] * 22, days_ago(2))


def _growth(db: Database, growth: uuid.UUID) -> None:
    tuesday = NOW - timedelta(days=NOW.weekday()) + timedelta(days=1)  # of this week
    for i in range(6):
        at = tuesday - timedelta(weeks=6 - i)
        rollup(db, growth, "gpt-4o", at, calls=100, cost=1.0, input_tokens=(1000 + 100 * i) * 100)


def _cache(db: Database, cache: uuid.UUID) -> None:
    rollup(db, cache, "gpt-4o-mini", days_ago(10), calls=1_000, cost=1.0)
    rollup(db, cache, "gpt-4o-mini", days_ago(3), calls=1_000, cost=1.0)
    llm_span(db, cache, "gpt-4o-mini", days_ago(1), input_tokens=2_000, cache_read=1_500, count=40)
    llm_span(db, cache, "gpt-4o-mini", days_ago(1), input_tokens=2_000, count=60)
    llm_span(db, cache, "gpt-4o-mini", days_ago(1), input_tokens=500, count=10)


def _ledger(db: Database, w: World) -> None:
    copilot = {"source": "licence", "vendor": "GitHub", "service": "Copilot Business",
               "system_id": w.other, "unit_id": w.unit_b, "seats": 300}  # fmt: skip
    ledger(db, **copilot, amount=12_090.0, start=date(2026, 5, 1), end=date(2026, 6, 1),
           seats_in_use=100)  # fmt: skip
    ledger(db, **copilot, amount=11_700.0, start=date(2026, 6, 1), end=date(2026, 7, 1),
           seats_in_use=40)  # fmt: skip
    today = NOW.date()
    ledger(db, source="licence", vendor="Anysphere", service="Cursor Teams", unit_id=w.unit_a,
           amount=2_400.0, start=today - timedelta(days=90), end=today + timedelta(days=1),
           seats=20, seats_in_use=19)  # fmt: skip


def build_world(db: Database) -> World:
    """Four systems in two units with one item of each kind (hand-computed in test_service)."""
    units = seed_units(db)
    a, b = units.unit_id, units.other_unit_id
    w = World(
        a, b, make_system(db, a, "Bot"), make_system(db, a, "Growth"),
        make_system(db, a, "Cache"), make_system(db, b, "Other"),
    )  # fmt: skip
    _bot(db, w.bot)
    _growth(db, w.growth)
    _cache(db, w.cache)
    _ledger(db, w)
    return w


def span_scores(
    db: Database, system_id: uuid.UUID, model: str, values: list[float], at: datetime, name: str
) -> None:
    """Evaluations of single LLM calls of ``model`` in traces whose first model is another."""
    with db.writing() as session:
        for value in values:
            tid = trace_id()
            session.add(
                TraceRow(
                    trace_id=tid, system_id=system_id, service_name="svc", root_name="rag",
                    start_time=at, end_time=at, duration_ms=1.0, span_count=2, llm_calls=2,
                    input_tokens=0, output_tokens=0, cost=0.0, unpriced_calls=0, error=False,
                    model="rewriter",
                )
            )  # fmt: skip
            session.add(
                SpanRow(
                    trace_id=tid, span_id="2".rjust(16, "0"), parent_span_id=None,
                    system_id=system_id, service_name="svc", name=f"chat {model}", kind=3,
                    span_type="llm", start_time=at, duration_ms=1.0, status_code=0,
                    provider="openai", model=model, input_tokens=100, output_tokens=10,
                    cost=0.0, cost_source="catalog", attributes={},
                )
            )  # fmt: skip
            session.add(
                ScoreRow(
                    id=uuid.uuid4(), kind="evaluation", trace_id=tid, span_id="2".rjust(16, "0"),
                    system_id=system_id, name=name, score=value, label=None, created_at=at,
                )
            )  # fmt: skip
