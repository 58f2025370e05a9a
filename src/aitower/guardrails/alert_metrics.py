"""Findings as alert-rule metrics: how many detections a system's traffic held in a window.

``findings`` counts every detection (the sum of ``occurrences``) whose span started in
``[start, end)``; ``findings_personal_data``, ``findings_secret`` and ``findings_injection``
count one category. A rule "``findings_secret`` > 0 over 60 minutes" pages someone the minute a
key shows up in an answer.

``samples`` is the traffic the count was drawn from: the requests (root spans) of the window,
read from telemetry's minute rollups, and never fewer than the traces that held a finding. A
rule's minimum of data then means "judge only windows with this much traffic", and a quiet
window without findings (0 over N requests) resolves an incident as it should; counting the
findings themselves as samples would make "0 findings" a window without data, which never
resolves anything.
"""

from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from aitower.guardrails.finding_metrics import BY_NAME
from aitower.telemetry import window_metrics
from aitower.telemetry.finding_tables import ContentFindingRow as F


def finding_metric_value(
    session: Session, metric: str, system_key: str | None, start: datetime, end: datetime
) -> tuple[float, int]:
    """Detections of ``metric``'s category in ``[start, end)`` for one system key (None: every
    finding), and the requests behind them. Raises KeyError for a metric not listed here."""
    info = BY_NAME[metric]
    where = [F.seen_at >= start, F.seen_at < end]
    if system_key is not None:
        try:
            where.append(F.system_id == uuid.UUID(system_key))
        except ValueError:
            return 0.0, 0  # not an AI system's id: no finding names it
    if info.category is not None:
        where.append(F.category == info.category.value)
    count, traces = session.execute(
        select(
            func.coalesce(func.sum(F.occurrences), 0), func.count(func.distinct(F.trace_id))
        ).where(*where)
    ).one()
    requests = window_metrics.metric_value(session, "requests", system_key, start, end).samples
    return float(count), max(int(requests), int(traces))
