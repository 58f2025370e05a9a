"""Guardrails' part of the Overview: what the detectors found in the last 7 days, by category;
shown once the reader's systems have a finding."""

from __future__ import annotations

import datetime as dt

from sqlalchemy.orm import Session

from aitower.core.access.principal import Principal
from aitower.core.web.overview_panels import OverviewPanel, OverviewTile, tone_if
from aitower.detectors.detection import Category
from aitower.guardrails.findings import FindingFilter, per_category
from aitower.guardrails.permissions import GuardrailsPermission
from aitower.telemetry.scope import portfolio_scope

DAYS = 7


def findings_panel(session: Session, principal: Principal, today: dt.date) -> OverviewPanel | None:
    """None for a reader who may not read findings, or when nothing was found in 7 days (from
    the start of the UTC day six days before ``today``)."""
    if not principal.can(GuardrailsPermission.findings_read):
        return None
    since = dt.datetime.combine(today - dt.timedelta(days=DAYS - 1), dt.time(), dt.UTC)
    scope = portfolio_scope(session, principal)
    counts = per_category(session, scope, FindingFilter(since=since))
    total = sum(counts.values())
    if not total:
        return None
    label = (
        f"findings in 7 days · {counts[Category.personal_data]} personal data · "
        f"{counts[Category.secret]} secrets · {counts[Category.injection]} injection"
    )
    tile = OverviewTile(
        85,
        f"{total}",
        label,
        f"/guardrails/findings?since={since.date().isoformat()}",
        tone_if(counts[Category.secret] or counts[Category.personal_data], "bad"),
        testid="tile-findings",
    )
    return OverviewPanel(tiles=(tile,))
