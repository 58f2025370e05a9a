"""A system's documents cite its incidents and their Art. 73 standing (the system card's caveats,
Annex IV point 9), gathered from the incidents on SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import UTC, datetime

from aitower.alerts import incidents, serious
from aitower.core.access.principal import system_principal
from aitower.core.db.engine import Database
from aitower.documents.common import Issue
from aitower.documents.document import to_markdown
from aitower.documents.gather import gather_facts
from aitower.documents.kinds import build
from support import CTX, seed_units
from support_inventory import make_system

AWARE = datetime(2026, 11, 2, 9, 0, tzinfo=UTC)
NOW = datetime(2026, 11, 5, 12, 0, tzinfo=UTC)


def test_the_card_and_annex_iv_list_incidents_with_their_reporting_deadline(db: Database) -> None:
    system_id = make_system(db, seed_units(db).unit_id, "Credit scorer", kind="ml_model")
    with db.writing() as session:
        harm = incidents.create_incident(
            session, CTX, title="Loans refused by age", severity="critical", system_id=system_id
        )
        incidents.create_incident(
            session, CTX, title="Latency spike", severity="low", system_id=system_id
        )
        serious.classify(
            session, CTX, harm.id, limbs=["c"], aware_at=AWARE, time_zone="UTC", now=NOW
        )
    with db.reading() as session:
        facts = gather_facts(session, system_principal("test"), system_id, NOW)
    by_title = {i.title: i for i in facts.incidents}
    harm_fact = by_title["Loans refused by age"]
    # Art. 73(2): 15 days after awareness, as the incidents' own clock computes it.
    assert harm_fact.serious is True and harm_fact.limbs == ("c",)
    assert harm_fact.deadline_at == datetime(2026, 11, 17, 9, 0, tzinfo=UTC)
    assert by_title["Latency spike"].serious is None
    issue = Issue(1, NOW, "test")
    card = to_markdown(build("system-card", facts, issue))
    assert "Loans refused by age" in card and "serious (3(49)(c)); report by 2026-11-17" in card
    assert "not classified" in card
    annex = to_markdown(build("annex-iv", facts, issue))
    assert "Incidents and their reporting under Art. 73" in annex
    assert "Latency spike" in annex
