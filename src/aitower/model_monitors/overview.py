"""Model monitoring's part of the Overview: how many monitored models alert, and how many fail
the four-fifths rule; shown once the reader's units have a monitored model."""

from __future__ import annotations

from datetime import date

from sqlalchemy.orm import Session

from aitower.core.access.principal import Principal
from aitower.core.web.overview_panels import OverviewPanel, OverviewTile, tone_if
from aitower.model_monitors.page_data import model_counts
from aitower.model_monitors.permissions import MonitorPermission


def models_panel(session: Session, principal: Principal, today: date) -> OverviewPanel | None:
    """None for a reader who may not read monitors, or whose units have no monitored model."""
    del today  # the counts are of each model's latest result
    if not principal.can(MonitorPermission.monitors_read):
        return None
    counts = model_counts(session, principal)
    if not counts.models:
        return None
    label = "monitored models alerting"
    if counts.unfair:
        label += f" · {counts.unfair} failing the four-fifths rule"
    tile = OverviewTile(
        90,
        f"{counts.alerting} / {counts.models}",
        label,
        "/monitoring/models",
        tone_if(counts.alerting, "bad"),
        testid="tile-models",
    )
    return OverviewPanel(tiles=(tile,))
