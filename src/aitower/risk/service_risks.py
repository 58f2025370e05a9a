"""Use cases of the risk register: add, change, read, list, overdue reviews and heat map.

Risks belong to systems, so a principal sees and changes only the risks of systems in its
business units; a risk outside them answers NotFound, as the system itself would. Scores are
computed in SQL (likelihood × impact), so lists sort and filter on them over the portfolio.
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Collection, Mapping
from dataclasses import asdict, dataclass, fields, replace
from typing import Any

from sqlalchemy import Select, func, select
from sqlalchemy.orm import Session

from aitower.core.access.principal import Principal
from aitower.core.access.tables import UserRow
from aitower.core.audit.service import ChangeContext, record_change
from aitower.core.db.base import utcnow
from aitower.core.errors import InvalidInput, NotFound
from aitower.inventory.service import get_system_ref
from aitower.inventory.tables import SystemRow
from aitower.risk import register
from aitower.risk.register import Level, RiskFields, RiskStatus
from aitower.risk.tables import RiskRow

IN_LIST_LIMIT = 1000
AnySelect = Select[*tuple[Any, ...]]
RESIDUAL = RiskRow.residual_likelihood * RiskRow.residual_impact
EDITABLE = frozenset({f.name for f in fields(RiskFields)} | {"owner"})


@dataclass(frozen=True, slots=True)
class RiskView:
    id: uuid.UUID
    system_id: uuid.UUID
    system_name: str
    unit_id: uuid.UUID
    title: str
    description: str
    category: str
    likelihood: int
    impact: int
    residual_likelihood: int
    residual_impact: int
    mitigations: str
    owner: str | None
    status: str
    next_review: dt.date | None
    created_at: dt.datetime
    updated_at: dt.datetime

    @property
    def inherent_score(self) -> int:
        return register.score(self.likelihood, self.impact)

    @property
    def residual_score(self) -> int:
        return register.score(self.residual_likelihood, self.residual_impact)

    @property
    def level(self) -> Level:
        return register.level(self.inherent_score)

    @property
    def residual_level(self) -> Level:
        return register.level(self.residual_score)

    def overdue(self, today: dt.date) -> bool:
        return register.is_overdue(self.next_review, self.status, today)


@dataclass(frozen=True, slots=True)
class NewRisk:
    fields: RiskFields
    owner: str | None = None  # a username


@dataclass(frozen=True, slots=True)
class RiskFilter:
    system_id: uuid.UUID | None = None
    category: str | None = None
    status: str | None = None
    min_residual: int | None = None
    overdue: bool = False
    unit_id: uuid.UUID | None = None
    today: dt.date | None = None  # for ``overdue``; None: today in UTC


def _query() -> AnySelect:
    return (
        select(RiskRow, SystemRow.name, SystemRow.unit_id, UserRow.username)
        .join(SystemRow, SystemRow.id == RiskRow.system_id)
        .outerjoin(UserRow, UserRow.id == RiskRow.owner_id)
    )


def _view(row: RiskRow, system_name: str, unit_id: uuid.UUID, owner: str | None) -> RiskView:
    return RiskView(
        id=row.id,
        system_id=row.system_id,
        system_name=system_name,
        unit_id=unit_id,
        title=row.title,
        description=row.description,
        category=row.category,
        likelihood=row.likelihood,
        impact=row.impact,
        residual_likelihood=row.residual_likelihood,
        residual_impact=row.residual_impact,
        mitigations=row.mitigations,
        owner=owner,
        status=row.status,
        next_review=row.next_review,
        created_at=row.created_at,
        updated_at=row.updated_at,
    )


def _scoped(query: AnySelect, principal: Principal) -> AnySelect:
    if principal.unit_ids is None:
        return query
    return query.where(SystemRow.unit_id.in_(principal.unit_ids))


def _audit(view: RiskView) -> dict[str, Any]:
    doc = {f.name: getattr(view, f.name) for f in fields(RiskView)}
    for key in ("created_at", "updated_at", "system_name", "unit_id"):
        doc.pop(key)
    doc["residual_score"] = view.residual_score
    return doc


def _owner_id(session: Session, username: str | None) -> uuid.UUID | None:
    if not username:
        return None
    found = session.execute(
        select(UserRow.id).where(UserRow.username == username.strip().lower())
    ).scalar_one_or_none()
    if found is None:
        raise InvalidInput.on("owner", f"no user {username!r}")
    return found


def _today(today: dt.date | None) -> dt.date:
    return today or utcnow().date()


def get_risk(session: Session, principal: Principal, risk_id: uuid.UUID) -> RiskView:
    found = session.execute(_query().where(RiskRow.id == risk_id)).first()
    if found is None or not principal.sees_unit(found[2]):
        raise NotFound(f"no risk {risk_id}")
    return _view(*found)


def add_risk(session: Session, ctx: ChangeContext, system_id: uuid.UUID, new: NewRisk) -> RiskView:
    get_system_ref(session, ctx.principal, system_id)
    checked = register.check_risk(new.fields)
    owner_id = _owner_id(session, new.owner)
    values = asdict(checked)
    row = RiskRow(id=uuid.uuid4(), system_id=system_id, owner_id=owner_id, **values)
    session.add(row)
    session.flush()
    view = get_risk(session, ctx.principal, row.id)
    record_change(session, ctx, "risk.created", "risk", row.id, after=_audit(view))
    return view


def update_risk(
    session: Session, ctx: ChangeContext, risk_id: uuid.UUID, changes: Mapping[str, Any]
) -> RiskView:
    """A partial change (PATCH): only the given fields; ``owner`` is a username or None."""
    unknown = set(changes) - EDITABLE
    if unknown:
        raise InvalidInput.on(sorted(unknown)[0], "cannot be changed")
    before = get_risk(session, ctx.principal, risk_id)
    row = session.get(RiskRow, risk_id, with_for_update=True)
    if row is None:  # deleted with its system meanwhile
        raise NotFound(f"no risk {risk_id}")
    current = RiskFields(**{f.name: getattr(row, f.name) for f in fields(RiskFields)})
    field_changes = {k: v for k, v in changes.items() if k != "owner"}
    checked = register.check_risk(replace(current, **field_changes))
    if "owner" in changes:
        row.owner_id = _owner_id(session, changes["owner"])
    for name, value in asdict(checked).items():
        setattr(row, name, value)
    session.flush()
    after = get_risk(session, ctx.principal, risk_id)
    if _audit(after) != _audit(before):
        record_change(
            session,
            ctx,
            "risk.updated",
            "risk",
            risk_id,
            before=_audit(before),
            after=_audit(after),
        )
    return after


def _filtered(query: AnySelect, filters: RiskFilter) -> AnySelect:
    if filters.system_id is not None:
        query = query.where(RiskRow.system_id == filters.system_id)
    if filters.unit_id is not None:
        query = query.where(SystemRow.unit_id == filters.unit_id)
    if filters.category is not None:
        query = query.where(RiskRow.category == filters.category)
    if filters.status is not None:
        query = query.where(RiskRow.status == filters.status)
    if filters.min_residual is not None:
        query = query.where(filters.min_residual <= RESIDUAL)
    if filters.overdue:
        query = query.where(
            RiskRow.next_review < _today(filters.today), RiskRow.status != RiskStatus.closed
        )
    return query


def list_risks(
    session: Session,
    principal: Principal,
    filters: RiskFilter | None = None,
    *,
    limit: int = 50,
    offset: int = 0,
) -> tuple[list[RiskView], int]:
    """Risks in the principal's scope matching the filters, highest residual score first."""
    query = _filtered(_scoped(_query(), principal), filters or RiskFilter())
    total = session.execute(select(func.count()).select_from(query.subquery())).scalar_one()
    rows = session.execute(
        query.order_by(RESIDUAL.desc(), RiskRow.next_review, RiskRow.title, RiskRow.id)
        .limit(limit)
        .offset(offset)
    ).all()
    return [_view(*r) for r in rows], int(total)


