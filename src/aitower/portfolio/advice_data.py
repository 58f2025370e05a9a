"""The figures optimisation advice rests on, read for a reader's scope: telemetry's day
rollups (calls, tokens and cost per model), its scores (feedback and evaluations, tied to a
model through their span or trace), a sample of its recent spans (cache reads), and the spend
ledger (licences and other purchases). Plain values out, for ``advice`` and ``advice_models``.
"""

from __future__ import annotations

import uuid
from collections import defaultdict
from collections.abc import Collection
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta

from sqlalchemy import ColumnElement, and_, case, func, select
from sqlalchemy.orm import Session

from aitower.core.access.service import list_units
from aitower.portfolio.advice import Licence, Purchase, capability_of, monthly
from aitower.portfolio.advice_models import ModelUse, WeekPoint
from aitower.portfolio.advice_stats import Sample
from aitower.spend.tables import SpendRecordRow
from aitower.telemetry.aggregate import system_id as system_of_key
from aitower.telemetry.tables import DayRollupRow, ScoreRow, SpanRow, TraceRow

BUCKET_DAYS = 1.0  # a day rollup row covers a day: a model seen in one row was active a day


def midnight(day: date) -> datetime:
    return datetime.combine(day, time(), tzinfo=UTC)


@dataclass(frozen=True, slots=True)
class SystemModelUse:
    system_id: uuid.UUID
    use: ModelUse
    input_tokens: int


def model_uses(
    session: Session, systems: Collection[uuid.UUID], start: datetime, end: datetime
) -> list[SystemModelUse]:
    """Calls, priced calls, cost and active days per system and model in [start, end)."""
    if not systems:
        return []
    r = DayRollupRow
    query = (
        select(
            r.system_key,
            r.model,
            func.sum(r.llm_calls),
            func.sum(r.unpriced_calls),
            func.sum(r.cost),
            func.min(r.bucket_start),
            func.max(r.bucket_start),
            func.sum(r.input_tokens),
        )
        .where(r.bucket_start >= start, r.bucket_start < end, r.model != "", r.llm_calls > 0)
        .where(r.system_key.in_([str(s) for s in systems]))
        .group_by(r.system_key, r.model)
    )
    found: list[SystemModelUse] = []
    for key, model, calls, unpriced, cost, first, last, tokens in session.execute(query):
        system = system_of_key(key)
        if system is None:
            continue
        days = (last - first).total_seconds() / 86_400 + BUCKET_DAYS
        priced = int(calls or 0) - int(unpriced or 0)
        use = ModelUse(model, int(calls or 0), priced, float(cost or 0.0), days)
        found.append(SystemModelUse(system, use, int(tokens or 0)))
    return found


def model_scores(
    session: Session, systems: Collection[uuid.UUID], since: datetime
) -> dict[uuid.UUID, dict[tuple[str, str], Sample]]:
    """Per system, the scores with a value since ``since`` summed by (model, score name): n,
    Σx, Σx² and whether all are 0 or 1. A score's model is its span's (an evaluation of one
    LLM call), else its trace's (feedback on the whole answer); scores of traces no longer
    stored are left out."""
    if not systems:
        return {}
    s, span, trace = ScoreRow, SpanRow, TraceRow
    model = func.coalesce(span.model, trace.model)
    other = case((s.score.in_((0.0, 1.0)), 0), else_=1)
    query = (
        select(
            s.system_id,
            model,
            s.name,
            func.count(s.score),
            func.sum(s.score),
            func.sum(s.score * s.score),
            func.sum(other),
        )
        .outerjoin(span, and_(span.trace_id == s.trace_id, span.span_id == s.span_id))
        .outerjoin(trace, trace.trace_id == s.trace_id)
        .where(s.created_at >= since, s.score.is_not(None), s.system_id.in_(list(systems)))
        .group_by(s.system_id, model, s.name)
    )
    found: dict[uuid.UUID, dict[tuple[str, str], Sample]] = defaultdict(dict)
    for system, name_of_model, name, n, total, squares, others in session.execute(query):
        if system is not None and name_of_model and n:
            found[system][(name_of_model, name)] = Sample.of_sums(
                int(n), float(total or 0.0), float(squares or 0.0), not others
            )
    return found


def weekly_input(
    session: Session, systems: Collection[uuid.UUID], first_monday: date, end_monday: date
) -> dict[uuid.UUID, list[WeekPoint]]:
    """LLM calls and input tokens per system and week (Monday to Monday, UTC), the weeks
    numbered in SQL (a CASE over their starts, the same on both dialects)."""
    if not systems:
        return {}
    r = DayRollupRow
    mondays: list[date] = []
    monday = first_monday
    while monday < end_monday:
        mondays.append(monday)
        monday += timedelta(weeks=1)
    if not mondays:
        return {}
    week = case(
        *((r.bucket_start >= midnight(m), i) for i, m in reversed(list(enumerate(mondays)))),
        else_=-1,
    )
    query = (
        select(r.system_key, week, func.sum(r.llm_calls), func.sum(r.input_tokens))
        .where(r.bucket_start >= midnight(first_monday), r.bucket_start < midnight(end_monday))
        .where(r.model != "", r.system_key.in_([str(s) for s in systems]))
        .group_by(r.system_key, week)
    )
    weeks: dict[uuid.UUID, list[WeekPoint]] = defaultdict(list)
    for key, index, calls, tokens in session.execute(query):
        system = system_of_key(key)
        if system is not None and index >= 0 and calls:
            weeks[system].append(WeekPoint(mondays[index], int(calls), int(tokens or 0)))
    for points in weeks.values():
        points.sort(key=lambda w: w.week)
    return weeks


