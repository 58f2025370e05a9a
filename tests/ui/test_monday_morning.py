"""Monday morning in a real browser, as the demo's Model Performance Analyst (amara.patel).

The demo is loaded at half its volume into a server of its own: 30 days of LLM traffic, the
chatbot's alert rules replayed over them (the latency episode five days back leaves a resolved
incident). Then the night before: the chatbot's provider slows down and fails again (traces
stored through the ingest path) and one background pass of the p95 rule fires it. The analyst
opens the Overview, goes to the open incident, reads the owners, opens its failing traces,
comes back, assigns it to the engineer and resolves it; the Overview then shows nothing open.
"""

from __future__ import annotations

import random
import re
import sys
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect
from sqlalchemy import select

from aitower.alerts.demo_llm import CHATBOT_SYSTEM, LATENCY_RULE, add_demo_llm_rules
from aitower.alerts.evaluator import evaluate_due_rules
from aitower.alerts.tables import AlertRuleRow
from aitower.core.access.principal import system_principal
from aitower.core.audit.service import ChangeContext
from aitower.core.db.base import utcnow
from aitower.core.db.engine import Database
from aitower.core.db.migrate import upgrade
from aitower.core.demo.loader import (
    FOUNDATION_CONTRIBUTORS,
    DemoPassword,
    load_demo,
    load_demo_history,
)
from aitower.inventory.demo import add_demo_inventory
from aitower.telemetry.demo import add_demo_traffic
from aitower.telemetry.demo_shapes import CHATBOT, Moment, TraceBuilder
from aitower.telemetry.demo_traffic import APP_BY_SERVICE, identity, resource
from aitower.telemetry.ingest import store_spans
from aitower.telemetry.records import DecodedSpan
from browser_support import LiveServer, log_in, shoot
from servers import free_port, running
from support import PASSWORD, SECRET

pytestmark = pytest.mark.browser

SCALE = 0.5
ANALYST = "amara.patel"
NIGHT_TRACES = 40
INCIDENT = f"{LATENCY_RULE} on {CHATBOT_SYSTEM}"


def _bad_night(db: Database) -> int:
    """The chatbot slow and failing over the last 40 minutes; how many traces failed."""
    app, rng, now = APP_BY_SERVICE[CHATBOT], random.Random(7), utcnow()
    spans: list[DecodedSpan] = []
    failed = 0
    for i in range(NIGHT_TRACES):
        start = now - timedelta(minutes=42) + timedelta(minutes=i)
        builder = TraceBuilder(rng, resource(app), identity(app, rng, f"night-{i}"))
        trace = app.build(builder, int(start.timestamp()) * 10**9, Moment(2.1, 0.5))
        failed += any(s.parent_span_id is None and s.status_code == 2 for s in trace)
        spans += trace
    store_spans(db, spans)
    # The pass evaluates the latency rule only: whether the error-rate rule's 100 requests are
    # in its window too (and it opens a second incident) depends on the hour the test runs.
    with db.reading() as session:
        latency = session.execute(
            select(AlertRuleRow.id).where(AlertRuleRow.name == LATENCY_RULE)
        ).scalar_one()
    fired = evaluate_due_rules(db, utcnow(), "background pass", only={latency})
    assert any(t.transition.notice is not None for t in fired)
    return failed


@pytest.fixture(scope="module")
def monday(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[LiveServer, int]]:
    home = tmp_path_factory.mktemp("monday")
    db_url = f"sqlite:///{home / 'aitower.db'}"
    db = Database(db_url)
    upgrade(db.engine)
    contributors = [
        *FOUNDATION_CONTRIBUTORS,
        add_demo_inventory,
        add_demo_traffic,
        add_demo_llm_rules,
    ]
    ctx = ChangeContext(system_principal("demo"))
    demo = load_demo(db, ctx, DemoPassword(PASSWORD, "stdin"), contributors=contributors)
    assert demo is not None
    load_demo_history(db, demo, scale=SCALE)
    failed = _bad_night(db)
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
        yield LiveServer(url, db_url), failed


