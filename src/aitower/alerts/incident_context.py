"""What the incident page shows around an incident: who owns its system, the window of traces
behind it, and the people it can be given to.

The window runs from the rule's evaluation window before the incident opened (what the rule
saw when it fired) to its resolution, or now while it is open; the trace explorer's failing
traces of the system in that window are the evidence an analyst reads first.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta
from urllib.parse import urlencode

from sqlalchemy import select
from sqlalchemy.orm import Session, aliased

from aitower.alerts.incidents import IncidentView
from aitower.alerts.tables import AlertRuleRow
from aitower.core.access.principal import Principal
from aitower.core.access.service import list_users
from aitower.core.access.tables import UserRow
from aitower.inventory.tables import SystemRow

# Without a rule (or its window), the hour before the incident opened.
DEFAULT_LOOKBACK = timedelta(hours=1)
MAX_ASSIGNEES = 500


@dataclass(frozen=True, slots=True)
class Person:
    username: str
    name: str  # the display name, or the username when there is none

    @property
    def label(self) -> str:
        return self.name if self.name == self.username else f"{self.name} ({self.username})"


@dataclass(frozen=True, slots=True)
class IncidentContext:
    accountable_owner: Person | None
    technical_owner: Person | None
    window_start: datetime
    window_end: datetime
    failing_traces_url: str | None  # None: a portfolio-wide incident
    assignees: list[Person]


def _person(username: str | None, display: str | None) -> Person | None:
    if username is None:
        return None
    return Person(username, display or username)


def _owners(session: Session, system_id: uuid.UUID) -> tuple[Person | None, Person | None]:
    accountable, technical = aliased(UserRow), aliased(UserRow)
    found = session.execute(
        select(
            accountable.username,
            accountable.display_name,
            technical.username,
            technical.display_name,
        )
        .select_from(SystemRow)
        .outerjoin(accountable, accountable.id == SystemRow.accountable_owner_id)
        .outerjoin(technical, technical.id == SystemRow.technical_owner_id)
        .where(SystemRow.id == system_id)
    ).first()
    if found is None:
        return None, None
    return _person(found[0], found[1]), _person(found[2], found[3])


def trace_window(
    session: Session, incident: IncidentView, now: datetime
) -> tuple[datetime, datetime]:
    """From the rule's window before the incident opened to its resolution (or now)."""
    lookback = DEFAULT_LOOKBACK
    if incident.rule_id is not None:
        minutes = session.execute(
            select(AlertRuleRow.window_minutes).where(AlertRuleRow.id == incident.rule_id)
        ).scalar()
        if minutes:
            lookback = timedelta(minutes=minutes)
    return incident.opened_at - lookback, incident.resolved_at or now


def failing_traces_url(system_id: uuid.UUID, start: datetime, end: datetime) -> str:
    """The trace explorer filtered to the system's failed traces in ``[start, end]``."""
    minute = "%Y-%m-%dT%H:%M"
    params = {
        "system": str(system_id),
        "status": "error",
        "start": start.strftime(minute),
        # The explorer's end is inclusive to the minute: round up so the last minute counts.
        "end": (end + timedelta(minutes=1)).strftime(minute),
    }
    return f"/monitoring/traces?{urlencode(params)}"


def incident_context(
    session: Session, principal: Principal, incident: IncidentView, now: datetime
) -> IncidentContext:
    accountable = technical = None
    if incident.system_id is not None:
        accountable, technical = _owners(session, incident.system_id)
    start, end = trace_window(session, incident, now)
    url = None if incident.system_id is None else failing_traces_url(incident.system_id, start, end)
    users, _ = list_users(session, principal, include_disabled=False, limit=MAX_ASSIGNEES)
    people = sorted(
        (Person(u.username, u.display_name or u.username) for u in users),
        key=lambda p: p.name.lower(),
    )
    return IncidentContext(accountable, technical, start, end, url, people)
