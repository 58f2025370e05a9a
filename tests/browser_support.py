"""What the browser tests and their fixtures share: who logs in, the server, what was seen."""

from __future__ import annotations

import os
import sys
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from aitower.core.access.principal import system_principal
from aitower.core.audit.service import ChangeContext
from aitower.core.db.engine import Database
from aitower.core.db.migrate import upgrade
from aitower.core.demo.loader import DemoPassword, load_demo, load_demo_history
from aitower.core.demo.organisation import DemoContributor
from servers import free_port, running
from support import PASSWORD, SECRET

ADMIN, STAKEHOLDER = "ada", "stan"


@dataclass(frozen=True)
class LiveServer:
    url: str
    db_url: str


@dataclass
class Watch:
    """What the page said behind our back: console messages and JavaScript dialogs."""

    console: list[str] = field(default_factory=list)
    dialogs: list[str] = field(default_factory=list)

    def csp_violations(self) -> list[str]:
        return [m for m in self.console if "Content Security Policy" in m]


@contextmanager
def demo_live(
    home: Path, contributors: Sequence[DemoContributor], history_scale: float = 0.0
) -> Iterator[LiveServer]:
    """uvicorn on a fresh SQLite file in ``home`` holding what ``contributors`` add to the demo
    (and their history at ``history_scale``, 0: none), the background pass off."""
    db_url = f"sqlite:///{home / 'aitower.db'}"
    db = Database(db_url)
    upgrade(db.engine)
    ctx = ChangeContext(system_principal("demo"))
    demo = load_demo(db, ctx, DemoPassword(PASSWORD, "stdin"), contributors=contributors)
    assert demo is not None
    load_demo_history(db, demo, scale=history_scale)
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


def missing(reason: str) -> None:
    """What a browser test does without what it needs: skip, or fail under
    ``AITOWER_REQUIRE_BROWSER=1`` (CI), where nothing may skip silently."""
    if os.environ.get("AITOWER_REQUIRE_BROWSER", "") not in ("", "0", "false", "no"):
        pytest.fail(f"AITOWER_REQUIRE_BROWSER=1 but {reason}")
    pytest.skip(reason)


def log_in(page: Page, server: LiveServer, username: str) -> None:
    """Through the login form, as a person would."""
    page.goto(f"{server.url}/login")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    expect(page.get_by_test_id("actor")).to_have_text(username)


def shoot(page: Page, folder: Path, name: str) -> None:
    page.screenshot(path=str(folder / f"{name}.png"), full_page=True)