def test_monday_morning_as_the_demo_analyst(
    page: Page, monday: tuple[LiveServer, int], screenshots: Path
) -> None:
    server, failed = monday
    log_in(page, server, ANALYST)
    page.get_by_role("link", name="Overview", exact=True).first.click()
    expect(page.get_by_test_id("tile-incidents").locator(".tile-value")).to_have_text("1")
    opened = page.get_by_test_id("attention").get_by_test_id("open-incident")
    expect(opened).to_have_count(1)
    expect(opened).to_have_text(INCIDENT)
    shoot(page, screenshots, "monday-overview")

    opened.click()
    expect(page.get_by_test_id("incident-title")).to_have_text(INCIDENT)
    expect(page.get_by_test_id("incident-status")).to_have_text("open")
    expect(page.get_by_test_id("incident-owner")).to_have_text("nobody")
    expect(page.get_by_test_id("system-owner")).to_have_text("Olivia Chen (olivia.chen)")
    expect(page.get_by_test_id("technical-owner")).to_have_text("Ethan Ramirez (ethan.ramirez)")
    expect(page.get_by_test_id("timeline").locator("li").first).to_contain_text("fired")
    incident_url = page.url
    shoot(page, screenshots, "monday-incident")

    page.get_by_test_id("incident-traces").click()
    expect(page).to_have_url(re.compile(r"/monitoring/traces\?.*status=error"))
    rows = page.get_by_test_id("trace-table").locator("tbody tr")
    # At least the night's failures (the window reaches back 3 hours: the demo's own too).
    assert rows.count() >= min(failed, 50) > 0
    expect(page.get_by_test_id("trace-table").locator("tbody tr:not(.trace-error)")).to_have_count(
        0
    )
    expect(rows.first).to_contain_text(CHATBOT_SYSTEM)
    shoot(page, screenshots, "monday-failing-traces")

    page.go_back()
    expect(page).to_have_url(incident_url)
    page.get_by_test_id("assign-owner").select_option(label="Ethan Ramirez (ethan.ramirez)")
    page.get_by_role("button", name="Assign").click()
    expect(page.get_by_test_id("notice")).to_have_text("The incident was assigned.")
    expect(page.get_by_test_id("incident-owner")).to_have_text("ethan.ramirez")
    expect(page.get_by_test_id("timeline")).to_contain_text("assigned")

    page.get_by_label("Resolution note").fill("Provider recovered at 07:10; failover tested.")
    page.get_by_role("button", name="Resolve").click()
    expect(page.get_by_test_id("incident-status")).to_have_text("resolved")
    expect(page.get_by_test_id("timeline").locator("li").last).to_contain_text("Provider recovered")
    shoot(page, screenshots, "monday-resolved")

    page.get_by_role("link", name="Overview", exact=True).first.click()
    expect(page.get_by_test_id("tile-incidents").locator(".tile-value")).to_have_text("0")
    expect(page.get_by_test_id("open-incident")).to_have_count(0)
    # The episode five days back: its own incident, resolved by the rule when the demo loaded.
    page.goto(f"{server.url}/monitoring/incidents?status=resolved")
    expect(page.get_by_test_id("incidents").get_by_role("link", name=INCIDENT)).to_have_count(2)


def test_connect_an_app_for_the_chatbot(
    page: Page, monday: tuple[LiveServer, int], screenshots: Path
) -> None:
    server, _ = monday
    log_in(page, server, "olivia.chen")  # the ops manager, who may not make keys
    page.get_by_role("link", name="Monitoring", exact=True).first.click()
    page.get_by_test_id("connect-link").click()
    expect(page.get_by_test_id("http-endpoint")).to_have_text(f"{server.url}/v1/traces")
    expect(page.get_by_test_id("snippet")).to_have_count(7)
    page.get_by_test_id("connect-system").select_option(label=f"{CHATBOT_SYSTEM} ({CHATBOT})")
    page.get_by_role("button", name="Show").click()
    expect(page.get_by_test_id("otel-env")).to_contain_text(f"OTEL_SERVICE_NAME={CHATBOT}")
    expect(page.locator("pre[data-slug='openllmetry']")).to_contain_text(f'app_name="{CHATBOT}"')
    shoot(page, screenshots, "connect-an-app")
