"""What the browser tests and their fixtures share: who logs in, the server, what was seen."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

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


def log_in(page: Page, server: LiveServer, username: str) -> None:
    """Through the login form, as a person would."""
    page.goto(f"{server.url}/login")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    expect(page.get_by_test_id("actor")).to_have_text(username)


def shoot(page: Page, folder: Path, name: str) -> None:
    page.screenshot(path=str(folder / f"{name}.png"), full_page=True)
