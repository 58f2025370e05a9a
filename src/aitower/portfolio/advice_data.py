"""The figures optimisation advice rests on, read for a reader's scope: telemetry's six-hour
rollups (calls, tokens and cost per model), its scores (feedback and evaluations, tied to a
model through their span or trace), a sample of its recent spans (cache reads), and the spend
ledger (licences and other purchases). Plain values out, for ``advice`` and ``advice_models``.
"""

from __future__ import annotations

import statistics
import uuid
from collections import defaultdict
from collections.abc import Collection
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta

from sqlalchemy import ColumnElement, and_, func, select
from sqlalchemy.orm import Session

from aitower.core.access.service import list_units
from aitower.portfolio.advice import Licence, Purchase, capability_of, monthly
from aitower.portfolio.advice_models import ModelUse, WeekPoint
from aitower.spend.tables import SpendRecordRow
from aitower.telemetry.aggregate import system_id as system_of_key
from aitower.telemetry.tables import ScoreRow, SixHourRollupRow, SpanRow, TraceRow

SPAN_SAMPLE = 5_000  # recent LLM spans read per system for the cache sample
BUCKET_DAYS = 0.25


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
    r = SixHourRollupRow
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
) -> dict[uuid.UUID, dict[tuple[str, str], list[float]]]:
    """Per system, the scores with a value since ``since`` by (model, score name). A score's
    model is its span's (an evaluation of one LLM call), else its trace's (feedback on the
    whole answer); scores of traces no longer stored are left out."""
    if not systems:
        return {}
    s, span, trace = ScoreRow, SpanRow, TraceRow
    query = (
        select(s.system_id, s.name, s.score, span.model, trace.model)
        .outerjoin(span, and_(span.trace_id == s.trace_id, span.span_id == s.span_id))
        .outerjoin(trace, trace.trace_id == s.trace_id)
        .where(s.created_at >= since, s.score.is_not(None), s.system_id.in_(list(systems)))
    )
    found: dict[uuid.UUID, dict[tuple[str, str], list[float]]] = defaultdict(
        lambda: defaultdict(list)
    )
    for system, name, score, span_model, trace_model in session.execute(query):
        model = span_model or trace_model
        if system is not None and model:
            found[system][(model, name)].append(float(score or 0.0))
    return found


def weekly_input(
    session: Session, systems: Collection[uuid.UUID], first_monday: date, end_monday: date
) -> dict[uuid.UUID, list[WeekPoint]]:
    """LLM calls and input tokens per system and week (Monday to Monday, UTC)."""
    if not systems:
        return {}
    r = SixHourRollupRow
    query = (
        select(r.bucket_start, r.system_key, func.sum(r.llm_calls), func.sum(r.input_tokens))
        .where(r.bucket_start >= midnight(first_monday), r.bucket_start < midnight(end_monday))
        .where(r.model != "", r.system_key.in_([str(s) for s in systems]))
        .group_by(r.bucket_start, r.system_key)
    )
    sums: dict[tuple[uuid.UUID, date], list[int]] = defaultdict(lambda: [0, 0])
    for bucket, key, calls, tokens in session.execute(query):
        system = system_of_key(key)
        if system is None:
            continue
        day = bucket.date()
        week = day - timedelta(days=day.weekday())
        pair = sums[(system, week)]
        pair[0] += int(calls or 0)
        pair[1] += int(tokens or 0)
    weeks: dict[uuid.UUID, list[WeekPoint]] = defaultdict(list)
    for (system, week), (calls, tokens) in sorted(sums.items(), key=lambda kv: kv[0][1]):
        if calls > 0:
            weeks[system].append(WeekPoint(week, calls, tokens))
    return weeks


@dataclass(frozen=True, slots=True)
class SpanCache:
    """Recent calls of one model on one system: provider, and input and cache-read tokens."""

    provider: str | None
    calls: int
    input_tokens: int
    hits: int
    prefix_tokens: int
    misses: int


def cache_sample(
    session: Session, system: uuid.UUID, since: datetime, limit: int = SPAN_SAMPLE
) -> dict[str, SpanCache]:
    """The ``limit`` latest LLM calls of a system since ``since``, summed per model: calls that
    read the cache, the median read (the cached prefix), and calls at least that long that
    read nothing from it."""
    sp = SpanRow
    query = (
        select(sp.model, sp.provider, sp.input_tokens, sp.cache_read_tokens)
        .where(sp.system_id == system, sp.start_time >= since)
        .where(sp.input_tokens.is_not(None), sp.model.is_not(None))
        .order_by(sp.start_time.desc())
        .limit(limit)
    )
    rows: dict[str, list[tuple[str | None, int, int]]] = defaultdict(list)
    for model, provider, tokens_in, cache_read in session.execute(query):
        rows[model or ""].append((provider, int(tokens_in or 0), int(cache_read or 0)))
    found: dict[str, SpanCache] = {}
    for model, calls in rows.items():
        reads = [c for _, _, c in calls if c > 0]
        prefix = int(statistics.median(reads)) if reads else 0
        misses = sum(1 for _, t, c in calls if c == 0 and prefix and t >= prefix)
        found[model] = SpanCache(
            calls[0][0], len(calls), sum(t for _, t, _ in calls), len(reads), prefix, misses
        )
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
