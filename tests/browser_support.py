"""What the browser tests and their fixtures share: who logs in, the server, what was seen."""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from support import PASSWORD

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
