"""Real browser, real server: what two roles see and do, escaping, CSP, and screenshots.

Screenshots of every main page land in ``test-artifacts/screenshots/`` for people to look at.
"""

from __future__ import annotations

import re
import uuid
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from browser_support import ADMIN, STAKEHOLDER, LiveServer, Watch, log_in, shoot
from support import PASSWORD

pytestmark = pytest.mark.browser
XSS = "<script>alert(1)</script>"


def test_admin_sees_audit_and_admin_in_the_navigation(
    page: Page, live_server: LiveServer, screenshots: Path
) -> None:
    log_in(page, live_server, ADMIN)
    nav = page.get_by_role("navigation", name="Main")
    expect(nav.get_by_role("link", name="Audit")).to_have_attribute("href", "/audit")
    expect(nav.get_by_role("link", name="Admin")).to_have_attribute("href", "/admin")
    expect(nav.get_by_role("link", name="Overview")).to_have_class("active")
    charts = page.get_by_test_id("overview-charts").locator("svg[role=img]")
    expect(charts).to_have_count(2)
    expect(charts.first).to_have_attribute("aria-label", re.compile(r"^Audit events per day"))
    shoot(page, screenshots, "overview-admin")


def test_stakeholder_sees_neither_and_is_refused_the_admin_pages(
    page: Page, live_server: LiveServer, screenshots: Path
) -> None:
    log_in(page, live_server, STAKEHOLDER)
    nav = page.get_by_role("navigation", name="Main")
    expect(nav.get_by_role("link", name="Overview")).to_be_visible()
    expect(nav.get_by_role("link", name="Audit")).to_have_count(0)
    expect(nav.get_by_role("link", name="Admin")).to_have_count(0)
    expect(nav.locator("[data-nav=audit], [data-nav=admin]")).to_have_count(0)
    expect(page.get_by_test_id("overview-charts")).to_have_count(0)
    shoot(page, screenshots, "overview-stakeholder")
    for path in ("/admin/users", "/audit"):
        answer = page.goto(f"{live_server.url}{path}")
        assert answer is not None and answer.status == 403, path
        expect(page.get_by_role("heading", level=1)).to_have_text("Forbidden")
        expect(page.get_by_test_id("error-detail")).to_contain_text("stakeholder")
    shoot(page, screenshots, "forbidden-stakeholder")


def test_admin_creates_a_unit_and_a_user_through_the_forms(
    page: Page, live_server: LiveServer, screenshots: Path
) -> None:
    unit = f"Risk Office {uuid.uuid4().hex[:4]}"
    username = f"dana-{uuid.uuid4().hex[:4]}"
    log_in(page, live_server, ADMIN)
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Admin").click()
    expect(page).to_have_url(f"{live_server.url}/admin/users")
    page.get_by_role("navigation", name="Administration").get_by_text("Business units").click()
    form = page.get_by_test_id("create-unit")
    form.get_by_label("Name").fill(unit)
    form.get_by_label("Description").fill("Second line of defence")
    form.get_by_role("button", name="Create unit").click()
    expect(page.get_by_test_id("notice")).to_have_text("The business unit was created.")
    expect(page.get_by_test_id("units").get_by_role("cell", name=unit, exact=True)).to_be_visible()
    shoot(page, screenshots, "admin-units")

    page.get_by_role("navigation", name="Administration").get_by_text("Users").click()
    page.get_by_text("New user").click()
    form = page.get_by_test_id("create-user")
    form.get_by_label("Username").fill(username)
    form.get_by_label("Email").fill(f"{username}@example.com")
    form.get_by_label("Display name").fill("Dana Scully")
    form.get_by_label("Role").select_option("analyst")
    form.get_by_label("Initial password").fill(PASSWORD)
    form.locator("select[name=units]").select_option(label=unit)
    shoot(page, screenshots, "admin-users-form")
    form.get_by_role("button", name="Create user").click()
    expect(page.get_by_test_id("notice")).to_have_text("The user was created.")
    row = page.locator(f"tr[data-user='{username}']")
    expect(row).to_contain_text("Dana Scully")
    expect(row).to_contain_text(unit)
    expect(row).to_contain_text("analyst")
    shoot(page, screenshots, "admin-users")


def test_refused_form_shows_the_field_and_keeps_what_was_typed(
    page: Page, live_server: LiveServer, screenshots: Path
) -> None:
    log_in(page, live_server, ADMIN)
    page.goto(f"{live_server.url}/admin/users")
    page.get_by_text("New user").click()
    form = page.get_by_test_id("create-user")
    form.get_by_label("Username").fill("nobody")
    form.get_by_label("Email").fill("nobody@example.com")
    form.get_by_label("Role").select_option("analyst")  # a scoped role, but no unit chosen
    form.get_by_label("Initial password").fill(PASSWORD)
    with page.expect_response(f"{live_server.url}/admin/users") as answer:
        form.get_by_role("button", name="Create user").click()
    assert answer.value.status == 422
    expect(page.locator(".field-error[data-field=units]")).to_contain_text("at least one")
    expect(page.get_by_test_id("create-user").get_by_label("Username")).to_have_value("nobody")
    shoot(page, screenshots, "admin-users-refused")


