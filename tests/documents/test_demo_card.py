"""The demo credit model's system card and Annex IV, on SQLite and PostgreSQL: the inventory's
record, the EU AI Act tier, the register and the fairness monitor's failing result are the
values aitower holds, and what it does not hold is named."""

from __future__ import annotations

from aitower.alerts.demo import replay_model_rules
from aitower.core.access.principal import system_principal
from aitower.core.audit.service import ChangeContext
from aitower.core.db.base import utcnow
from aitower.core.db.engine import Database
from aitower.core.demo.loader import (
    FOUNDATION_CONTRIBUTORS,
    DemoPassword,
    load_demo,
    load_demo_history,
)
from aitower.documents import service
from aitower.documents.gather import gather_facts
from aitower.governance.demo_policies import add_demo_policies
from aitower.inventory.demo import add_demo_inventory
from aitower.inventory.service import system_ids_by_name
from aitower.model_monitors.demo import demo_models_contributor
from aitower.risk.demo import add_demo_risk

SCALE = 0.2  # as tests/model_monitors/test_demo_pages.py: enough rows to judge the age gap
CONTRIBUTORS = [
    *FOUNDATION_CONTRIBUTORS,
    add_demo_inventory,
    add_demo_risk,
    add_demo_policies,
    demo_models_contributor(replay_model_rules),
]
CTX = ChangeContext(system_principal("test"))


def test_the_demo_credit_model_card_holds_its_real_values(db: Database) -> None:
    demo = load_demo(
        db, CTX, DemoPassword("demo-password-for-tests", "stdin"), contributors=CONTRIBUTORS
    )
    assert demo is not None
    load_demo_history(db, demo, scale=SCALE)
    now = utcnow()  # the demo's history ends now
    with db.reading() as session:
        system_id = system_ids_by_name(session, ["Credit scoring model"])["Credit scoring model"]
        facts = gather_facts(session, CTX.principal, system_id, now)
    assert facts.system.purpose.startswith("Scores consumer credit applications")
    (monitor,) = facts.monitors
    assert monitor.name == "credit-score-lr daily" and monitor.sensitive == ("gender", "age_band")
    assert monitor.run_at is not None and monitor.rows > 0
    with db.writing() as session:
        card = service.generate(session, CTX, system_id, "system-card", ("md",), now)
        annex = service.generate(session, CTX, system_id, "annex-iv", ("md",), now)
    with db.reading() as session:
        md = service.version_content(session, CTX.principal, system_id, "system-card", 1, "md")
        annex_md = service.version_content(session, CTX.principal, system_id, "annex-iv", 1, "md")
    text = md.decode()
    assert card.version == 1 and annex.version == 1
    for value in (
        "Scores consumer credit applications",
        "credit-score-lr",
        "bureau reports | restricted | yes",
        "credit-score-lr daily",
    ):
        assert value in text, value
    # The demo's story: the credit model's age gap fails the four-fifths rule (ratio < 0.8).
    assert monitor.fairness_ratio is not None and monitor.fairness_ratio < 0.8
    assert f"{monitor.fairness_ratio:.3g} (fails the floor 0.8)" in text
    assert "| EU AI Act tier | high |" in text and "Annex III point 5(b)" in text
    assert "Disparate impact on protected groups" in text  # the register's open risk
    # The fairness monitor is attached as the bias evaluation: a live object, judged now.
    bias = [e for e in facts.evidence if e.kind == "bias_evaluation"]
    assert bias and bias[0].status.startswith("live object, fails now")
    assert "live object, fails now" in text
    assert "training datasets: provenance, size" in text  # never held by aitower
    assert "a copy of the EU declaration of conformity" in annex_md.decode()
