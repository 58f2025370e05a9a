"""The navigation, defined once: each section names the permission that shows it.

Sections whose capability has not landed yet carry ``permission=None`` and no path: they are
shown as upcoming (greyed, not links) so the shell already has their place.
"""

from __future__ import annotations

from dataclasses import dataclass

from aitower.core.access.principal import Principal
from aitower.core.access.roles import Permission


@dataclass(frozen=True, slots=True)
class NavItem:
    key: str
    label: str
    path: str | None
    permission: Permission | None
    also: tuple[Permission, ...] = ()  # any of these shows the item too

    @property
    def available(self) -> bool:
        return self.path is not None


NAVIGATION: tuple[NavItem, ...] = (
    NavItem("overview", "Overview", "/", Permission.overview_view),
    NavItem("inventory", "Inventory", "/systems", Permission.systems_read),
    NavItem("governance", "Governance", "/governance", Permission.policies_read),
    NavItem("risk", "Risk", "/risk", Permission.risk_read),
    NavItem("monitoring", "Monitoring", "/monitoring", Permission.telemetry_read),
    NavItem("models", "Models", "/monitoring/models", Permission.monitors_read),
    NavItem("cost", "Cost & Value", "/cost/prices", Permission.prices_read),
    NavItem("discovery", "Discovery", None, None),
    NavItem("audit", "Audit", "/audit", Permission.audit_read),
    # /admin opens the first admin page the principal may read (users, API keys, units).
    NavItem("admin", "Admin", "/admin", Permission.users_read, also=(Permission.apikeys_read,)),
)


def visible_navigation(principal: Principal) -> list[NavItem]:
    """Available sections the principal may open, plus every upcoming one."""
    return [
        item
        for item in NAVIGATION
        if item.permission is None
        or principal.can(item.permission)
        or any(principal.can(p) for p in item.also)
    ]