def test_a_unit_named_like_a_script_is_shown_as_text(
    page: Page, live_server: LiveServer, watch: Watch
) -> None:
    log_in(page, live_server, ADMIN)
    page.goto(f"{live_server.url}/admin/units")
    form = page.get_by_test_id("create-unit")
    form.get_by_label("Name").fill(XSS)
    form.get_by_role("button", name="Create unit").click()
    expect(page.get_by_test_id("notice")).to_be_visible()
    expect(page.get_by_test_id("units").get_by_role("cell", name=XSS, exact=True)).to_be_visible()
    for path in ("/admin/units", "/admin/users", "/admin/api-keys", "/audit", "/"):
        page.goto(f"{live_server.url}{path}")
        assert page.locator("main script").count() == 0, path
    page.goto(f"{live_server.url}/admin/users")
    page.get_by_text("New user").click()
    options = page.get_by_test_id("create-user").locator("select[name=units] option")
    expect(options.filter(has_text=XSS)).to_have_count(1)
    assert watch.dialogs == [], "a name ran as a script"


def test_audit_page_lists_events_verifies_the_chain_and_expands_a_change(
    page: Page, live_server: LiveServer, screenshots: Path
) -> None:
    log_in(page, live_server, ADMIN)
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Audit").click()
    expect(page.get_by_test_id("verify")).to_contain_text("Chain verified.")
    expect(page.get_by_test_id("verify")).to_contain_text("events are intact")
    rows = page.get_by_test_id("audit-events").locator("tbody tr[data-seq]")
    expect(rows.first).to_be_visible()
    seqs = [int(s) for s in rows.evaluate_all("rows => rows.map(r => r.dataset.seq)")]
    assert seqs == sorted(seqs, reverse=True)
    expect(page.get_by_test_id("export")).to_have_attribute("href", "/api/v1/audit/export")
    page.get_by_label("Action").fill("unit.create")
    page.get_by_role("button", name="Filter").click()
    expect(page).to_have_url(re.compile(r"action=unit\.create"))
    first = rows.first
    first.locator("summary").click()
    diff = first.locator("table.diff")
    expect(diff).to_be_visible()
    expect(diff.locator("tr.changed").filter(has_text="slug")).to_have_count(1)
    shoot(page, screenshots, "audit")


def test_api_key_secret_is_shown_once(
    page: Page, live_server: LiveServer, screenshots: Path
) -> None:
    log_in(page, live_server, ADMIN)
    page.goto(f"{live_server.url}/admin/api-keys")
    page.get_by_text("New API key").click()
    form = page.get_by_test_id("create-key")
    form.get_by_label("Name").fill("support-bot telemetry")
    form.get_by_label("Role").select_option("engineer")
    form.get_by_label("Business unit").select_option(label="Finance")
    form.get_by_role("button", name="Create key").click()
    secret = page.get_by_test_id("secret").inner_text().strip()
    assert secret.startswith("atk_")
    env = page.get_by_test_id("otel-env").inner_text()
    assert f"OTEL_EXPORTER_OTLP_ENDPOINT={live_server.url}\n" in env
    assert f"OTEL_EXPORTER_OTLP_HEADERS=x-api-key={secret}" in env
    assert "OTEL_SERVICE_NAME=<your-service-name>" in env
    assert page.get_by_test_id("connect-link").get_attribute("href") == "/monitoring/connect"
    shoot(page, screenshots, "admin-api-key-created")
    page.get_by_role("link", name="Back to API keys").click()
    expect(page.get_by_test_id("api-keys")).to_contain_text("support-bot telemetry")
    assert secret not in page.content()
    page.reload()  # a reload of the list can never bring the secret back
    assert secret not in page.content()
    shoot(page, screenshots, "admin-api-keys")
    # The key is the admin's: their keys are one click away, and revoked together.
    row = page.locator("tr", has_text="support-bot telemetry")
    row.get_by_role("link", name=ADMIN).click()
    expect(page.get_by_test_id("owner-filter")).to_contain_text(f"Keys of {ADMIN}")
    page.get_by_text(f"Revoke all 1 live keys of {ADMIN}").click()
    page.get_by_role("button", name="Revoke them now").click()
    expect(page.get_by_test_id("api-keys")).to_contain_text("revoked")
    expect(page.locator("body")).to_contain_text("Every live key of this user was revoked")


def test_csp_violations_would_be_caught(page: Page, live_server: LiveServer, watch: Watch) -> None:
    """The CSP check of every test is live: an inline style is refused and reported."""
    page.goto(f"{live_server.url}/login")
    page.evaluate("document.body.insertAdjacentHTML('beforeend', '<p style=\"color:red\">x</p>')")
    page.wait_for_timeout(100)
    assert watch.csp_violations(), watch.console
    watch.console.clear()


def test_api_docs_render_offline_within_the_policy(
    page: Page, live_server: LiveServer, screenshots: Path
) -> None:
    """Swagger UI comes from the installed package, not a CDN, and runs under the CSP."""
    outside: list[str] = []
    page.on(
        "request",
        lambda request: (
            outside.append(request.url) if not request.url.startswith(live_server.url) else None
        ),
    )
    page.goto(f"{live_server.url}/api/docs")
    expect(page.get_by_text("/api/v1/units").first).to_be_visible()
    expect(page.locator(".swagger-ui .info .title")).to_contain_text("aitower")
    assert outside == []
    shoot(page, screenshots, "api-docs")


def test_account_page_shows_who_one_is(
    page: Page, live_server: LiveServer, screenshots: Path
) -> None:
    log_in(page, live_server, STAKEHOLDER)
    page.get_by_test_id("actor").click()
    expect(page).to_have_url(f"{live_server.url}/account")
    expect(page.get_by_test_id("who")).to_contain_text("stakeholder")
    expect(page.get_by_test_id("permissions")).not_to_contain_text("audit.read")
    expect(page.get_by_test_id("change-password")).to_be_visible()
    shoot(page, screenshots, "account-stakeholder")
