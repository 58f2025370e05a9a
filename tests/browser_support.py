"""What the browser tests and their fixtures share: who logs in, the server, what was seen."""

from __future__ import annotations

from dataclasses import dataclass, field

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
