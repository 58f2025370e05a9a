"""What verdicts measure: quality per system over a window, and the detectors' precision per
finding type (a verdict of leak or policy violation on an item from a finding confirms the
detection, false alarm refutes it). Both read only judged items (status done)."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import false, select
from sqlalchemy.orm import Session

from aitower.core.access.principal import Principal
from aitower.inventory import service as inventory
from aitower.review.domain import (
    Precision,
    Reviewed,
    Status,
    SystemQuality,
    precision_by_type,
    quality_by_system,
)
from aitower.review.tables import ReviewItemRow


@dataclass(frozen=True, slots=True)
class QualityReport:
    since: datetime | None
    until: datetime | None
    systems: list[tuple[str, SystemQuality]]  # (system name, its quality), by name
    precision: list[Precision]  # per finding type, by type


def _reviewed(
    session: Session,
    since: datetime | None,
    until: datetime | None,
    system_ids: list[uuid.UUID] | None = None,
) -> list[Reviewed]:
    i = ReviewItemRow
    query = select(i.system_id, i.source, i.finding_type, i.verdict).where(
        i.status == Status.done.value, i.verdict.is_not(None)
    )
    if since is not None:
        query = query.where(i.reviewed_at >= since)
    if until is not None:
        query = query.where(i.reviewed_at < until)
    if system_ids is not None:
        query = query.where(i.system_id.in_(system_ids) if system_ids else false())
    return [Reviewed(str(s), src, t, str(v)) for s, src, t, v in session.execute(query)]


def detector_precision(
    session: Session, since: datetime | None = None
) -> dict[str, tuple[int, int]]:
    """(confirmed, false alarms) per finding type over every system, judged since ``since``:
    the measured precision of each detector is ``true / (true + false)``."""
    return precision_by_type(_reviewed(session, since, None))


def quality_report(
    session: Session, principal: Principal, since: datetime | None, until: datetime | None
) -> QualityReport:
    """Quality per system and precision per type over the systems the principal may see."""
    refs = inventory.visible_systems(session, principal)
    names = {str(r.id): r.name for r in refs}
    scoped = None if principal.unit_ids is None else [r.id for r in refs]
    reviewed = [r for r in _reviewed(session, since, until, scoped) if r.system_id in names]
    systems = sorted(
        ((names[q.system_id], q) for q in quality_by_system(reviewed)), key=lambda p: p[0]
    )
    precision = [Precision(t, a, b) for t, (a, b) in precision_by_type(reviewed).items()]
    return QualityReport(since, until, systems, precision)
