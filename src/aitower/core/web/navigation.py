"""The navigation bar: the core's sections and those each capability declares (``Slice``).

Each item names the permission that shows it and a ``rank`` that places it in the bar (the
order people work in: the portfolio first, then governance and risk, then operations, the
audit trail and administration last). Sections whose capability has not landed yet carry
``permission=None`` and no path: they are shown as upcoming (greyed, not links) so the shell
already has their place.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from aitower.core.access.principal import Principal
from aitower.core.access.roles import CorePermission, Permission


@dataclass(frozen=True, slots=True)
class NavItem:
    key: str
    label: str
    path: str | None
    permission: Permission | None
    rank: int = 50
    also: tuple[Permission, ...] = ()  # any of these shows the item too

    @property
    def available(self) -> bool:
        return self.path is not None


CORE_NAVIGATION: tuple[NavItem, ...] = (
    NavItem("overview", "Overview", "/", CorePermission.overview_view, rank=0),
    NavItem("audit", "Audit", "/audit", CorePermission.audit_read, rank=90),
    # /admin opens the first admin page the principal may read (users, API keys, units).
    NavItem(
        "admin",
        "Admin",
        "/admin",
        CorePermission.users_read,
        rank=100,
        also=(CorePermission.apikeys_read,),
    ),
)


def assemble_navigation(items: Iterable[NavItem]) -> tuple[NavItem, ...]:
    """The core's items and ``items``, by rank (ties keep their order)."""
    return tuple(sorted((*CORE_NAVIGATION, *items), key=lambda item: item.rank))


def visible_navigation(principal: Principal, navigation: Iterable[NavItem]) -> list[NavItem]:
    """Available sections the principal may open, plus every upcoming one."""
    return [
        item
        for item in navigation
        if item.permission is None
        or principal.can(item.permission)
        or any(principal.can(p) for p in item.also)
    ]
