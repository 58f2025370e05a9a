"""Model metrics for alert rules: the latest monitor results of a system in a time window.

An alert rule on ``roc_auc`` over the last N minutes reads, for each monitor of the rule's
system, the latest result *run* in ``[start, end)`` whose status is ``ok`` or ``alert`` and
whose value is defined, and takes the worst of them (the lowest where higher is better, the
highest where lower is better): one bad model of a system is enough to alert. A portfolio-wide
rule (no system) takes the worst across every system. ``samples`` is the number of
predictions behind the chosen value (window rows for drift, labelled rows for measured
metrics, unlabelled rows for CBPE estimates, labelled rows for fairness), so a rule's
"minimum of data" refuses a verdict drawn from a handful of predictions.

A rule's window should be at least its monitors' schedule (60 minutes for hourly, 1,440 for
daily monitors), or a window can hold no result and the rule has no data to judge.
"""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from aitower.model_monitors.model_metrics import BY_NAME
from aitower.model_monitors.tables import ModelMonitorResultRow as R


def model_metric_value(
    session: Session, metric: str, system_key: str | None, start: datetime, end: datetime
) -> tuple[float | None, int]:
    """The worst latest value of ``metric`` per monitor in ``[start, end)``, and its samples."""
    info = BY_NAME[metric]
    value_column: Any = getattr(R, metric)
    samples_column: Any = getattr(R, info.samples)
    scope = [
        R.run_at >= start,
        R.run_at < end,
        R.status.in_(("ok", "alert")),
        value_column.is_not(None),
    ]
    if system_key is not None:
        try:
            scope.append(R.system_id == uuid.UUID(system_key))
        except ValueError:
            return None, 0  # not an AI system id: no monitor watches it
    latest = (
        select(R.monitor_id, func.max(R.run_at).label("run_at"))
        .where(*scope)
        .group_by(R.monitor_id)
        .subquery()
    )
    rows = session.execute(
        select(value_column, samples_column)
        .join(latest, (latest.c.monitor_id == R.monitor_id) & (latest.c.run_at == R.run_at))
        .where(*scope)
    ).all()
    if not rows:
        return None, 0
    pick = max if info.higher_is_worse else min
    value, samples = pick(rows, key=lambda r: float(r[0]))
    return float(value), int(samples or 0)
