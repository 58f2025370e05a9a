"""The executive dashboard and the reports page in a real Chromium, on a demo organisation:
the stakeholder (Marketing) sees her units' cost and value, follows every link on the page
without meeting a 403, and subscribes her unit to the weekly report; the ops manager sees the
whole portfolio and downloads the PDF. No page breaks its Content-Security-Policy (the charts
carry their colours as SVG attributes, never inline styles)."""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import pytest
from playwright.sync_api import ConsoleMessage, Page, expect, sync_playwright
from sqlalchemy.orm import Session

from aitower.core.audit.service import ChangeContext
from aitower.core.db.base import utcnow
from aitower.core.demo.loader import FOUNDATION_CONTRIBUTORS
from aitower.core.demo.organisation import DemoOrganisation
from aitower.inventory.demo import add_demo_inventory
from aitower.inventory.service import visible_systems
from aitower.portfolio.demo_reports import add_demo_reports
from aitower.portfolio.tables import ValueModelRow
from aitower.risk.demo import add_demo_risk
from aitower.spend.tables import SpendRecordRow
from browser_support import LiveServer, demo_live, log_in, missing

pytestmark = pytest.mark.browser
CHROMIUM = Path(os.environ.get("AITOWER_CHROMIUM", "/usr/bin/chromium"))
STAKEHOLDER, OPS = "sam.taylor", "olivia.chen"


def add_some_spend(session: Session, ctx: ChangeContext, demo: DemoOrganisation) -> None:
    """Two months of cloud cost and a value model for every demo system (the spend and value
    slices' own demo is built elsewhere; this keeps the test to this part)."""
    del demo
    today = utcnow().date()
    for i, system in enumerate(visible_systems(session, ctx.principal)):
        for back in (1, 40):
            day = today - timedelta(days=back)
            session.add(
                SpendRecordRow(
                    id=uuid.uuid4(), source="cloud", day_start=day, day_end=day + timedelta(days=1),
                    amount=100.0 + i, billed_amount=100.0 + i, system_id=system.id, vendor="AWS",
                )
            )  # fmt: skip
        session.add(
            ValueModelRow(system_id=system.id, revenue_per_month=50.0 * i, declared_by="demo")
        )


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    contributors = [
        *FOUNDATION_CONTRIBUTORS, add_demo_inventory, add_demo_risk, add_some_spend,
        add_demo_reports,
    ]  # fmt: skip
    with demo_live(tmp_path_factory.mktemp("reports-live"), contributors) as live:
        yield live


@pytest.fixture
def page() -> Iterator[Page]:
    if not CHROMIUM.exists():
        missing(f"no Chromium at {CHROMIUM}")
    console: list[str] = []
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=str(CHROMIUM), headless=True, args=["--no-sandbox", "--disable-gpu"]
        )
        context = browser.new_context(
            viewport={"width": 1280, "height": 900}, accept_downloads=True
        )
        context.set_default_timeout(15_000)
        tab = context.new_page()

        def on_console(message: ConsoleMessage) -> None:
            console.append(message.text)

        tab.on("console", on_console)
        yield tab
        context.close()
        browser.close()
    assert [m for m in console if "Content Security Policy" in m] == []


def test_the_stakeholder_sees_her_units_and_meets_no_403(page: Page, server: LiveServer) -> None:
    log_in(page, server, STAKEHOLDER)
    page.goto(f"{server.url}/value")
    expect(page.get_by_role("heading", name="Which AI pays off")).to_be_visible()
    assert page.locator('[data-testid="report-charts"] svg').count() == 8
    rows = page.locator('[data-testid="report-systems"] tbody tr')
    assert rows.count() >= 1
    expect(page.get_by_text("Cost no system claims")).to_have_count(0)
    hrefs = {
        a.get_attribute("href") or ""
        for a in page.locator("main a").all()
        if (a.get_attribute("href") or "").startswith("/")
    }
    for href in sorted(hrefs):
        answer = page.request.get(f"{server.url}{href}")
        assert answer.status != 403, f"{href} is a link she cannot follow"
    page.goto(f"{server.url}/value/reports")
    expect(page.get_by_test_id("subscriptions")).to_contain_text("Weekly report: Marketing")
    form = page.get_by_test_id("add-subscription")
    form.get_by_label("Name").fill("My team's week")
    form.get_by_label("Every").select_option("weekly")
    form.get_by_label("Recipients").fill("sam.taylor@example.com")
    form.get_by_role("button", name="Add").click()
    expect(page.get_by_test_id("notice")).to_be_visible()
    expect(page.get_by_test_id("subscriptions")).to_contain_text("My team's week")
    expect(page.get_by_test_id("subscriptions")).not_to_contain_text("Monthly AI portfolio report")


def test_the_ops_manager_downloads_the_pdf(page: Page, server: LiveServer, tmp_path: Path) -> None:
    log_in(page, server, OPS)
    page.goto(f"{server.url}/value")
    expect(page.get_by_test_id("tile-period-cost")).to_be_visible()
    page.screenshot(path=str(tmp_path / "value.png"), full_page=True)
    page.goto(f"{server.url}/value/reports")
    expect(page.get_by_test_id("subscriptions")).to_contain_text("Monthly AI portfolio report")
    with page.expect_download() as download:
        page.get_by_test_id("download-report").click()
    path = tmp_path / "report.pdf"
    download.value.save_as(path)
    assert path.read_bytes().startswith(b"%PDF")
    if os.environ.get("AITOWER_REPORTS_SHOTS"):
        page.goto(f"{server.url}/value")
        page.screenshot(path=os.environ["AITOWER_REPORTS_SHOTS"], full_page=True)
