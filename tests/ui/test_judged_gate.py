"""One verdict per move, judged on the evidence (#15), in a real browser.

The engineer links the credit model's failing fairness monitor as its bias evaluation: the
system page and the request page both block, with the monitor's figures. The model is fixed
and the monitor's newest result passes: both pages pass, and no preview of the same move can
read otherwise beside the request. "Check the gate again" completes the move.
"""

from __future__ import annotations

import uuid
from datetime import timedelta
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from aitower.core.access import service as access
from aitower.core.access.principal import cli_principal
from aitower.core.access.roles import Role
from aitower.core.audit.service import ChangeContext
from aitower.core.db.base import utcnow
from aitower.core.db.engine import Database
from aitower.governance import policy_service
from aitower.model_monitors import monitors, references
from aitower.model_monitors.running import run_now
from aitower.model_monitors.spec import MonitorSpec, Schedule
from aitower.model_monitors.store import StoredPredictions
from browser_support import LiveServer, log_in, shoot
from model_monitors.support import log_window, make_model
from model_monitors.windows import binary_window
from support import make_user
from support_inventory import make_system

pytestmark = pytest.mark.browser
DAY = timedelta(days=1)
POLICY = """key: {key}
name: Credit models need a passing bias evaluation
applies_to: {{tiers: [high], units: ["{unit}"]}}
gates: [deployment]
requirements:
  - document: bias_evaluation
"""


def test_the_request_and_the_system_page_agree_on_a_judged_bias_evaluation(
    page: Page, live_server: LiveServer, screenshots: Path
) -> None:
    tag = uuid.uuid4().hex[:6]
    ctx = ChangeContext(cli_principal("test"))
    db = Database(live_server.db_url)
    with db.writing() as session:
        unit = access.create_unit(session, ctx, f"Lending {tag}")
        policy_service.create_policy(session, ctx, POLICY.format(key=f"bias-{tag}", unit=unit.name))
    eng = make_user(db, Role.engineer, units=(unit.slug,), username=f"eng-{tag}")
    system_id = make_system(db, unit.id, f"Credit scoring {tag}", kind="ml_model", risk_tier="high")
    model = make_model(db, system_id, "credit")
    start = utcnow().replace(minute=0, second=0, microsecond=0) - 3 * DAY
    log_window(db, model, binary_window(3000, seed=1, start=start), prefix="r")
    log_window(db, model, binary_window(3000, seed=2, bias=0.6, start=start + DAY), prefix="b")
    store = StoredPredictions()
    spec = MonitorSpec("credit fairness", Schedule.daily, window_hours=24, sensitive=("gender",))
    with db.writing() as session:
        ref = references.create_from_window(
            session, ctx, store, model.id, "reference", start, start + timedelta(hours=1)
        )
        monitor_id = monitors.create_monitor(session, ctx, store, model.id, ref.id, spec).id
    assert run_now(db, monitor_id, start + DAY + timedelta(hours=2)).status == "alert"

    # The engineer asks for deployment, then links the failing monitor as the bias evaluation.
    log_in(page, live_server, eng)
    page.goto(f"{live_server.url}/systems/{system_id}/governance")
    page.get_by_test_id("move-target").select_option("deployment")
    page.get_by_test_id("move-reason").fill("Validated on the holdout set")
    page.get_by_test_id("move-submit").click()
    open_request = page.get_by_test_id("open-request")
    expect(open_request.get_by_test_id("gate-verdict")).to_have_text("block")
    expect(open_request).to_contain_text("link a fairness monitor")
    expect(page.get_by_test_id("evidence-kind")).to_have_value("bias_evaluation")
    page.get_by_test_id("evidence-live").select_option(f"model_monitor:{monitor_id}")
    page.get_by_test_id("evidence-submit").click()
    expect(page.get_by_test_id("evidence-judgement")).to_contain_text("fails")
    expect(open_request.get_by_test_id("gate-verdict")).to_have_text("block")
    expect(open_request).to_contain_text("monitor 'credit fairness' fails")
    # No preview of the same move beside the request.
    expect(page.locator("details.gate-preview[data-target='deployment']")).to_have_count(0)
    shoot(page, screenshots, "judged-gate-blocked")
    href = open_request.locator("a[href^='/approvals/']").first.get_attribute("href")
    page.goto(f"{live_server.url}{href}")
    expect(page.get_by_test_id("gate-verdict")).to_have_text("block")
    expect(page.locator("body")).to_contain_text("monitor 'credit fairness' fails")

    # The model is fixed: the monitor's newest result meets the four-fifths rule.
    log_window(db, model, binary_window(3000, seed=3, start=start + 2 * DAY), prefix="f")
    assert run_now(db, monitor_id, start + 2 * DAY + timedelta(hours=2)).status == "ok"
    db.dispose()
    page.goto(f"{live_server.url}/systems/{system_id}/governance")
    expect(open_request.get_by_test_id("gate-verdict")).to_have_text("pass")
    expect(open_request).to_contain_text("proven by monitor 'credit fairness'")
    expect(page.get_by_test_id("evidence-judgement")).to_contain_text("passes")
    page.goto(f"{live_server.url}{href}")
    expect(page.get_by_test_id("gate-verdict")).to_have_text("pass")
    shoot(page, screenshots, "judged-gate-passes")
    page.get_by_test_id("retry").click()
    expect(page.get_by_test_id("request-status").first).to_have_text("completed")
    page.goto(f"{live_server.url}/systems/{system_id}")
    expect(page.get_by_test_id("system-stage")).to_have_text("deployment")