def overdue_reviews(session: Session, principal: Principal, today: dt.date) -> list[RiskView]:
    """Not-closed risks whose review date has passed, the longest overdue first. One query."""
    query = _filtered(_scoped(_query(), principal), RiskFilter(overdue=True, today=today))
    rows = session.execute(query.order_by(RiskRow.next_review, RESIDUAL.desc())).all()
    return [_view(*r) for r in rows]


def heat_map(session: Session, principal: Principal, *, residual: bool = True) -> list[list[int]]:
    """5×5 counts [likelihood-1][impact-1] of the not-closed risks in scope. One query."""
    likelihood = RiskRow.residual_likelihood if residual else RiskRow.likelihood
    impact = RiskRow.residual_impact if residual else RiskRow.impact
    query = (
        select(likelihood, impact, func.count())
        .join(SystemRow, SystemRow.id == RiskRow.system_id)
        .where(RiskRow.status != RiskStatus.closed)
        .group_by(likelihood, impact)
    )
    rows = session.execute(_scoped(query, principal)).all()
    return register.heat_matrix((int(lk), int(im), int(n)) for lk, im, n in rows)


def open_risk_scores(
    session: Session, system_ids: Collection[uuid.UUID] | None
) -> dict[uuid.UUID, tuple[int, ...]]:
    """Residual scores of each system's not-closed risks, highest first. One query."""
    query = select(RiskRow.system_id, RESIDUAL).where(RiskRow.status != RiskStatus.closed)
    if system_ids is not None and len(system_ids) <= IN_LIST_LIMIT:
        query = query.where(RiskRow.system_id.in_(list(system_ids)))
    scores: dict[uuid.UUID, list[int]] = {}
    for system_id, value in session.execute(query).all():
        scores.setdefault(system_id, []).append(int(value))
    wanted = None if system_ids is None else set(system_ids)
    return {
        k: tuple(sorted(v, reverse=True))
        for k, v in scores.items()
        if wanted is None or k in wanted
    }
