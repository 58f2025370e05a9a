"""The journey "Getting a high-risk system to production" in a real browser, on a fresh demo.

The demo's credit model waits for deployment: high risk, governance has approved, but the gate
blocks on the human-oversight plan, the technical documentation and a bias evaluation. The
engineer (ethan.ramirez) attaches the plan and the documentation; a document does not pass
for a bias evaluation, so he links the model's fairness monitor, which the gate judges. The
ops manager (olivia.chen) approves; the vendor's missing DPA still blocks until she records
it signed, upon which the request and the system page agree the gate passes (with a warning),
and the move completes; the system card is generated with
the facts of the journey in it, and the compliance gaps show the oversight duty met.
"""

from __future__ import annotations

import uuid
from datetime import timedelta
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect
from sqlalchemy import select

from aitower.core.access.principal import system_principal
from aitower.core.audit.service import ChangeContext
from aitower.core.db.base import utcnow
from aitower.core.db.engine import Database
from aitower.governance.demo_approvals import CREDIT
from aitower.inventory.tables import SystemRow, VendorRow
from aitower.model_monitors import monitors, references
from aitower.model_monitors.running import run_now
from aitower.model_monitors.spec import MonitorSpec, Schedule
from aitower.model_monitors.store import StoredPredictions
from browser_support import LiveServer, log_in, shoot
from model_monitors.support import log_window, make_model
from model_monitors.windows import binary_window

pytestmark = pytest.mark.browser
DAY = timedelta(days=1)


def _fair_monitor(db: Database, system_id: uuid.UUID) -> uuid.UUID:
    """What the model performance analyst set up: the model's predictions logged, a fairness
    monitor on gender, and its newest run (yesterday's window) within the four-fifths rule."""
    ctx = ChangeContext(system_principal("analyst"))
    model = make_model(db, system_id, "credit-score")
    start = utcnow().replace(minute=0, second=0, microsecond=0) - 3 * DAY
    log_window(db, model, binary_window(3000, seed=1, start=start), prefix="r")
    log_window(db, model, binary_window(3000, seed=3, start=start + 2 * DAY), prefix="f")
    store = StoredPredictions()
    spec = MonitorSpec("credit fairness", Schedule.daily, window_hours=24, sensitive=("gender",))
    with db.writing() as session:
        ref = references.create_from_window(
            session, ctx, store, model.id, "reference", start, start + timedelta(hours=1)
        )
        monitor_id = monitors.create_monitor(session, ctx, store, model.id, ref.id, spec).id
    assert run_now(db, monitor_id, start + 2 * DAY + timedelta(hours=2)).status == "ok"
    return monitor_id


def _as(page: Page, server: LiveServer, username: str) -> None:
    page.context.clear_cookies()
    log_in(page, server, username)


def test_the_credit_model_goes_to_production_on_judged_evidence(
    page: Page, demo_server: LiveServer, screenshots: Path
) -> None:
    db = Database(demo_server.db_url)
    with db.reading() as session:
        system_id = session.execute(
            select(SystemRow.id).where(SystemRow.name == CREDIT)
        ).scalar_one()
        vendor_id = session.execute(
            select(VendorRow.id).where(VendorRow.name == "Northwind Analytics")
        ).scalar_one()
    monitor_id = _fair_monitor(db, system_id)
    db.dispose()
    governance_tab = f"{demo_server.url}/systems/{system_id}/governance"

    # 1. The engineer finds the move blocked, and exactly why.
    _as(page, demo_server, "ethan.ramirez")
    page.goto(governance_tab)
    open_request = page.get_by_test_id("open-request")
    expect(open_request.get_by_test_id("gate-verdict")).to_have_text("block")
    expect(open_request).to_contain_text("human-oversight plan; none is attached")
    expect(open_request).to_contain_text("bias evaluation that aitower can check")
    shoot(page, screenshots, "journey-blocked")

    # 2. He attaches the oversight plan and the technical documentation.
    for kind, title in (
        ("human_oversight_plan", "Credit scoring human oversight plan v1"),
        ("technical_documentation", "Credit scoring technical documentation v1"),
    ):
        page.get_by_test_id("evidence-kind").select_option(kind)
        page.get_by_test_id("evidence-title").fill(title)
        page.get_by_test_id("evidence-uri").fill(f"https://docs.example.com/credit/{kind}.pdf")
        page.get_by_test_id("evidence-submit").click()
        expect(page.get_by_test_id("evidence")).to_contain_text(title)

    # 3. A bias evaluation is a result aitower judges: he links the fairness monitor.
    page.get_by_test_id("evidence-kind").select_option("bias_evaluation")
    page.get_by_test_id("evidence-live").select_option(f"model_monitor:{monitor_id}")
    page.get_by_test_id("evidence-submit").click()
    expect(page.get_by_test_id("evidence-judgement").first).to_contain_text("passes")
    expect(open_request).to_contain_text("proven by monitor 'credit fairness'")
    expect(open_request.get_by_test_id("approval-need")).to_have_count(2)
    shoot(page, screenshots, "journey-evidence-judged")
    href = open_request.locator("a[href^='/approvals/']").first.get_attribute("href")

    # 4. Governance approved earlier; the ops manager approves. One thing still blocks: the
    # vendor's data-processing agreement, which she has had signed and now records.
    _as(page, demo_server, "olivia.chen")
    page.goto(f"{demo_server.url}{href}")
    expect(page.get_by_test_id("decision")).to_have_count(1)  # gabriel.okafor's approval
    page.get_by_test_id("decision-reason").fill("Oversight plan and fairness monitor reviewed")
    page.get_by_test_id("approve").click()
    expect(page.get_by_test_id("request-status").first).to_have_text("pending")
    blocking = page.locator('[data-testid="gate-finding"][data-outcome="block"]')
    expect(blocking).to_have_count(1)
    expect(blocking).to_contain_text("has no signed DPA")
    page.goto(f"{demo_server.url}/vendors/{vendor_id}/edit")
    page.locator('input[name="dpa_signed"]').check()
    page.get_by_test_id("vendor-form").get_by_role("button", name="Save").click()
    # One verdict for the move: the request page and the system page both pass now.
    page.goto(f"{demo_server.url}{href}")
    expect(page.get_by_test_id("gate-verdict")).to_have_text("warn")
    page.goto(governance_tab)
    expect(open_request.get_by_test_id("gate-verdict")).to_have_text("warn")
    page.goto(f"{demo_server.url}{href}")
    page.get_by_test_id("retry").click()
    expect(page.get_by_test_id("request-status").first).to_have_text("completed")
    page.goto(f"{demo_server.url}/systems/{system_id}")
    expect(page.get_by_test_id("system-stage")).to_have_text("deployment")

    # 5. The system card is ready for the regulator, with what the journey established.
    _as(page, demo_server, "ethan.ramirez")
    page.goto(f"{demo_server.url}/systems/{system_id}/documents")
    page.get_by_test_id("generate-system-card").click()
    expect(page.get_by_test_id("document-versions")).to_contain_text("1")
    page.goto(f"{demo_server.url}/systems/{system_id}/documents/system-card")
    expect(page.locator("body")).to_contain_text("Credit scoring human oversight plan v1")
    expect(page.locator("body")).to_contain_text("credit fairness")
    shoot(page, screenshots, "journey-system-card")

    # 6. The compliance gaps show the oversight duty met.
    page.goto(f"{demo_server.url}/governance/gaps?system={system_id}")
    oversight = page.locator('tr[data-testid="gap-row"][data-article="Art. 14"]')
    expect(oversight).to_have_attribute("data-status", "met")
    shoot(page, screenshots, "journey-gaps")
