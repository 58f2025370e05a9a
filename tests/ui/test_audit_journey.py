"""The audit journey in a real browser, on a fresh demo, as its auditor (aisha.karimi): from the
trail to the organisation as of today (systems with tier and stage, policy versions in force,
every approval with who gave it, the evidence), one system's record then, a day before the demo
existed, and the signed bundle downloaded and verified against the key the app serves."""

from __future__ import annotations

import sys
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from aitower.auditing.bundle import verify_bundle
from aitower.core.access.principal import system_principal
from aitower.core.audit.service import ChangeContext
from aitower.core.db.engine import Database
from aitower.core.db.migrate import upgrade
from aitower.core.demo.loader import FOUNDATION_CONTRIBUTORS, DemoPassword, load_demo
from aitower.governance.demo_approvals import CREDIT, add_demo_approvals
from aitower.governance.demo_policies import add_demo_policies
from aitower.inventory.demo import add_demo_inventory
from aitower.risk.demo import add_demo_risk
from browser_support import LiveServer, log_in, shoot
from servers import free_port, running
from support import PASSWORD, SECRET

pytestmark = pytest.mark.browser

AUDITOR = "aisha.karimi"


@pytest.fixture(scope="module")
def demo_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    """uvicorn on a fresh SQLite file holding the demo's people, systems, tiers, policies and
    approvals (no traffic history: the audit journey does not read it)."""
    home = tmp_path_factory.mktemp("audit-live")
    db_url = f"sqlite:///{home / 'aitower.db'}"
    db = Database(db_url)
    upgrade(db.engine)
    contributors = [
        *FOUNDATION_CONTRIBUTORS,
        add_demo_inventory,
        add_demo_risk,
        add_demo_policies,
        add_demo_approvals,
    ]
    ctx = ChangeContext(system_principal("demo"))
    assert load_demo(db, ctx, DemoPassword(PASSWORD, "stdin"), contributors=contributors)
    db.dispose()
    port = free_port()
    env = {
        "AITOWER_DATABASE_URL": db_url,
        "AITOWER_SECRET_KEY": SECRET,
        "AITOWER_DATA_DIR": str(home),
        "AITOWER_LOG_LEVEL": "warning",
        "AITOWER_ALERTS_INTERVAL_SECONDS": "0",
    }
    command = [sys.executable, "-m", "uvicorn", "aitower.asgi:app",
               "--host", "127.0.0.1", "--port", str(port), "--log-level", "warning"]  # fmt: skip
    with running(command, env, port, cwd=home, timeout=30) as url:
        yield LiveServer(url, db_url)


def test_the_auditor_sees_the_organisation_as_of_a_date_and_takes_a_signed_bundle(
    page: Page, demo_server: LiveServer, screenshots: Path, tmp_path: Path
) -> None:
    log_in(page, demo_server, AUDITOR)
    page.get_by_role("link", name="Audit", exact=True).first.click()
    expect(page.get_by_test_id("verify")).to_contain_text("Chain verified")
    page.get_by_role("link", name="As of a date").click()

    # Today: every demo system, the credit model high-risk, policies, decisions, evidence.
    credit = page.locator(f'tr[data-system="{CREDIT}"]')
    expect(credit.locator('[data-field="tier"]')).to_have_text("high")
    expect(page.get_by_test_id("policies").locator("tbody tr").first).to_be_visible()
    decisions = page.get_by_test_id("decisions")
    expect(decisions).to_contain_text("user:gabriel.okafor")
    expect(decisions).to_contain_text("governance")
    expect(page.get_by_test_id("evidence")).to_contain_text("impact assessment", ignore_case=True)
    shoot(page, screenshots, "audit-as-of-today")

    # The credit model's record as it stood.
    credit.get_by_role("link", name=CREDIT).click()
    expect(page.get_by_test_id("facts").locator('[data-field="tier"]')).to_contain_text("high")
    expect(page.get_by_test_id("attributes")).to_contain_text("purpose")
    expect(page.get_by_test_id("decisions")).to_contain_text("reject")
    page.go_back()

    # The day before the demo existed: nothing yet.
    yesterday = (datetime.now(UTC) - timedelta(days=1)).date().isoformat()
    page.get_by_test_id("at").fill(yesterday)
    page.get_by_role("button", name="Show").click()
    expect(page.get_by_test_id("systems")).to_contain_text("No AI system was registered by then.")
    expect(page.get_by_test_id("decisions")).to_contain_text("No decision by then.")

    # The bundle: downloaded, verified against the key the app serves, fingerprint as shown.
    page.get_by_test_id("at").fill(datetime.now(UTC).date().isoformat())
    page.get_by_role("button", name="Show").click()
    shown = page.get_by_test_id("key-sha256").inner_text().removeprefix("sha256:")
    with page.expect_download() as info:
        page.get_by_test_id("bundle").click()
    bundle = tmp_path / info.value.suggested_filename
    info.value.save_as(bundle)
    key = page.request.get(f"{demo_server.url}/api/v1/audit/signing-key")
    assert key.ok
    report = verify_bundle(bundle.read_bytes(), pinned_key=key.body())
    assert report.ok, report.problems
    assert report.key_sha256 == shown
    assert report.manifest["created_by"] == f"user:{AUDITOR}"

    # Read-only: nothing on the page posts anything (the shell keeps its logout form).
    assert page.locator("main form[method=post]").count() == 0
