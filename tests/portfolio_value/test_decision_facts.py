"""What the decision rules weigh, read from data written through the real paths: quality from
telemetry's feedback scores, adoption from active users, open high risks from the register,
duplicates from purposes; the placement that follows."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from aitower.core.db.engine import Database
from aitower.portfolio import value_service
from aitower.portfolio.decision_facts import facts_of
from aitower.portfolio.decision_rules import place_all
from aitower.portfolio.value_service import ValueModelFields
from aitower.portfolio.values import system_values
from aitower.risk.register import RiskFields
from aitower.risk.service_risks import NewRisk, add_risk
from aitower.telemetry.service import ScoreIn, add_score
from portfolio_value.support_value import ledger, traffic
from support import CTX, seed_units
from support_inventory import add_system

START, END = date(2026, 1, 1), date(2026, 5, 1)
JOB = "Summarises long support tickets and email threads into short summaries for agents."


def _score(db: Database, trace_id: str, value: float, month: int) -> None:
    with db.writing() as session:
        item = ScoreIn("feedback", trace_id, None, "helpful", value, None, "", "test")
        add_score(session, item, datetime(2026, month, 20, tzinfo=UTC))


def test_quality_adoption_risk_and_duplicates(db: Database) -> None:
    seed_units(db)
    falling = add_system(db, services=["svc-falling"], purpose=JOB).id
    twin = add_system(db, purpose=JOB.replace("support tickets", "meeting notes")).id
    users = {1: ["a", "b", "c", "d"], 2: ["a", "b", "c", "d"], 3: ["a", "b"], 4: ["a"]}
    quality = {1: 0.9, 2: 0.9, 3: 0.6, 4: 0.6}
    for month, who in users.items():
        traces = traffic(db, "svc-falling", date(2026, month, 10), who, [f"s{month}"] * len(who))
        _score(db, traces[0], quality[month], month)
    with db.writing() as session:
        fields = RiskFields(
            "Leaks tickets", "privacy", 4, 4, residual_likelihood=3, residual_impact=4
        )
        add_risk(session, CTX, falling, NewRisk(fields))  # residual 12: high
        low = RiskFields("Typos", "operational", 2, 2)
        add_risk(session, CTX, falling, NewRisk(low))  # 4: low, not counted
        for system in (falling, twin):
            value_service.declare_value_model(
                session, CTX, system, ValueModelFields(revenue_per_month=1000.0)
            )
    ledger(db, falling, START, END, 400.0)
    ledger(db, twin, START, END, 800.0)
    with db.reading() as session:
        values = system_values(session, CTX.principal, START, END)
        weighed = facts_of(session, values, START, END)
    by_id = {f.system_id: f for f in weighed.facts}
    f = by_id[falling]
    # feedback 0.9, 0.9 → 0.6, 0.6: −33 %; active users 4, 4 → 2, 1: −62.5 %
    assert f.quality_change == pytest.approx(-1 / 3)
    assert f.adoption_change == pytest.approx(-0.625)
    assert f.open_high_risks == 1
    assert f.duplicates == (twin,) and by_id[twin].duplicates == (falling,)
    placed = place_all(weighed.facts)
    # ROI: falling (4000 − 400)/400 = 9 beats the twin's (4000 − 800)/800 = 4
    assert placed[twin].recommended == "retire" and placed[twin].into_system_id == falling
    assert placed[falling].recommended == "fix"
    kinds = {r.kind: r.points_to for r in placed[falling].reasons}
    assert kinds["risk"] == kinds["quality"] == kinds["adoption"] == "fix"
