"""Use cases of risk: EU AI Act assessments (versioned) and what other slices read in bulk.

Every assessment is kept: version 1, 2, ... per system, the highest in force. Assessing
re-tiers the system through the inventory (``set_risk_tier``) and audits ``risk.assessed`` on
the system in the same transaction. The register's use cases live in ``service_risks`` and are
re-exported here, so other slices import one module.

The functions governance and the overview call over the whole portfolio (``questionnaire_done``,
``open_risk_scores``, ``heat_map``, ``overdue_reviews``, ``current_assessment``) run a fixed
number of queries, whatever the number of systems.
"""

from __future__ import annotations

import uuid
from collections.abc import Collection, Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from aitower.core.access.principal import Principal
from aitower.core.audit.service import ChangeContext, record_change
from aitower.inventory.service import get_system_ref, set_risk_tier
from aitower.inventory.tables import SystemRow
from aitower.inventory.vocabulary import RiskTier
from aitower.risk import eu_ai_act
from aitower.risk.service_risks import (
    NewRisk,
    RiskFilter,
    RiskView,
    add_risk,
    get_risk,
    heat_map,
    list_risks,
    open_risk_scores,
    overdue_reviews,
    update_risk,
)
from aitower.risk.tables import AssessmentRow

__all__ = [
    "Assessment",
    "NewRisk",
    "RiskFilter",
    "RiskView",
    "add_risk",
    "assess",
    "current_assessment",
    "current_assessments",
    "get_risk",
    "heat_map",
    "list_assessments",
    "list_risks",
    "open_risk_scores",
    "overdue_reviews",
    "questionnaire_done",
    "tier_counts",
    "update_risk",
]

# Above this many ids, one unfiltered query beats a huge IN list (and stays one query).
IN_LIST_LIMIT = 1000
NOT_ASSESSED = "not assessed"


@dataclass(frozen=True, slots=True)
class Assessment:
    id: uuid.UUID
    system_id: uuid.UUID
    version: int
    answers: Mapping[str, bool]
    tier: RiskTier
    articles: tuple[str, ...]
    reasons: tuple[str, ...]
    obligations: tuple[str, ...]
    assessed_by: str
    assessed_at: datetime


def _assessment(row: AssessmentRow) -> Assessment:
    result = row.result
    return Assessment(
        id=row.id,
        system_id=row.system_id,
        version=row.version,
        answers=dict(row.answers),
        tier=RiskTier(row.tier),
        articles=tuple(result.get("articles", ())),
        reasons=tuple(result.get("reasons", ())),
        obligations=tuple(result.get("obligations", ())),
        assessed_by=row.assessed_by,
        assessed_at=row.assessed_at,
    )


def _latest_row(session: Session, system_id: uuid.UUID) -> AssessmentRow | None:
    return session.execute(
        select(AssessmentRow)
        .where(AssessmentRow.system_id == system_id)
        .order_by(AssessmentRow.version.desc())
        .limit(1)
    ).scalar_one_or_none()


def assess(
    session: Session, ctx: ChangeContext, system_id: uuid.UUID, answers: Mapping[str, Any]
) -> Assessment:
    """Classify the answers, store them as the next version and re-tier the system.

    Identical answers to the version in force create nothing (no version, no audit event)."""
    system = get_system_ref(session, ctx.principal, system_id)
    checked = eu_ai_act.check_answers(answers)
    # Lock the system row first (a no-op write of its tier), so concurrent assessments of one
    # system serialise instead of racing for the same version number.
    set_risk_tier(session, system_id, system.risk_tier)
    latest = _latest_row(session, system_id)
    if latest is not None and dict(latest.answers) == checked:
        return _assessment(latest)
    result = eu_ai_act.classify(checked)
    row = AssessmentRow(
        system_id=system_id,
        version=1 if latest is None else latest.version + 1,
        answers=checked,
        tier=result.tier.value,
        result={
            "articles": list(result.articles),
            "reasons": list(result.reasons),
            "obligations": list(result.obligations),
            "roles": list(result.roles),
            "gpai": result.gpai,
        },
        assessed_by=ctx.principal.actor,
    )
    session.add(row)
    set_risk_tier(session, system_id, result.tier)
    session.flush()
    changed = eu_ai_act.changed_answers(None if latest is None else latest.answers, checked)
    record_change(
        session,
        ctx,
        "risk.assessed",
        "ai_system",
        system_id,
        before={
            "tier": None if system.risk_tier is None else system.risk_tier.value,
            "version": None if latest is None else latest.version,
            "answers": {qid: old for qid, (old, _) in changed.items()},
        },
        after={
            "tier": result.tier.value,
            "version": row.version,
            "answers": {qid: new for qid, (_, new) in changed.items()},
            "articles": list(result.articles),
            "roles": list(result.roles),
        },
    )
    return _assessment(row)


def current_assessment(
    session: Session, principal: Principal, system_id: uuid.UUID
) -> Assessment | None:
    """The version in force, None when the system was never assessed (NotFound if unseen)."""
    get_system_ref(session, principal, system_id)
    row = _latest_row(session, system_id)
    return None if row is None else _assessment(row)


def list_assessments(
    session: Session, principal: Principal, system_id: uuid.UUID
) -> list[Assessment]:
    """Every version of a system, newest first."""
    get_system_ref(session, principal, system_id)
    rows = session.execute(
        select(AssessmentRow)
        .where(AssessmentRow.system_id == system_id)
        .order_by(AssessmentRow.version.desc())
    ).scalars()
    return [_assessment(r) for r in rows]


def _restrict(query: Any, column: Any, ids: Collection[uuid.UUID] | None) -> Any:
    if ids is not None and len(ids) <= IN_LIST_LIMIT:
        return query.where(column.in_(list(ids)))
    return query


def questionnaire_done(
    session: Session, system_ids: Collection[uuid.UUID] | None
) -> set[uuid.UUID]:
    """Systems (of ``system_ids``, or all) with an assessment in force. One query."""
    query = _restrict(
        select(AssessmentRow.system_id).distinct(), AssessmentRow.system_id, system_ids
    )
    found = set(session.execute(query).scalars())
    return found if system_ids is None else found & set(system_ids)


def current_assessments(
    session: Session, system_ids: Collection[uuid.UUID] | None
) -> dict[uuid.UUID, Assessment]:
    """The assessment in force of each system that has one. One query."""
    latest = _restrict(
        select(AssessmentRow.system_id, func.max(AssessmentRow.version).label("version")),
        AssessmentRow.system_id,
        system_ids,
    ).group_by(AssessmentRow.system_id)
    newest = latest.subquery()
    rows = session.execute(
        select(AssessmentRow).join(
            newest,
            (newest.c.system_id == AssessmentRow.system_id)
            & (newest.c.version == AssessmentRow.version),
        )
    ).scalars()
    found = {r.system_id: _assessment(r) for r in rows}
    if system_ids is None:
        return found
    wanted = set(system_ids)
    return {k: v for k, v in found.items() if k in wanted}


def tier_counts(session: Session, principal: Principal) -> dict[str, int]:
    """Systems per tier in the principal's scope, most severe first, then "not assessed"."""
    query = select(SystemRow.risk_tier, func.count()).group_by(SystemRow.risk_tier)
    if principal.unit_ids is not None:
        query = query.where(SystemRow.unit_id.in_(principal.unit_ids))
    counts = {tier or NOT_ASSESSED: int(n) for tier, n in session.execute(query).all()}
    order = [t.value for t in sorted(RiskTier, key=eu_ai_act.tier_rank, reverse=True)]
    return {name: counts.get(name, 0) for name in [*order, NOT_ASSESSED]}
