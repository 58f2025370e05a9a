"""The journey "Something leaked" in a real browser, as the demo's security specialist.

A finding says customer IBANs and an API key appeared in the knowledge assistant's answers. On
a fresh demo (its traffic holds that leak on two days), sofia.novak searches the stored content
for "IBAN" and sees which traces, users and dates; the assistant's Security tab shows the IBAN
and token findings by day; she sets the IBAN to be hashed and the token dropped before storage,
routes the system's findings to review, and opens a risk from the IBAN finding in one click.
Traffic that arrives afterwards is stored redacted, is routed to her queue, and her verdict is
recorded. Every change she made is on the audit trail.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect
from sqlalchemy import func, select

from aitower.core.audit.tables import AuditEventRow
from aitower.core.db.base import utcnow
from aitower.core.db.engine import Database
from aitower.core.demo.loader import (
    FOUNDATION_CONTRIBUTORS,
)
from aitower.inventory.demo import add_demo_inventory
from aitower.inventory.tables import SystemRow
from aitower.review.routing import route_all
from aitower.risk.demo import add_demo_risk
from aitower.telemetry.demo import add_demo_traffic
from aitower.telemetry.finding_tables import ContentFindingRow
from aitower.telemetry.ingest import store_spans
from aitower.telemetry.tables import SpanRow
from browser_support import LiveServer, demo_live, log_in, shoot
from telemetry_search.data import chat_span

pytestmark = pytest.mark.browser
ASSISTANT = "Knowledge assistant"
NEW_IBAN = "DE89 3704 0044 0532 0130 00"


@pytest.fixture(scope="module")
def leak_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    """uvicorn on a fresh demo with its people, systems, risks and a small sample of its
    traffic (the leak episode is in it whatever the scale)."""
    contributors = [*FOUNDATION_CONTRIBUTORS, add_demo_inventory, add_demo_risk, add_demo_traffic]
    with demo_live(tmp_path_factory.mktemp("leak-live"), contributors, 0.01) as server:
        yield server


def _audited(db: Database, action: str) -> int:
    with db.reading() as session:
        return session.execute(
            select(func.count()).select_from(AuditEventRow).where(AuditEventRow.action == action)
        ).scalar_one()


def test_the_security_specialist_traces_and_contains_a_leak(
    page: Page, leak_server: LiveServer, screenshots: Path
) -> None:
    db = Database(leak_server.db_url)
    with db.reading() as session:
        system_id: uuid.UUID = session.execute(
            select(SystemRow.id).where(SystemRow.name == ASSISTANT)
        ).scalar_one()
    log_in(page, leak_server, "sofia.novak")

    # 1. She searches the stored answers for the leaked values: which traces, users, dates.
    page.goto(f"{leak_server.url}/monitoring/traces?system={system_id}")
    page.get_by_test_id("trace-filters").get_by_label("Content contains").fill("IBAN DE")
    page.get_by_test_id("trace-filters").get_by_role("button", name="Search").click()
    hits = page.get_by_test_id("content-hit")
    expect(hits.first).to_be_visible()
    assert hits.count() >= 9  # five traces on one afternoon, four on another
    expect(hits.first.locator("mark").first).to_contain_text("IBAN DE")
    hits.first.locator("a").first.click()
    expect(page.locator("mark").first).to_contain_text("IBAN DE")
    shoot(page, screenshots, "leak-search")

    # 2. The Security tab: the IBAN and token findings, on two days, with traces and users.
    page.goto(f"{leak_server.url}/systems/{system_id}/security")
    iban = page.get_by_test_id("finding-iban")
    expect(iban.get_by_test_id("finding-days").locator("tbody tr")).to_have_count(2)
    expect(iban.get_by_test_id("finding-traces").locator("tbody tr").first).to_be_visible()
    token = page.get_by_test_id("finding-secret.github_token")
    expect(token.get_by_test_id("finding-days").locator("tbody tr")).to_have_count(1)
    shoot(page, screenshots, "leak-security-tab")

    # 3. Redaction from now on: IBANs hashed (equal values still group), the token dropped.
    changes = _audited(db, "telemetry.content_settings_changed")
    form = page.get_by_test_id("content-settings-form")
    form.locator('select[name="redaction.iban"]').select_option("hash")
    form.locator('select[name="redaction.secret.github_token"]').select_option("drop")
    form.get_by_role("button", name="Save content settings").click()
    expect(page).to_have_url(f"{leak_server.url}/systems/{system_id}/security?notice=saved")
    expect(page.get_by_test_id("notice")).to_be_visible()
    expect(form.locator('select[name="redaction.iban"]')).to_have_value("hash")
    assert _audited(db, "telemetry.content_settings_changed") == changes + 1

    # 4. She routes the system's personal-data and secret findings to review.
    routing = page.get_by_test_id("review-routing-form")
    routing.get_by_test_id("route-enabled").check()
    routing.locator('input[name="finding_categories"][value="personal_data"]').check()
    routing.locator('input[name="finding_categories"][value="secret"]').check()
    routing.get_by_test_id("save-route").click()
    expect(page).to_have_url(f"{leak_server.url}/systems/{system_id}/security?notice=saved")
    expect(page.get_by_test_id("route-enabled")).to_be_checked()

    # 5. One click opens a risk that links the finding.
    risks = _audited(db, "risk.created")
    page.get_by_test_id("open-risk-iban").click()
    expect(page.get_by_test_id("risk-title")).to_contain_text("IBAN")
    expect(page.locator("main")).to_contain_text(f"/systems/{system_id}/security")
    assert _audited(db, "risk.created") == risks + 1
    shoot(page, screenshots, "leak-risk")

    # 6. The assistant leaks again: stored hashed, found, and routed to her queue.
    answer = f"Sent to IBAN {NEW_IBAN} as asked."
    again = chat_span("refund?", answer, system_id=system_id, start=utcnow() - timedelta(minutes=5))
    store_spans(db, [again])
    with db.reading() as session:
        stored = session.execute(
            select(SpanRow.content).where(SpanRow.trace_id == again.trace_id)
        ).scalar_one()
        found = session.execute(
            select(ContentFindingRow.finding_type, ContentFindingRow.action).where(
                ContentFindingRow.trace_id == again.trace_id
            )
        ).all()
    assert NEW_IBAN not in str(stored) and NEW_IBAN.replace(" ", "") not in str(stored)
    assert "[IBAN:" in str(stored)
    assert ("iban", "hash") in found
    assert route_all(db, utcnow()) >= 1
    page.goto(f"{leak_server.url}/review")
    item = page.locator('[data-testid="review-items"] tr[data-source="finding"]').first
    expect(item).to_contain_text("iban")
    item.locator("a").first.click()
    expect(page.get_by_test_id("review-findings")).to_contain_text("iban")
    page.get_by_test_id("verdict-form").locator('input[value="leak"]').check()
    page.get_by_test_id("verdict-form").locator("textarea").fill("Customer IBAN in an answer")
    page.get_by_test_id("give-verdict").click()
    expect(page.get_by_test_id("item-status")).to_contain_text("done")
    assert _audited(db, "review.verdict_given") == 1
    shoot(page, screenshots, "leak-review")
    db.dispose()
