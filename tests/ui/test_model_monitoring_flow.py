"""Model monitoring in a real browser, on the demo's classic models (loaded at a small volume
into a server of its own): the Models portfolio, the credit-scoring model's drift and fairness
views (its approval gap by age band fails the four-fifths rule), the fraud model's performance
over time with its estimate dashed, and a history point opening its result."""

from __future__ import annotations

import re
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from aitower.alerts.demo import replay_model_rules
from aitower.core.access.principal import system_principal
from aitower.core.audit.service import ChangeContext
from aitower.core.db.engine import Database
from aitower.core.db.migrate import upgrade
from aitower.core.demo.loader import (
    FOUNDATION_CONTRIBUTORS,
    DemoPassword,
    load_demo,
    load_demo_history,
)
from aitower.inventory.demo import add_demo_inventory
from aitower.model_monitors.demo import demo_models_contributor
from browser_support import LiveServer, log_in, shoot
from servers import free_port, running
from support import PASSWORD, SECRET

pytestmark = pytest.mark.browser

SCALE = 0.2  # the youngest credit applicants must be enough to judge (30 rows a window)


@pytest.fixture(scope="module")
def demo_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    """uvicorn on a fresh SQLite file holding the demo's units, users, systems and models."""
    home = tmp_path_factory.mktemp("models-live")
    db_url = f"sqlite:///{home / 'aitower.db'}"
    db = Database(db_url)
    upgrade(db.engine)
    contributors = [
        *FOUNDATION_CONTRIBUTORS,
        add_demo_inventory,
        demo_models_contributor(replay_model_rules),
    ]
    ctx = ChangeContext(system_principal("demo"))
    demo = load_demo(db, ctx, DemoPassword(PASSWORD, "stdin"), contributors=contributors)
    assert demo is not None
    load_demo_history(db, demo, scale=SCALE)
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


def _open_model(page: Page, name: str) -> None:
    page.get_by_role("link", name="Models", exact=True).first.click()
    page.get_by_test_id("model-table").get_by_role("link", name=name, exact=True).click()
    expect(page.get_by_test_id("model-name")).to_contain_text(name)


def test_credit_drift_and_fairness_views(
    page: Page, demo_server: LiveServer, screenshots: Path
) -> None:
    log_in(page, demo_server, "admin")
    page.get_by_role("link", name="Models", exact=True).click()
    table = page.get_by_test_id("model-table")
    expect(table.locator("tbody tr")).to_have_count(3)
    credit_row = table.locator("tr[data-model='credit-score-lr']")
    expect(credit_row).to_contain_text("under 0.8")  # its last known fairness ratio
    shoot(page, screenshots, "models-portfolio")

    _open_model(page, "credit-score-lr")
    expect(page.get_by_test_id("tile-fairness")).to_have_text(re.compile(r"0\.[0-7]\d"))
    page.locator("nav.subnav").get_by_role("link", name="Drift").click()
    drift = page.get_by_test_id("drift-table")
    expect(drift.locator("tbody tr")).to_have_count(8)  # 6 features, the prediction, the score
    expect(drift.locator("svg.sparkline")).to_have_count(8)
    expect(page.get_by_test_id("distribution-charts").locator("svg")).to_have_count(8)
    expect(page.get_by_test_id("drift-verdict")).to_contain_text("no dataset drift")
    shoot(page, screenshots, "model-drift")

    page.locator("nav.subnav").get_by_role("link", name="Fairness").click()
    age = page.locator("section.fairness-group[data-attributes='age_band']")
    expect(age.get_by_test_id("four-fifths-failed")).to_be_visible()
    ratio = age.get_by_test_id("fairness-ratio")
    expect(ratio).to_have_class(re.compile("fair-fail"))
    assert float(ratio.inner_text()) < 0.8
    expect(age.locator("line.limit")).to_have_count(1)  # the four-fifths line
    both = page.locator("section.fairness-group[data-attributes='gender × age_band']")
    expect(both.get_by_test_id("too-small").first).to_be_visible()  # e.g. men over 60
    gender = page.locator("section.fairness-group[data-attributes='gender']")
    expect(gender.get_by_test_id("fairness-ratio")).to_have_class(re.compile("fair-ok"))
    shoot(page, screenshots, "model-fairness")


def test_fraud_performance_and_a_result(
    page: Page, demo_server: LiveServer, screenshots: Path
) -> None:
    log_in(page, demo_server, "admin")
    _open_model(page, "fraud-xgb")
    page.locator("nav.subnav").get_by_role("link", name="Performance").click()
    charts = page.get_by_test_id("performance-charts")
    auc = charts.locator("svg").first
    expect(auc).to_have_attribute("aria-label", re.compile("ROC AUC per run"))
    expect(auc.locator("g.series.dashed")).to_have_count(1)  # the estimate
    expect(auc.locator("g.series:not(.dashed)")).to_have_count(1)  # the measurement
    expect(auc.locator("line.limit")).to_have_count(1)  # the monitor's floor
    expect(page.get_by_test_id("label-charts").locator("svg")).to_have_count(3)
    shoot(page, screenshots, "model-performance")

    page.locator("nav.subnav").get_by_role("link", name="Overview").click()
    drift_chart = page.get_by_test_id("history-charts").locator("svg").first
    points = drift_chart.locator("a.point-link")
    expect(points).to_have_count(90)
    points.nth(65).click()  # inside the drift episode
    expect(page.get_by_test_id("result-title")).to_contain_text("Result of")
    expect(page.get_by_test_id("signals")).to_contain_text("drift share")
    expect(page.get_by_test_id("result-facts")).to_contain_text("backfill")
    shoot(page, screenshots, "model-result")
