"""Generated documents in a real browser: a governance specialist opens a system's Documents
tab, previews the system card, generates it with its PDF, sees the version with its digest
and downloads the PDF; the page keeps its Content-Security-Policy (the fixture checks)."""

from __future__ import annotations

import hashlib
import uuid
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from aitower.core.access import service as access
from aitower.core.access.roles import Role
from aitower.core.db.engine import Database
from browser_support import LiveServer, log_in, shoot
from support import make_user
from support_inventory import make_system

pytestmark = pytest.mark.browser


def test_a_system_card_is_previewed_generated_and_downloaded(
    page: Page, live_server: LiveServer, screenshots: Path
) -> None:
    tag = uuid.uuid4().hex[:6]
    db = Database(live_server.db_url)
    gov = make_user(db, Role.governance, username=f"gov-docs-{tag}")
    with db.reading() as session:
        finance = access.get_unit(session, "finance").id
    name = f"Loan scorer {tag}"
    system_id = make_system(db, finance, name, kind="ml_model", risk_tier="high")
    db.dispose()
    log_in(page, live_server, gov)
    page.goto(f"{live_server.url}/systems/{system_id}")
    page.locator('a[data-tab="documents"]').click()
    expect(page.get_by_test_id("no-versions")).to_be_visible()
    page.get_by_role("link", name="System card").click()
    preview = page.get_by_test_id("document-preview")
    expect(preview).to_contain_text(f"System card: {name}")
    expect(preview).to_contain_text("not recorded in aitower")
    shoot(page, screenshots, "documents-preview")
    page.get_by_role("button", name="Generate and keep (Markdown, HTML, PDF)").click()
    expect(page.get_by_test_id("notice")).to_contain_text("generated and kept")
    row = page.locator('tr[data-version="system-card-v1"]')
    digest = row.locator("code.digest").inner_text()
    assert len(digest) == 64
    shoot(page, screenshots, "documents-tab")
    with page.expect_download() as caught:
        row.get_by_role("link", name="pdf").click()
    saved = Path(caught.value.path())
    assert saved.read_bytes().startswith(b"%PDF-")
    assert caught.value.suggested_filename == f"loan-scorer-{tag}-system-card-v1.pdf"
    with page.expect_download() as markdown:
        row.get_by_role("link", name="md").click()
    assert hashlib.sha256(Path(markdown.value.path()).read_bytes()).hexdigest() == digest
