"""The governance journey in a real browser, as four people: a policy is tightened, an engineer's
move to deployment is blocked with its reasons, the missing plan is attached, two approvers
approve, the move completes, and the audit page shows every step."""

from __future__ import annotations

import re
import uuid
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from aitower.core.access.principal import cli_principal
from aitower.core.access.roles import Role
from aitower.core.audit.service import ChangeContext
from aitower.core.db.engine import Database
from aitower.governance import policy_service
from browser_support import ADMIN, LiveServer, log_in, shoot
from support import make_user
from support_inventory import make_system

pytestmark = pytest.mark.browser

POLICY = """key: {key}
name: Credit models need an oversight plan
description: High-risk systems keep a human in control (EU AI Act Art. 14).
applies_to:
  tiers: [high]
  units: [Finance]
gates: [deployment]
requirements:
  - document: human_oversight_plan
  - approval: {{role: ops_manager, count: 1}}
"""
# What the governance specialist adds in the editor: their own sign-off.
TIGHTENED = POLICY.rstrip("\n") + "\n  - approval: {{role: governance, count: 1}}\n"


def _as(page: Page, server: LiveServer, username: str) -> None:
    page.context.clear_cookies()
    log_in(page, server, username)


def test_a_blocked_move_completes_after_the_plan_and_two_approvals(
    page: Page, live_server: LiveServer, screenshots: Path
) -> None:
    tag = uuid.uuid4().hex[:6]
    key = f"credit-oversight-{tag}"
    db = Database(live_server.db_url)
    gov = make_user(db, Role.governance, username=f"gov-{tag}")
    eng = make_user(db, Role.engineer, username=f"eng-{tag}")
    ops = make_user(db, Role.ops_manager, username=f"ops-{tag}")
    with db.reading() as session:
        from aitower.core.access import service as access

        finance = access.get_unit(session, "finance").id
    system_id = make_system(db, finance, f"Credit scoring {tag}", kind="ml_model", risk_tier="high")
    with db.writing() as session:
        policy_service.create_policy(
            session, ChangeContext(cli_principal("test")), POLICY.format(key=key)
        )
    db.dispose()

    # 1. The governance specialist tightens the policy in the editor: preview, then save.
    _as(page, live_server, gov)
    page.goto(f"{live_server.url}/governance/policies/{key}/edit")
    page.get_by_test_id("policy-source").fill(TIGHTENED.format(key=key))
    page.get_by_test_id("policy-preview").click()
    expect(page.get_by_test_id("policy-valid")).to_be_visible()
    expect(page.get_by_test_id("preview-systems")).to_contain_text(f"Credit scoring {tag}")
    page.get_by_label("Comment for this version").fill("governance signs off too")
    page.get_by_test_id("policy-save").click()
    expect(page.get_by_test_id("notice")).to_be_visible()
    expect(page.locator("body")).to_contain_text("governance signs off too")
    shoot(page, screenshots, "policy-saved")

    # 2. The engineer asks for deployment and is told exactly why not.
    _as(page, live_server, eng)
    page.goto(f"{live_server.url}/systems/{system_id}/governance")
    page.get_by_test_id("move-target").select_option("deployment")
    page.get_by_test_id("move-reason").fill("Model validated; ready for production")
    page.get_by_test_id("move-submit").click()
    open_request = page.get_by_test_id("open-request")
    expect(open_request.get_by_test_id("gate-verdict")).to_have_text("block")
    expect(open_request).to_contain_text("human-oversight plan")
    expect(open_request.get_by_test_id("approval-need")).to_have_count(2)
    expect(page.get_by_test_id("system-stage")).to_have_text("development")
    shoot(page, screenshots, "move-blocked")
    href = open_request.locator("a[href^='/approvals/']").first.get_attribute("href")
    assert href is not None
    request_url = f"{live_server.url}{href}"

    # 3. The engineer attaches the missing plan: still waiting for the two approvals.
    # the attach form is open on what the gate lacks
    expect(page.get_by_test_id("evidence-kind")).to_have_value("human_oversight_plan")
    page.get_by_test_id("evidence-title").fill("Human oversight plan v1")
    page.get_by_test_id("evidence-uri").fill("https://dms.example.com/credit/oversight-v1")
    page.get_by_test_id("evidence-submit").click()
    expect(page.get_by_test_id("evidence")).to_contain_text("Human oversight plan v1")
    expect(page.get_by_test_id("request-status").first).to_have_text("pending")

    # 4. Governance approves from the inbox; ops approves; the move completes.
    _as(page, live_server, gov)
    page.goto(f"{live_server.url}/approvals")
    expect(page.get_by_test_id("actionable")).to_contain_text(f"Credit scoring {tag}")
    page.get_by_test_id("actionable").locator(f"a[href='{href}']").first.click()
    page.get_by_test_id("decision-reason").fill("Oversight plan reviewed")
    page.get_by_test_id("approve").click()
    expect(page.get_by_test_id("request-status").first).to_have_text("pending")
    expect(page.get_by_test_id("decision")).to_have_count(1)

    _as(page, live_server, ops)
    page.goto(request_url)
    page.get_by_test_id("approve").click()
    expect(page.get_by_test_id("request-status").first).to_have_text("completed")
    shoot(page, screenshots, "move-completed")
    page.goto(f"{live_server.url}/systems/{system_id}")
    expect(page.get_by_test_id("system-stage")).to_have_text("deployment")

    # 5. The audit page shows each step, in order, by the people who took it.
    _as(page, live_server, ADMIN)
    page.goto(f"{live_server.url}/audit?object_id={system_id}")
    rows = page.get_by_test_id("audit-events").locator("tbody tr[data-seq]")
    expect(rows.filter(has_text="lifecycle.moved")).to_have_count(1)
    expect(rows.filter(has_text="evidence.attached")).to_have_count(1)
    page.goto(f"{live_server.url}/audit?actor=user:{gov}")
    expect(rows.filter(has_text="policy.updated")).to_have_count(1)
    expect(rows.filter(has_text="approval.decided")).to_have_count(1)
    page.goto(f"{live_server.url}/audit?action=approval.decided")
    expect(rows.filter(has_text=f"user:{ops}")).to_have_count(1)
    page.goto(f"{live_server.url}/audit?actor=user:{eng}")
    actions = rows.locator("td:nth-child(4)").all_inner_texts()
    steps = [a.strip() for a in actions if not a.startswith("auth.")]
    assert steps == ["evidence.attached", "approval.requested"]  # newest first
    shoot(page, screenshots, "audit-governance")


def test_inventory_and_governance_pages_render_within_the_policy(
    page: Page, live_server: LiveServer, screenshots: Path
) -> None:
    """Every page of the new sections opens for the admin, under the CSP, and is captured."""
    log_in(page, live_server, ADMIN)
    for path, name in (
        ("/systems", "inventory"),
        ("/vendors", "vendors"),
        ("/systems/import", "import"),
        ("/governance", "governance"),
        ("/governance/policies", "policies"),
        ("/approvals", "approvals"),
        ("/risk", "risk"),
    ):
        answer = page.goto(f"{live_server.url}{path}")
        assert answer is not None and answer.status == 200, path
        expect(page.get_by_role("heading", level=1)).not_to_have_text(re.compile("Error"))
        shoot(page, screenshots, name)