@dataclass(frozen=True, slots=True)
class SpanCache:
    """Recent calls of one model on one system that reads a prefix from the cache."""

    provider: str | None
    calls: int
    input_tokens: int
    hits: int
    prefix_tokens: int
    misses: int


def cache_sample(
    session: Session, systems: Collection[uuid.UUID], since: datetime
) -> dict[tuple[uuid.UUID, str], SpanCache]:
    """Per system and model with cache reads since ``since`` (stored spans): the calls, their
    input, the calls that read the cache, the mean read (the cached prefix), and the calls at
    least that long that read nothing from it. Summed in SQL, two passes over the window."""
    if not systems:
        return {}
    sp = SpanRow
    recent = [sp.start_time >= since, sp.system_id.in_(list(systems))]
    hits = (
        select(
            sp.system_id.label("system_id"),
            sp.model.label("model"),
            func.avg(sp.cache_read_tokens).label("prefix"),
        )
        .where(*recent, sp.cache_read_tokens > 0)
        .group_by(sp.system_id, sp.model)
        .subquery()
    )
    read = func.coalesce(sp.cache_read_tokens, 0)
    query = (
        select(
            sp.system_id,
            sp.model,
            func.min(sp.provider),
            func.count(),
            func.sum(sp.input_tokens),
            func.sum(case((read > 0, 1), else_=0)),
            func.max(hits.c.prefix),
            func.sum(case((and_(read == 0, sp.input_tokens >= hits.c.prefix), 1), else_=0)),
        )
        .join(hits, and_(hits.c.system_id == sp.system_id, hits.c.model == sp.model))
        .where(*recent, sp.input_tokens.is_not(None))
        .group_by(sp.system_id, sp.model)
    )
    found: dict[tuple[uuid.UUID, str], SpanCache] = {}
    for system, model, provider, calls, tokens, hit, prefix, misses in session.execute(query):
        found[(system, model)] = SpanCache(
            provider, int(calls), int(tokens or 0), int(hit or 0), int(float(prefix or 0)),
            int(misses or 0),
        )  # fmt: skip
    return found


def _unit_filter(
    units: Collection[uuid.UUID] | None, systems: Collection[uuid.UUID]
) -> list[ColumnElement[bool]]:
    """Ledger rows of the reader's systems, and those no system claims of the reader's units."""
    r = SpendRecordRow
    if units is None:
        return []
    return [(r.system_id.in_(list(systems))) | (r.system_id.is_(None) & r.unit_id.in_(units))]


def licences(
    session: Session,
    units: Collection[uuid.UUID] | None,
    systems: dict[uuid.UUID, str],
    today: date,
) -> list[Licence]:
    """The latest licence record (seats and seats in use known) per vendor, service, system and
    unit that started by ``today`` and ended at most a month before it. ``units`` None: every
    record; else those of the reader's systems and units."""
    r = SpendRecordRow
    query = (
        select(r)
        .where(r.source == "licence", r.seats.is_not(None), r.seats_in_use.is_not(None))
        .where(r.day_start <= today, r.day_end > today - timedelta(days=31))
        .where(*_unit_filter(units, systems))
        .order_by(r.day_start)
    )
    latest: dict[tuple[str, str, uuid.UUID | None, uuid.UUID | None], SpendRecordRow] = {}
    for row in session.execute(query).scalars():
        latest[(row.vendor, row.service, row.system_id, row.unit_id)] = row
    return [
        Licence(
            row.vendor,
            row.service,
            float(row.amount),
            row.day_start,
            row.day_end,
            int(row.seats or 0),
            int(row.seats_in_use or 0),
            row.system_id,
            row.unit_id,
            systems.get(row.system_id, "") if row.system_id else "",
        )
        for row in latest.values()
    ]


def purchases(
    session: Session,
    units: Collection[uuid.UUID] | None,
    systems: dict[uuid.UUID, uuid.UUID],
    start: date,
    end: date,
) -> list[Purchase]:
    """Licences and invoices in [start, end) that name a known capability, per vendor, service
    and unit, as a monthly cost (the window's overlap of each record, pro rata) with the latest
    seats. ``systems`` maps the reader's systems to their units."""
    r = SpendRecordRow
    query = (
        select(r)
        .where(r.source.in_(("licence", "invoice")), r.day_start < end, r.day_end > start)
        .where(*_unit_filter(units, systems))
        .order_by(r.day_start)
    )
    names = {u.id: u.name for u in list_units(session)}
    sums: dict[tuple[str, str, str, uuid.UUID | None], list[float | int | None]] = {}
    for row in session.execute(query).scalars():
        capability = capability_of(row.vendor, row.service, row.description)
        if capability is None:
            continue
        unit = row.unit_id or (systems.get(row.system_id) if row.system_id else None)
        days = max((row.day_end - row.day_start).days, 1)
        overlap = (min(row.day_end, end) - max(row.day_start, start)).days
        entry = sums.setdefault((capability, row.vendor, row.service, unit), [0.0, None, None])
        entry[0] = float(entry[0] or 0.0) + float(row.amount) * overlap / days
        if row.seats is not None:
            entry[1], entry[2] = row.seats, row.seats_in_use
    window = (end - start).days
    return [
        Purchase(
            capability,
            vendor,
            service,
            unit,
            names.get(unit, "") if unit else "",
            monthly(float(cost or 0.0), window),
            None if seats is None else int(seats),
            None if used is None else int(used),
        )
        for (capability, vendor, service, unit), (cost, seats, used) in sums.items()
    ]
