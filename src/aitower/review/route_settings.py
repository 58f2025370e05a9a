"""Each system's routing to review: read it (the defaults when never set) and change it,
audited. The security role changes it from the system's page ("routes the system's outputs
to review"), as do admins and operations managers."""

from __future__ import annotations

import uuid
from dataclasses import asdict, dataclass
from datetime import datetime
from typing import Any

from sqlalchemy.orm import Session

from aitower.core.access.principal import Principal
from aitower.core.audit.service import ChangeContext, record_change
from aitower.core.db.base import utcnow
from aitower.inventory.service import SystemRef, get_system_ref
from aitower.review.domain import RouteSettings, checked_settings
from aitower.review.tables import ReviewRouteRow


@dataclass(frozen=True, slots=True)
class RouteView:
    system: SystemRef
    settings: RouteSettings
    watermark: datetime | None  # routing has looked at the system's traffic up to here
    updated_at: datetime | None
    updated_by: str


def settings_of(row: ReviewRouteRow) -> RouteSettings:
    return RouteSettings(
        enabled=row.enabled,
        sample_rate=row.sample_rate,
        low_score_below=row.low_score_below,
        score_name=row.score_name,
        finding_types=tuple(row.finding_types or ()),
        finding_categories=tuple(row.finding_categories or ()),
        finding_role=row.finding_role,
        quality_role=row.quality_role,
    )


def _doc(settings: RouteSettings) -> dict[str, Any]:
    doc = asdict(settings)
    doc["finding_types"] = list(settings.finding_types)
    doc["finding_categories"] = list(settings.finding_categories)
    return doc


def get_route(session: Session, principal: Principal, system_id: uuid.UUID) -> RouteView:
    """The system's route (NotFound outside the principal's units); defaults if never set."""
    system = get_system_ref(session, principal, system_id)
    row = session.get(ReviewRouteRow, system_id)
    if row is None:
        return RouteView(system, RouteSettings(), None, None, "")
    return RouteView(system, settings_of(row), row.watermark, row.updated_at, row.updated_by)


def set_route(
    session: Session, ctx: ChangeContext, system_id: uuid.UUID, settings: RouteSettings
) -> RouteView:
    """Save the system's route and audit it (``review.route_changed``, before and after).

    Turning a route on for the first time starts routing one ``FIRST_LOOKBACK`` back; the
    watermark is kept across changes, so a trace already considered is not considered again.
    """
    system = get_system_ref(session, ctx.principal, system_id)
    checked_settings(settings)
    row = session.get(ReviewRouteRow, system_id, with_for_update=True)
    before = None if row is None else _doc(settings_of(row))
    if row is None:
        row = ReviewRouteRow(system_id=system_id, watermark=None)
        session.add(row)
    row.enabled = settings.enabled
    row.sample_rate = settings.sample_rate
    row.low_score_below = settings.low_score_below
    row.score_name = settings.score_name
    row.finding_types = list(settings.finding_types)
    row.finding_categories = list(settings.finding_categories)
    row.finding_role = settings.finding_role
    row.quality_role = settings.quality_role
    row.updated_at = utcnow()
    row.updated_by = ctx.principal.actor
    record_change(
        session, ctx, "review.route_changed", "ai_system", system_id,
        before=before, after=_doc(settings),
    )  # fmt: skip
    return RouteView(system, settings, row.watermark, row.updated_at, row.updated_by)
