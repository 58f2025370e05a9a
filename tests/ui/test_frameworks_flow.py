"""Frameworks in a real browser: an auditor finds the NIST AI RMF tree with its counts, follows
an item's crosswalk to ISO/IEC 42001, and from an EU AI Act article to both frameworks."""

from __future__ import annotations

import uuid
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from aitower.core.access.roles import Role
from aitower.core.db.engine import Database
from browser_support import LiveServer, log_in, shoot
from support import make_user

pytestmark = pytest.mark.browser


def test_an_auditor_walks_from_a_subcategory_to_its_controls_and_articles(
    page: Page, live_server: LiveServer, screenshots: Path
) -> None:
    db = Database(live_server.db_url)
    auditor = make_user(db, Role.auditor, username=f"aud-{uuid.uuid4().hex[:6]}")
    db.dispose()
    log_in(page, live_server, auditor)
    page.goto(f"{live_server.url}/governance")
    page.get_by_role("link", name="Frameworks", exact=True).click()
    expect(page.get_by_test_id("frameworks")).to_contain_text("72 subcategories")
    page.get_by_role("link", name="nist-ai-rmf-1.0").click()
    expect(page.get_by_test_id("framework-counts")).to_contain_text("72")
    page.locator('li[data-item="GOVERN 1.7"] > a[data-testid="crosswalk-link"]').click()
    related = page.get_by_test_id("crosswalk-related")
    expect(related).to_contain_text("A.6.2.6")
    expect(related).to_contain_text("AI system operation and monitoring")
    shoot(page, screenshots, "frameworks-crosswalk-govern-1-7")
    page.get_by_test_id("crosswalk-item").fill("Art. 14")
    page.get_by_role("button", name="Show").click()
    expect(related).to_contain_text("MAP 3.5")
    expect(related).to_contain_text("A.9.3")
