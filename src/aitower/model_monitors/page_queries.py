"""Read-only look-ups the model monitoring pages need beyond ``results``.

``latest_fairness``: a model whose labels come weeks late has no fairness in its newest
results (the rates need labels), so the Models page shows the newest *known* demographic
parity ratio of each monitor, with the date of the result it comes from.
"""

from __future__ import annotations

import uuid
from collections.abc import Collection
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from aitower.model_monitors.tables import ModelMonitorResultRow as R


@dataclass(frozen=True, slots=True)
class KnownFairness:
    result_id: uuid.UUID
    run_at: datetime
    ratio: float


def latest_fairness(
    session: Session, monitor_ids: Collection[uuid.UUID], min_rows: int
) -> dict[uuid.UUID, KnownFairness]:
    """Per monitor, its newest result with a demographic parity ratio drawn from at least
    ``min_rows`` predictions that are at least half of its window (demographic parity needs
    no label, so ``fairness_rows`` counts every row); callers pass monitors the principal
    sees."""
    if not monitor_ids:
        return {}
    judged = [
        R.monitor_id.in_(list(monitor_ids)),
        R.demographic_parity_ratio.is_not(None),
        R.fairness_rows >= min_rows,
        R.fairness_rows * 2 >= R.rows,
    ]
    newest = (
        select(R.monitor_id, func.max(R.run_at).label("run_at"))
        .where(*judged)
        .group_by(R.monitor_id)
        .subquery()
    )
    rows = session.execute(
        select(R.monitor_id, R.id, R.run_at, R.demographic_parity_ratio)
        .join(newest, (newest.c.monitor_id == R.monitor_id) & (newest.c.run_at == R.run_at))
        .where(*judged)
    ).all()
    return {m: KnownFairness(i, at, float(ratio)) for m, i, at, ratio in rows if ratio is not None}
