"""The journey "Which AI pays off?" in a real browser, as the demo's stakeholder and ops manager.

The quarterly review on a fresh demo (every capability's contributors: a year of bills and
licences, value models, budgets, the three summarisers in three units). sam.taylor, business
stakeholder of Marketing, opens Cost & Value: she sees her units' systems only, with their
cost, value and ROI; she declares the value of the content generator and sees its ROI move;
the content generator's budget is forecast to break. olivia.chen, the ops manager, sees the
copilot's idle seats and the summarisers recommended for consolidation; she consolidates one
summariser into another, retires a third system and scales the best one; each retirement
starts its lifecycle move, and every decision is on the audit trail.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect
from sqlalchemy import select

from aitower.core.audit.tables import AuditEventRow
from aitower.core.db.engine import Database
from aitower.demo import DEMO_CONTRIBUTORS
from aitower.inventory.tables import SystemRow
from aitower.portfolio.tables import PortfolioDecisionRow, ValueModelRow
from browser_support import LiveServer, demo_live, log_in, shoot

pytestmark = pytest.mark.browser
STAKEHOLDER, OPS = "sam.taylor", "olivia.chen"
GENERATOR, COPILOT = "Marketing content generator", "Coding copilot"
TICKETS, MEETINGS, REPORTS = "Ticket summariser", "Meeting summariser", "Report summariser"


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    with demo_live(tmp_path_factory.mktemp("pays-off"), DEMO_CONTRIBUTORS, 0.02) as server:
        yield server


def _system_id(db: Database, name: str) -> str:
    with db.reading() as session:
        return str(session.execute(select(SystemRow.id).where(SystemRow.name == name)).scalar_one())


def test_the_stakeholder_sees_her_units_value_and_declares_it(
    page: Page, demo: LiveServer, screenshots: Path
) -> None:
    log_in(page, demo, STAKEHOLDER)
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Cost & Value").click()
    expect(page).to_have_url(re.compile(r"/value$"))
    expect(page.locator("main")).to_contain_text(GENERATOR)
    expect(page.locator("main")).not_to_contain_text("Customer support chatbot")
    shoot(page, screenshots, "pays-off-dashboard-stakeholder")

    page.get_by_role("navigation", name="Cost and value").get_by_role(
        "link", name="Value & ROI"
    ).click()
    table = page.locator("main table").first
    expect(table).to_contain_text(GENERATOR)
    expect(table).to_contain_text(MEETINGS)
    expect(table).not_to_contain_text(TICKETS)  # Customer Support's, not hers

    page.get_by_role("link", name=GENERATOR).first.click()
    expect(page.get_by_test_id("system-title")).to_contain_text(GENERATOR)
    roi_before = page.get_by_test_id("roi").inner_text()
    form = page.get_by_test_id("value-form")
    form.get_by_label("Hours saved per use").fill("2.5")
    form.get_by_role("button", name="Save").click()
    expect(page.get_by_test_id("roi")).not_to_have_text(roi_before)
    shoot(page, screenshots, "pays-off-value-stakeholder")
    db = Database(demo.db_url)
    try:
        with db.reading() as session:
            model = session.execute(
                select(ValueModelRow)
                .join(SystemRow, SystemRow.id == ValueModelRow.system_id)
                .where(SystemRow.name == GENERATOR)
            ).scalar_one()
            assert model.hours_saved_per_use == 2.5 and model.declared_by == f"user:{STAKEHOLDER}"
    finally:
        db.dispose()

    page.get_by_role("navigation", name="Cost and value").get_by_role(
        "link", name="Budgets"
    ).click()
    row = page.locator("[data-testid=budgets] tr", has_text=GENERATOR).first
    expect(row.get_by_test_id("breach")).to_be_visible()
    row.get_by_role("link").first.click()
    expect(page.locator("main svg[role=img]").first).to_be_visible()  # the burn-down
    shoot(page, screenshots, "pays-off-budget-stakeholder")

    page.goto(f"{demo.url}/value/decisions")
    expect(page.get_by_test_id("decisions")).to_contain_text(MEETINGS)
    expect(page.get_by_test_id("decide-form")).to_have_count(0)  # she reads, she does not decide


def test_the_ops_manager_records_the_decisions_and_retirement_starts(
    page: Page, demo: LiveServer, screenshots: Path
) -> None:
    log_in(page, demo, OPS)
    page.goto(f"{demo.url}/value/advice")
    advice = page.locator("main")
    expect(advice).to_contain_text(COPILOT)
    expect(advice).to_contain_text("300")
    expect(advice).to_contain_text("40")
    shoot(page, screenshots, "pays-off-advice-ops")

    page.get_by_role("navigation", name="Cost and value").get_by_role(
        "link", name="Decisions"
    ).click()
    meetings = page.locator(f"tr[data-system='{MEETINGS}']")
    expect(meetings.get_by_test_id("recommended")).to_contain_text("retire")
    expect(meetings.get_by_test_id("recommended")).to_contain_text(TICKETS)

    def decide(system: str, decision: str, into: str | None = None) -> None:
        row = page.locator(f"tr[data-system='{system}']")
        row.get_by_label(f"Decision on {system}").select_option(decision)
        if into is not None:
            row.get_by_label(f"Consolidate {system} into").select_option(label=into)
        row.get_by_label("Note").fill(f"quarterly review: {decision}")
        row.get_by_role("button", name="Record").click()
        expect(
            page.locator(f"tr[data-system='{system}']").get_by_test_id("in-force")
        ).to_contain_text(decision)

    decide(MEETINGS, "consolidate", TICKETS)
    decide(REPORTS, "retire")
    decide(TICKETS, "scale")
    in_force = page.locator(f"tr[data-system='{MEETINGS}']").get_by_test_id("in-force")
    expect(in_force).to_contain_text(TICKETS)
    expect(in_force.get_by_role("link", name=re.compile("retirement"))).to_be_visible()
    shoot(page, screenshots, "pays-off-decisions-ops")

    in_force.get_by_role("link", name=re.compile("retirement")).click()
    expect(page.locator("main")).to_contain_text(re.compile("retirement", re.I))

    db = Database(demo.db_url)
    try:
        with db.reading() as session:
            decisions = {
                (name, d.decision, d.move_id is not None)
                for d, name in session.execute(
                    select(PortfolioDecisionRow, SystemRow.name).join(
                        SystemRow, SystemRow.id == PortfolioDecisionRow.system_id
                    )
                )
            }
            assert {(MEETINGS, "consolidate", True), (REPORTS, "retire", True)} <= decisions
            assert (TICKETS, "scale", False) in decisions
            audited = (
                session.execute(
                    select(AuditEventRow.action).where(AuditEventRow.actor == f"user:{OPS}")
                )
                .scalars()
                .all()
            )
            assert audited.count("portfolio.decided") >= 3, audited
    finally:
        db.dispose()
