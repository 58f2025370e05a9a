"""What the demo holds while it is being built, shared by every slice's demo contributor.

Kept apart from ``loader`` so that slices' contributors can import it while ``loader`` imports
them (``DEMO_CONTRIBUTORS``).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from rich.markup import escape
from sqlalchemy.orm import Session

from aitower.core.access.entities import ApiKey, BusinessUnit, User
from aitower.core.access.roles import Role
from aitower.core.audit.service import ChangeContext
from aitower.core.db.engine import Database

DEMO_PASSWORD_ENV = "AITOWER_DEMO_PASSWORD"  # noqa: S105 (a variable's name)


@dataclass(frozen=True, slots=True)
class DemoPassword:
    """The password every demo user gets, and where it came from (which decides if it is shown)."""

    value: str
    source: str  # "env", "stdin", "dev" or "generated"

    def describe(self) -> str:
        if self.source == "dev":
            return f"password [bold]{escape(self.value)}[/] (the well-known dev-mode password)"
        if self.source == "generated":
            return f"password [bold]{escape(self.value)}[/] (generated; shown only now)"
        if self.source == "env":
            return f"the password in {DEMO_PASSWORD_ENV}"
        return "the password you gave"


Report = Callable[[int, int], None]
"""Progress of a long demo step: ``report(done, total)``."""


@dataclass(frozen=True, slots=True)
class DemoHistory:
    """Generated history a contributor asks for, stored after the demo's transaction commits.

    History (e.g. 30 days of telemetry) goes through writers that open their own write
    transactions, such as ``telemetry.ingest.store_spans``; inside the demo's transaction they
    would wait on its lock. ``store(db, scale, report)`` stores it (``scale`` multiplies the
    volume) and returns one line saying what it stored.
    """

    title: str
    store: Callable[[Database, float, Report], str]


@dataclass
class DemoOrganisation:
    """What the demo holds so far; contributors read what earlier ones made and add their own."""

    password: DemoPassword
    units: dict[str, BusinessUnit] = field(default_factory=dict)  # by name
    users: dict[Role, User] = field(default_factory=dict)
    api_keys: dict[str, ApiKey] = field(default_factory=dict)  # by name
    new_secrets: dict[str, str] = field(default_factory=dict)  # key name -> secret, shown once
    extras: dict[str, Any] = field(default_factory=dict)  # for later contributors to share
    created: list[tuple[str, str]] = field(default_factory=list)  # (kind, name)
    history: list[DemoHistory] = field(default_factory=list)  # to store after the commit

    def note(self, kind: str, name: str) -> None:
        """Record a created object; ``kind`` is plural, e.g. ``"business units"``."""
        self.created.append((kind, name))

    @property
    def changed(self) -> bool:
        return bool(self.created)


DemoContributor = Callable[[Session, ChangeContext, DemoOrganisation], None]
