"""The audit journey in a real browser, on a fresh demo, as its auditor (aisha.karimi): from the
trail to the organisation as of today (systems with tier and stage, policy versions in force,
every approval with who gave it, the evidence), one system's record then, a day before the demo
existed, and the signed bundle downloaded and verified against the key the app serves."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from aitower.auditing.bundle import verify_bundle
from aitower.governance.demo_approvals import CREDIT
from browser_support import LiveServer, log_in, shoot

pytestmark = pytest.mark.browser

AUDITOR = "aisha.karimi"


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
