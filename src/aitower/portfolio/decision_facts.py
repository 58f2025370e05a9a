"""What the decision rules weigh, read for the systems a principal sees: ROI and its trend
(``values``), quality per month from telemetry's score rollups (evaluations and feedback), open
high and critical risks (the risk register), adoption (active users per month) and duplicates
(same kind, similar purpose).

Quality change: for each score name (an evaluation or a feedback kind), the change of its monthly
mean (``decision_rules.change``); the system's is their mean weighted by how many scores each
name has. Only scores with a value count (a label alone is not a quality figure).
"""

from __future__ import annotations

import uuid
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from aitower.inventory.tables import SystemRow
from aitower.portfolio.decision_rules import SystemFacts, change, duplicates
from aitower.portfolio.values import SystemValue, month_start, months_between
from aitower.risk.register import Level, level
from aitower.risk.service_risks import open_risk_scores
from aitower.telemetry.tables import ScoreRollupRow

HIGH_LEVELS = frozenset({Level.high, Level.critical})


@dataclass(frozen=True, slots=True)
class Weighed:
    """The facts of every system, and each one's value figures (same order)."""

    values: tuple[SystemValue, ...]
    facts: tuple[SystemFacts, ...]


def _midnight(day: date) -> datetime:
    return datetime.combine(day, time(), tzinfo=UTC)


def quality_changes(
    session: Session, system_ids: Sequence[uuid.UUID], start: date, end: date
) -> dict[uuid.UUID, float]:
    """Each system's relative change of quality scores over [start, end) (module docstring)."""
    if not system_ids:
        return {}
    r = ScoreRollupRow
    rows = session.execute(
        select(
            r.bucket_start, r.system_key, r.kind, r.name, func.sum(r.score_sum), func.sum(r.scored)
        )
        .where(r.bucket_start >= _midnight(start), r.bucket_start < _midnight(end))
        .where(r.system_key.in_([str(s) for s in system_ids]), r.scored > 0)
        .group_by(r.bucket_start, r.system_key, r.kind, r.name)
    )
    sums: dict[tuple[str, str, str], dict[date, list[float]]] = defaultdict(dict)
    for bucket, key, kind, name, total, scored in rows:
        cell = sums[(key, kind, name)].setdefault(month_start(bucket.date()), [0.0, 0.0])
        cell[0] += float(total or 0.0)
        cell[1] += float(scored or 0)
    months = months_between(start, end)
    weighted: dict[str, list[float]] = defaultdict(lambda: [0.0, 0.0])
    for (key, _, _), by_month in sums.items():
        series = [by_month[m][0] / by_month[m][1] if m in by_month else None for m in months]
        moved = change(series)
        if moved is not None:
            weight = sum(c[1] for c in by_month.values())
            weighted[key][0] += moved * weight
            weighted[key][1] += weight
    return {uuid.UUID(k): w[0] / w[1] for k, w in weighted.items() if w[1] > 0}


def high_risk_counts(session: Session, system_ids: Sequence[uuid.UUID]) -> dict[uuid.UUID, int]:
    """Open (not closed) risks whose residual score is high or critical, per system."""
    scores = open_risk_scores(session, list(system_ids))
    return {sid: sum(1 for s in found if level(s) in HIGH_LEVELS) for sid, found in scores.items()}


def similar_systems(
    session: Session, system_ids: Sequence[uuid.UUID]
) -> dict[uuid.UUID, tuple[uuid.UUID, ...]]:
    """Duplicates among ``system_ids`` (``decision_rules.duplicates``)."""
    if not system_ids:
        return {}
    rows = session.execute(
        select(SystemRow.id, SystemRow.kind, SystemRow.purpose).where(
            SystemRow.id.in_(list(system_ids))
        )
    ).all()
    return duplicates([(sid, kind, purpose or "") for sid, kind, purpose in rows])


def facts_of(session: Session, values: Sequence[SystemValue], start: date, end: date) -> Weighed:
    """The rules' facts of each system in ``values`` (already scoped to the principal).
    Retired systems are left out: there is nothing left to decide, nor to duplicate."""
    live = tuple(v for v in values if v.system.stage.value != "retired")
    ids = [v.system.id for v in live]
    quality = quality_changes(session, ids, start, end)
    risks = high_risk_counts(session, ids)
    similar = similar_systems(session, ids)
    facts = tuple(
        SystemFacts(
            system_id=v.system.id,
            name=v.system.name,
            has_value_model=v.model is not None,
            cost=v.cost,
            value=v.value,
            roi=v.roi,
            roi_trend=v.roi_trend,
            quality_change=quality.get(v.system.id),
            adoption_change=change(
                [float(m.usage.active_users) if m.usage.active_users else None for m in v.months]
            ),
            open_high_risks=risks.get(v.system.id, 0),
            duplicates=similar.get(v.system.id, ()),
        )
        for v in live
    )
    return Weighed(live, facts)
