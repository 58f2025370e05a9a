"""A live aitower server on a fresh SQLite database, and a headless Chromium to drive it.

The server is a real ``uvicorn`` process (the production ASGI entry point), so the browser sees
exactly what people see: headers, CSP, cookies, redirects. Chromium is the Debian one at
``/usr/bin/chromium`` (no ``playwright install``; ``AITOWER_CHROMIUM`` names another); without
it the tests skip, unless ``AITOWER_REQUIRE_BROWSER=1`` (CI), where they fail.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, ConsoleMessage, Dialog, Page, Playwright, sync_playwright

from aitower.core.access.roles import Role
from aitower.core.db.engine import Database
from aitower.core.db.migrate import upgrade
from aitower.core.demo.loader import FOUNDATION_CONTRIBUTORS
from aitower.governance.demo_approvals import add_demo_approvals
from aitower.governance.demo_policies import add_demo_policies
from aitower.inventory.demo import add_demo_inventory
from aitower.risk.demo import add_demo_risk
from browser_support import ADMIN, STAKEHOLDER, LiveServer, Watch, demo_live, missing
from servers import free_port, running
from support import SECRET, make_user, seed_units

CHROMIUM = Path(os.environ.get("AITOWER_CHROMIUM", "/usr/bin/chromium"))
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]
SCREENSHOTS = Path(__file__).resolve().parents[2] / "test-artifacts" / "screenshots"


@pytest.fixture(scope="session")
def live_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    """uvicorn serving ``aitower.asgi:app`` on a migrated, seeded SQLite file."""
    home = tmp_path_factory.mktemp("live")
    db_url = f"sqlite:///{home / 'aitower.db'}"
    db = Database(db_url)
    upgrade(db.engine)
    seed_units(db)
    make_user(db, Role.admin, username=ADMIN)
    make_user(db, Role.stakeholder, username=STAKEHOLDER)
    db.dispose()
    port = free_port()
    env = {
        "AITOWER_DATABASE_URL": db_url,
        "AITOWER_SECRET_KEY": SECRET,
        "AITOWER_DATA_DIR": str(home),
        "AITOWER_LOG_LEVEL": "warning",
    }
    command = [
        sys.executable,
        "-m",
        "uvicorn",
        "aitower.asgi:app",
        "--host",
        "127.0.0.1",
        "--port",
        str(port),
        "--log-level",
        "warning",
    ]
    with running(command, env, port, cwd=home, timeout=30) as url:
        yield LiveServer(url, db_url)


@pytest.fixture(scope="module")
def demo_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    """uvicorn on a fresh SQLite file holding the demo's people, systems, tiers, policies and
    approvals, one per test module (the journeys change it). The traffic and model history
    are left out: the journeys that use this fixture do not read them, or set up their own."""
    contributors = [
        *FOUNDATION_CONTRIBUTORS,
        add_demo_inventory,
        add_demo_risk,
        add_demo_policies,
        add_demo_approvals,
    ]
    with demo_live(tmp_path_factory.mktemp("demo-live"), contributors) as server:
        yield server


@pytest.fixture(scope="session")
def playwright_session() -> Iterator[Playwright]:
    if not CHROMIUM.exists():
        missing(f"no Chromium at {CHROMIUM}")
    with sync_playwright() as playwright:
        yield playwright


@pytest.fixture(scope="session")
def browser(playwright_session: Playwright) -> Iterator[Browser]:
    chromium = playwright_session.chromium.launch(
        executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS
    )
    yield chromium
    chromium.close()


@pytest.fixture
def watch() -> Watch:
    return Watch()


@pytest.fixture
def page(browser: Browser, watch: Watch) -> Iterator[Page]:
    """A fresh context (no cookies) per test; fails the test on any CSP violation."""
    context = browser.new_context(viewport={"width": 1280, "height": 800})
    context.set_default_timeout(10_000)
    tab = context.new_page()

    def on_console(message: ConsoleMessage) -> None:
        watch.console.append(f"{message.type}: {message.text}")

    def on_dialog(dialog: Dialog) -> None:
        watch.dialogs.append(dialog.message)
        dialog.dismiss()

    tab.on("console", on_console)
    tab.on("dialog", on_dialog)
    tab.on("pageerror", lambda error: watch.console.append(f"pageerror: {error}"))
    yield tab
    context.close()
    assert watch.csp_violations() == [], "the page broke its Content-Security-Policy"


@pytest.fixture(scope="session")
def screenshots() -> Path:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    return SCREENSHOTS
