"""Monitoring in a real browser: the portfolio overview, a system's dashboard, the trace explorer
and a trace's waterfall with its stored messages; an unregistered source opens the register form
prefilled; failing traces fire an alert rule, and the analyst works the incident."""

from __future__ import annotations

import random
import uuid
from datetime import timedelta
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from aitower.alerts import rules
from aitower.alerts.alert_domain import Comparator, Notice, RuleSpec
from aitower.alerts.evaluator import evaluate_due_rules
from aitower.core.access import service as access
from aitower.core.db.base import utcnow
from aitower.core.db.engine import Database
from aitower.inventory import service as inventory
from aitower.telemetry.ingest import store_spans
from browser_support import ADMIN, LiveServer, log_in, shoot
from support import CTX
from support_spans import agent_trace, ns
from telemetry_views.data import Call, TraceSpec, random_traces, store

pytestmark = pytest.mark.browser


def _fire_error_alert(db: Database, system_id: uuid.UUID, service: str, tag: str) -> None:
    """Failing traces in the last minutes, a rule on the error rate, one evaluation pass."""
    now = utcnow()
    failing = []
    for i in range(12):
        moment = now - timedelta(minutes=3) + timedelta(seconds=10 * i)
        failing += agent_trace(service=service, start_ns=ns(moment), error=i % 2 == 0)
    store_spans(db, failing)
    spec = RuleSpec(
        name=f"Errors {tag}", metric="error_rate", comparator=Comparator.gt, threshold=0.2,
        window_minutes=10, min_samples=5, system_id=str(system_id),
    )  # fmt: skip
    with db.writing() as session:
        rules.create_rule(session, CTX, spec)
    fired = evaluate_due_rules(db, utcnow(), "browser-test")
    assert [t.transition.notice for t in fired] == [Notice.fired]


def test_overview_dashboard_explorer_and_trace(
    page: Page, live_server: LiveServer, screenshots: Path
) -> None:
    tag = uuid.uuid4().hex[:6]
    db = Database(live_server.db_url)
    with db.writing() as session:
        finance = access.get_unit(session, "finance").id
        doc = {"name": f"Support bot {tag}", "kind": "llm_app", "unit": str(finance),
               "services": [f"support-{tag}"]}  # fmt: skip
        system_id = inventory.create_system(session, CTX, doc).id
    start = utcnow().replace(minute=0, second=0, microsecond=0) - timedelta(hours=10)
    specs = random_traces(
        random.Random(3), system_id, f"support-{tag}", start, 60, timedelta(hours=8)
    )
    special = TraceSpec(
        system_id, f"support-{tag}", start + timedelta(hours=2), 2400.0,
        [Call("gpt-4o", 900, 120, 0.0042), Call(f"house-model-{tag}", 300, 80, None)],
        user="carol", session="s-1", name=f"Where is my refund {tag}", messages=True,
    )  # fmt: skip
    shadow = TraceSpec(None, f"shadow-{tag}", start, 300.0, [Call("llama-3", 40, 4, None)])
    store(db, [*specs, special, shadow])
    _fire_error_alert(db, system_id, f"support-{tag}", tag)
    db.dispose()

    log_in(page, live_server, ADMIN)
    page.get_by_role("link", name="Monitoring", exact=True).click()
    expect(page.get_by_test_id("tile-requests")).not_to_have_text("0")
    expect(page.get_by_test_id("unpriced-models")).to_contain_text(f"house-model-{tag}")
    expect(page.get_by_test_id("monitoring-charts").locator("svg")).to_have_count(4)
    sources = page.get_by_test_id("unregistered-sources")
    expect(sources).to_contain_text(f"shadow-{tag}")
    shoot(page, screenshots, "monitoring-overview")

    page.get_by_test_id("system-table").get_by_role("link", name=f"Support bot {tag}").click()
    expect(page.get_by_test_id("system-name")).to_have_text(f"Support bot {tag}")
    expect(page.get_by_test_id("tile-requests")).to_have_text("73")  # 61 + 12 failing
    expect(page.get_by_test_id("top-users")).to_contain_text("carol")
    page.get_by_test_id("range-picker").get_by_role("link", name="7d").click()
    expect(page.get_by_test_id("tile-requests")).to_have_text("73")  # 61 + 12 failing
    shoot(page, screenshots, "monitoring-system")

    page.goto(f"{live_server.url}/monitoring/traces")
    page.get_by_label("Name contains").fill("refund")
    page.get_by_role("button", name="Search").click()
    rows = page.get_by_test_id("trace-table").get_by_test_id("trace-link")
    expect(rows).to_have_count(1)
    rows.first.click()
    expect(page.get_by_test_id("trace-title")).to_have_text(f"Where is my refund {tag}")
    expect(page.get_by_test_id("span")).to_have_count(4)
    expect(page.get_by_test_id("waterfall").locator("rect.span-llm")).to_have_count(2)
    expect(page.get_by_test_id("messages").first).to_contain_text("question 0 <b>bold</b>")
    expect(page.get_by_test_id("trace-cost")).to_have_text("$0.0042")
    shoot(page, screenshots, "monitoring-trace")

    page.goto(f"{live_server.url}/monitoring")
    page.get_by_test_id("unregistered-sources").locator(
        f"a[href='/monitoring/sources/register?service=shadow-{tag}']"
    ).click()
    expect(page.locator("input[name='name']")).to_have_value(f"shadow-{tag}")
    expect(page.locator("textarea[name='services']")).to_have_value(f"shadow-{tag}")

    page.goto(f"{live_server.url}/monitoring")
    page.get_by_test_id("monitoring-links").get_by_role("link", name="Incidents").click()
    page.get_by_test_id("incidents").get_by_role("link", name=f"Errors {tag}").first.click()
    expect(page.get_by_test_id("incident-status")).to_have_text("open")
    expect(page.get_by_test_id("timeline")).to_contain_text("fired")
    page.get_by_role("button", name="Acknowledge").click()
    expect(page.get_by_test_id("incident-status")).to_have_text("acknowledged")
    page.get_by_label("Comment").fill(f"Looking at the failing traces {tag}")
    page.get_by_role("button", name="Add comment").click()
    expect(page.get_by_test_id("timeline")).to_contain_text(f"Looking at the failing traces {tag}")
    shoot(page, screenshots, "monitoring-incident")
    page.get_by_test_id("incident-traces").click()
    # The failing traces of the incident's window (the rule's 10 minutes before it opened, to
    # now): half of the 12 new ones; the random ones ended two hours ago.
    expect(page.get_by_test_id("trace-table").get_by_test_id("trace-link")).to_have_count(6)
