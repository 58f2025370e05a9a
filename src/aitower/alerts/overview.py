"""Alerting's part of the Overview and of Monitoring: the open incidents of the reader's units,
as a tile and by name, so Monday morning starts at the incident instead of a search for it."""

from __future__ import annotations

from datetime import date

from sqlalchemy.orm import Session

from aitower.alerts import incidents, serious
from aitower.alerts.incidents import IncidentFilter, IncidentStatus, IncidentView
from aitower.alerts.permissions import AlertPermission
from aitower.core.access.principal import Principal
from aitower.core.db.base import utcnow
from aitower.core.web.overview_panels import AttentionItem, OverviewPanel, OverviewTile, tone_if

LISTED = 5  # open incidents named on the Overview; the tile links to the rest


def unresolved_incidents(
    session: Session, principal: Principal, limit: int = LISTED
) -> tuple[list[IncidentView], dict[IncidentStatus, int]]:
    """Open and acknowledged (not yet resolved) incidents, newest first, and how many of each."""
    found: list[IncidentView] = []
    counts: dict[IncidentStatus, int] = {}
    for status in (IncidentStatus.open, IncidentStatus.acknowledged):
        some, counts[status] = incidents.list_incidents(
            session, principal, IncidentFilter(status=status.value), limit=limit, offset=0
        )
        found.extend(some)
    found.sort(key=lambda i: i.opened_at, reverse=True)
    return found[:limit], counts


def incident_item(rank: int, incident: IncidentView) -> AttentionItem:
    where = incident.system_name or "portfolio"
    owner = f"assigned to {incident.owner}" if incident.owner else "unassigned"
    return AttentionItem(
        rank,
        incident.title,
        f"/monitoring/incidents/{incident.id}",
        f"{where} · {incident.severity} · {incident.status.value} · {owner}",
        "bad" if incident.status is IncidentStatus.open else "warn",
        testid="open-incident",
    )


def incident_attention(session: Session, principal: Principal) -> tuple[AttentionItem, ...]:
    """The unresolved incidents, newest first, for a reader who may read incidents."""
    if not principal.can(AlertPermission.incidents_read):
        return ()
    found, _ = unresolved_incidents(session, principal)
    return tuple(incident_item(i, x) for i, x in enumerate(found))


def alerts_panel(session: Session, principal: Principal, today: date) -> OverviewPanel | None:
    """None for a reader who may not read incidents."""
    del today  # an incident is open now, whatever the day
    if not principal.can(AlertPermission.incidents_read):
        return None
    _, counts = unresolved_incidents(session, principal, limit=1)
    opened, acknowledged = counts[IncidentStatus.open], counts[IncidentStatus.acknowledged]
    label = "open incident" if opened == 1 else "open incidents"
    if acknowledged:
        label += f" · {acknowledged} acknowledged"
    tile = OverviewTile(
        5,
        str(opened),
        label,
        "/monitoring/incidents?status=open",
        tone_if(opened, "bad"),
        testid="tile-incidents",
    )
    return OverviewPanel(tiles=(tile,))


def serious_attention(session: Session, principal: Principal) -> tuple[AttentionItem, ...]:
    """Serious incidents whose Art. 73 report has not gone yet, nearest deadline first, ahead
    of the open incidents: a legal deadline runs whether or not the incident is resolved."""
    if not principal.can(AlertPermission.incidents_read):
        return ()
    found, _ = incidents.list_incidents(
        session, principal, IncidentFilter(serious=True), limit=LISTED, offset=0
    )
    classified = serious.serious_of(session, [i.id for i in found])
    now = utcnow()
    items: list[AttentionItem] = []
    for incident in found:
        view = classified.get(incident.id)
        clock = None if view is None else view.countdown(now)
        if view is None or view.reported_at is not None or clock is None:
            continue
        items.append(
            AttentionItem(
                -LISTED + len(items),
                f"Art. 73 report due: {incident.title}",
                f"/monitoring/incidents/{incident.id}#art73",
                f"{incident.system_name or 'portfolio'} · {clock.text}",
                "bad" if clock.state in ("overdue", "soon") else "warn",
                testid="serious-report-due",
            )
        )
    return tuple(items)
