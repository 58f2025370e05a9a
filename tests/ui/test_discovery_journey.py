"""Shadow AI, found and triaged in a real browser, as the demo's AI Operations Manager
(olivia.chen): she uploads a proxy's Squid log on the Scans page and sees its malformed line
counted, opens the findings it made, dismisses one with a reason, sanctions another, and
finds the overview's count of open unsanctioned use down by those two; the last, an
integration calling the OpenAI API, she registers as a system (the form prefilled), and the
overview has nothing left open."""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from aitower.core.demo.loader import FOUNDATION_CONTRIBUTORS
from browser_support import LiveServer, demo_live, log_in, shoot
from discovery.squid_sample import squid_log

pytestmark = pytest.mark.browser

OPS = "olivia.chen"


@pytest.fixture(scope="module")
def people_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    """The demo's units and people only: the journey makes every finding it reads."""
    with demo_live(tmp_path_factory.mktemp("discovery-live"), FOUNDATION_CONTRIBUTORS) as server:
        yield server


def _tile(page: Page, name: str) -> str:
    return page.get_by_test_id(f"tile-{name}").locator(".tile-value").inner_text()


def test_a_log_upload_to_triage_and_back_to_the_overview(
    page: Page, people_server: LiveServer, screenshots: Path, tmp_path: Path
) -> None:
    log_in(page, people_server, OPS)
    page.get_by_role("link", name="Discovery", exact=True).first.click()
    assert _tile(page, "open") == "0"
    page.locator("nav.subnav a[data-tab=scans]").click()
    log = tmp_path / "access.log"
    log.write_text(squid_log(datetime.now(UTC)), encoding="utf-8")
    form = page.get_by_test_id("log-form")
    form.locator("input[type=file]").set_input_files(str(log))
    form.get_by_label("Format").select_option("squid")
    form.get_by_label("Unit of users whose department names none").select_option(label="Marketing")
    form.get_by_role("button", name="Scan").click()
    expect(page.get_by_test_id("result-malformed")).to_have_text("1")
    expect(page.get_by_test_id("result-new")).to_have_text("3")
    expect(page.get_by_test_id("malformed-lines")).to_contain_text("this line is not squid")
    shoot(page, screenshots, "discovery-scan-result")

    page.get_by_role("link", name="See the new findings").click()
    expect(page.locator("tr[data-finding]")).to_have_count(3)
    page.locator("tr[data-service='chatgpt'] a").click()
    expect(page.get_by_test_id("risk")).to_contain_text("Risk")
    dismiss = page.get_by_test_id("dismiss-form")
    dismiss.get_by_role("button", name="Dismiss").click()  # no reason: refused, by the field
    expect(dismiss.locator(".field-error[data-field=reason]")).to_be_visible()
    expect(page.get_by_test_id("finding-status")).to_have_text("new")
    page.get_by_test_id("dismiss-form").get_by_label("Reason").fill("a one-off test by IT")
    page.get_by_test_id("dismiss-form").get_by_role("button", name="Dismiss").click()
    expect(page.get_by_test_id("notice")).to_have_text("The finding was dismissed.")
    expect(page.get_by_test_id("finding-status")).to_have_text("dismissed")

    page.locator("nav.subnav a[data-tab=findings]").click()
    page.locator("tr[data-service='claude-ai'] a").click()
    page.get_by_role("button", name="Sanction for Marketing").click()
    expect(page.get_by_test_id("notice")).to_contain_text("The service is sanctioned")
    shoot(page, screenshots, "discovery-finding-sanctioned")

    page.locator("nav.subnav a[data-tab=overview]").click()
    assert (_tile(page, "new"), _tile(page, "open"), _tile(page, "services")) == ("3", "1", "1")
    shoot(page, screenshots, "discovery-overview")
    page.get_by_test_id("tile-open").click()
    expect(page.locator("tr[data-finding]")).to_have_count(1)
    expect(page.locator("tr[data-finding]")).to_have_attribute("data-service", "openai-api")

    page.locator("tr[data-finding] a").first.click()
    register = page.get_by_test_id("register-form")
    expect(register.get_by_label("Name")).not_to_have_value("")  # prefilled from the finding
    register.get_by_label("Name").fill("Carol's OpenAI integration")
    expect(register.get_by_label("Unit")).to_have_value(re.compile(".+"))  # the log's unit
    register.get_by_label("Unit").select_option(label="IT")
    register.get_by_role("button", name="Register").click()
    expect(page).to_have_url(re.compile(r"/systems/[0-9a-f-]{36}\?notice=system-created$"))
    expect(page.get_by_role("heading", level=1)).to_contain_text("Carol's OpenAI integration")
    page.goto(f"{people_server.url}/discovery")
    assert (_tile(page, "open"), _tile(page, "services")) == ("0", "0")
    page.locator("nav.subnav a[data-tab=findings]").click()
    expect(page.locator("tr[data-service='openai-api']")).to_contain_text("registered")
    shoot(page, screenshots, "discovery-findings-triaged")
