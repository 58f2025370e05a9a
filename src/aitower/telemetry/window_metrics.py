"""The value of one metric over a time window, read from the minute rollups and the scores.

A rollup row of bucket ``b`` holds what started in ``[b, b + 1 min)``; the window
``[start, end)`` takes the rows whose bucket starts inside it, so a window of N whole minutes
reads N buckets. Sums add; ratios divide the sums (never average per-minute ratios, which
would weigh a quiet minute like a busy one); percentiles merge the latency histograms
(``telemetry.histogram``, within 1 % of the exact nearest-rank percentile).

These are telemetry's metrics; the alert rules' catalogue (``alerts.metric_catalog``) adds the
model monitors' and says which capability answers each.

``samples`` counts the data behind the value (requests, LLM calls or scores), so an alert rule
can refuse to judge a window with too little of it.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import Select, func, select
from sqlalchemy.orm import Session

from aitower.telemetry import histogram
from aitower.telemetry.tables import MinuteRollupRow, ScoreRow

_PERCENTILES = {"latency_p50": 0.50, "latency_p95": 0.95, "latency_p99": 0.99}
# Sums whose samples are requests (root spans); the other sums count LLM calls.
_PER_REQUEST = ("requests", "error_rate", "cost_per_request")
_PER_CALL = ("cost", "tokens", "input_tokens", "output_tokens", "llm_calls", "unpriced_tokens")
METRIC_NAMES = (*_PER_REQUEST, *_PERCENTILES, *_PER_CALL, "feedback_score", "evaluation_score")


@dataclass(frozen=True, slots=True)
class WindowValue:
    value: float | None  # None: undefined (a ratio, percentile or mean over no data)
    samples: int


@dataclass(frozen=True, slots=True)
class _Sums:
    requests: int
    errors: int
    llm_calls: int
    input_tokens: int
    output_tokens: int
    cost: float
    unpriced_tokens: int


def _rollup_scope(query: Any, system_key: str | None, start: datetime, end: datetime) -> Any:
    query = query.where(MinuteRollupRow.bucket_start >= start, MinuteRollupRow.bucket_start < end)
    if system_key is not None:
        query = query.where(MinuteRollupRow.system_key == system_key)
    return query


def _sums(session: Session, system_key: str | None, start: datetime, end: datetime) -> _Sums:
    r = MinuteRollupRow
    columns = (
        r.requests,
        r.errors,
        r.llm_calls,
        r.input_tokens,
        r.output_tokens,
        r.unpriced_tokens,
    )
    query = select(*(func.coalesce(func.sum(c), 0) for c in columns), func.sum(r.cost))
    row = session.execute(_rollup_scope(query, system_key, start, end)).one()
    requests, errors, calls, tin, tout, unpriced, cost = row
    return _Sums(
        int(requests),
        int(errors),
        int(calls),
        int(tin),
        int(tout),
        float(cost or 0.0),
        int(unpriced),
    )


def _percentile(
    session: Session, q: float, system_key: str | None, start: datetime, end: datetime
) -> WindowValue:
    query = select(MinuteRollupRow.latency_hist).where(MinuteRollupRow.requests > 0)
    hists = session.execute(_rollup_scope(query, system_key, start, end)).scalars()
    merged = histogram.merged(histogram.unpack(h) for h in hists if h)
    n = sum(merged.values())
    return WindowValue(histogram.quantiles(merged, [q])[0], n)


def _system_uuid(system_key: str) -> uuid.UUID | None:
    try:
        return uuid.UUID(system_key)
    except ValueError:
        return None  # an unregistered service: no scores are linked to it


def _scores(
    session: Session,
    kind: str,
    system_key: str | None,
    start: datetime,
    end: datetime,
    name: str | None,
) -> WindowValue:
    query: Select[Any] = select(func.avg(ScoreRow.score), func.count(ScoreRow.score)).where(
        ScoreRow.kind == kind,
        ScoreRow.created_at >= start,
        ScoreRow.created_at < end,
        ScoreRow.score.is_not(None),
    )
    if system_key is not None:
        system_id = _system_uuid(system_key)
        if system_id is None:
            return WindowValue(None, 0)
        query = query.where(ScoreRow.system_id == system_id)
    if name:
        query = query.where(ScoreRow.name == name)
    mean, count = session.execute(query).one()
    return WindowValue(None if not count else float(mean), int(count))


def _from_sums(metric: str, s: _Sums) -> WindowValue:
    per_request = {
        "requests": float(s.requests),
        "error_rate": None if s.requests == 0 else s.errors / s.requests,
        "cost_per_request": None if s.requests == 0 else s.cost / s.requests,
    }
    per_call = {
        "cost": s.cost,
        "tokens": float(s.input_tokens + s.output_tokens),
        "input_tokens": float(s.input_tokens),
        "output_tokens": float(s.output_tokens),
        "llm_calls": float(s.llm_calls),
        "unpriced_tokens": float(s.unpriced_tokens),
    }
    if metric in per_request:
        return WindowValue(per_request[metric], s.requests)
    return WindowValue(per_call[metric], s.llm_calls)


def metric_value(
    session: Session,
    metric: str,
    system_key: str | None,
    start: datetime,
    end: datetime,
    *,
    evaluation: str | None = None,
) -> WindowValue:
    """``metric`` over ``[start, end)`` for one system key (None: the whole portfolio).

    ``evaluation`` narrows ``evaluation_score`` to one evaluation name. Raises KeyError for a
    metric telemetry does not measure.
    """
    if metric not in METRIC_NAMES:
        raise KeyError(metric)
    if metric in _PERCENTILES:
        return _percentile(session, _PERCENTILES[metric], system_key, start, end)
    if metric == "feedback_score":
        return _scores(session, "feedback", system_key, start, end, None)
    if metric == "evaluation_score":
        return _scores(session, "evaluation", system_key, start, end, evaluation)
    return _from_sums(metric, _sums(session, system_key, start, end))
