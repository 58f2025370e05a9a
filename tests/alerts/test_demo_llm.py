"""The demo's LLM alert rules: the support chatbot's latency episode five days back opens one
incident and resolves it, with its timeline, when the demo loads; the demo analyst sees it."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select

from aitower.alerts import incidents
from aitower.alerts.demo_llm import ERROR_RULE, LATENCY_RULE, add_demo_llm_rules
from aitower.alerts.incidents import IncidentFilter
from aitower.alerts.tables import AlertRuleRow, IncidentRow
from aitower.core.access.authn import user_principal
from aitower.core.access.principal import system_principal
from aitower.core.access.tables import UserRow
from aitower.core.audit.service import ChangeContext
from aitower.core.db.base import utcnow
from aitower.core.db.engine import Database
from aitower.core.demo.loader import (
    FOUNDATION_CONTRIBUTORS,
    DemoPassword,
    load_demo,
    load_demo_history,
)
from aitower.inventory.demo import add_demo_inventory
from aitower.telemetry.demo import add_demo_traffic
from aitower.telemetry.demo_traffic import DemoTimeline

SCALE = 0.2
PASSWORD = DemoPassword("demo-password-for-tests", "stdin")
CONTRIBUTORS = [*FOUNDATION_CONTRIBUTORS, add_demo_inventory, add_demo_traffic, add_demo_llm_rules]


def _load(db: Database) -> list[str]:
    demo = load_demo(
        db, ChangeContext(system_principal("demo")), PASSWORD, contributors=CONTRIBUTORS
    )
    assert demo is not None
    return load_demo_history(db, demo, scale=SCALE)


def _aware(moment: datetime) -> datetime:
    return moment if moment.tzinfo else moment.replace(tzinfo=utcnow().tzinfo)


def test_the_chatbot_episode_opens_and_resolves_one_incident(db: Database) -> None:
    began = utcnow()
    lines = _load(db)
    assert "2 alert rules" in lines[-1]
    episode = DemoTimeline.ending(began)
    with db.reading() as session:
        rule = session.execute(
            select(AlertRuleRow).where(AlertRuleRow.name == LATENCY_RULE)
        ).scalar_one()
        found = list(
            session.execute(select(IncidentRow).where(IncidentRow.rule_id == rule.id)).scalars()
        )
        analyst = user_principal(
            session.execute(select(UserRow).where(UserRow.username == "amara.patel")).scalar_one()
        )
        seen, _ = incidents.list_incidents(
            session, analyst, IncidentFilter(system_id=rule.system_id), limit=50, offset=0
        )
        timeline = incidents.timeline(session, analyst, found[0].id)
    assert len(found) == 1, "one episode, one incident"
    incident = found[0]
    assert incident.status == "resolved"
    opened, resolved = _aware(incident.opened_at), _aware(incident.resolved_at)  # type: ignore[arg-type]
    # Fired during the episode (hourly evaluations), resolved after it, once the window is clean.
    assert episode.incident_start < opened <= episode.incident_end
    assert episode.incident_end < resolved <= episode.incident_end.replace(hour=23)
    assert timeline[0].kind == "fired" and timeline[-1].kind == "resolved"
    assert incident.id in {i.id for i in seen}, "the demo analyst sees the chatbot's incident"
    with db.reading() as session:
        names = set(session.execute(select(AlertRuleRow.name)).scalars())
    assert {LATENCY_RULE, ERROR_RULE} <= names

    with db.reading() as session:
        before = len(list(session.execute(select(IncidentRow.id)).scalars()))
    again = _load(db)  # loading twice adds no rule and no incident
    assert not any("alert rules" in line for line in again)
    with db.reading() as session:
        assert len(list(session.execute(select(IncidentRow.id)).scalars())) == before
