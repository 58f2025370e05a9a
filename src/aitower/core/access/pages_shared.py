"""What the admin pages share: their tabs, the notices after a redirect, form error shaping.

Notices travel as a fixed code in the query string (``?notice=user-created``), never as text:
a crafted link can then only show one of our own sentences, not a message of its choosing.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass

from aitower.core.access.entities import User
from aitower.core.access.principal import Principal
from aitower.core.access.roles import CorePermission, Permission
from aitower.core.access.service import list_users
from aitower.core.db.engine import Database
from aitower.core.errors import DomainError
from aitower.core.web.pagination import DEFAULT_LIMIT, PageParams

NOTICES: dict[str, str] = {
    "user-created": "The user was created.",
    "user-updated": "The user's role and units were saved.",
    "user-disabled": "The user was disabled; their browser sessions have ended and their "
    "API keys are refused.",
    "user-enabled": "The user was enabled.",
    "user-unlocked": "The user's lockout was cleared; they can log in again.",
    "unit-created": "The business unit was created.",
    "key-revoked": "The API key was revoked; clients using it are refused from now on.",
    "keys-revoked": "Every live key of this user was revoked; their clients are refused now.",
    "password-changed": "Your password was changed; your other browser sessions have ended.",
}


@dataclass(frozen=True, slots=True)
class AdminTab:
    key: str
    label: str
    path: str
    permission: Permission


ADMIN_TABS: tuple[AdminTab, ...] = (
    AdminTab("users", "Users", "/admin/users", CorePermission.users_read),
    AdminTab("units", "Business units", "/admin/units", CorePermission.units_read),
    AdminTab("api-keys", "API keys", "/admin/api-keys", CorePermission.apikeys_read),
)


def admin_tabs(principal: Principal) -> list[AdminTab]:
    """The admin pages this principal may open, in the order of the sub-navigation."""
    return [tab for tab in ADMIN_TABS if principal.can(tab.permission)]


def first_page() -> PageParams:
    """Where a refused form shows the list again: its first page, without filters."""
    return PageParams(limit=DEFAULT_LIMIT, offset=0)


def notice_text(code: str | None) -> str | None:
    return None if code is None else NOTICES.get(code)


@dataclass(frozen=True, slots=True)
class FormProblem:
    """A refused form: the status to answer with, the sentence, and the reason per field."""

    status: int
    message: str
    fields: dict[str, str]

    @classmethod
    def of(cls, exc: DomainError) -> FormProblem:
        fields = {issue.field: issue.reason for issue in exc.issues}
        return cls(exc.status, exc.detail, fields)

    @classmethod
    def on(cls, field: str, reason: str, status: int = 422) -> FormProblem:
        return cls(status, f"{field}: {reason}", {field: reason})


def parse_uuid(value: str) -> uuid.UUID | None:
    """A UUID from a query or form value, None when it is not one (the caller says why)."""
    try:
        return uuid.UUID(value)
    except ValueError:
        return None


OWNER_CHOICES = 500  # a picker longer than this is a search box's job; typing still works


def owner_choices(db: Database, principal: Principal) -> list[User]:
    """The active users an owner field suggests (those the principal may see), by username.

    The field stays free text with these as suggestions (``ui.user_datalist``): it accepts what
    the API accepts, a username, and a person missing from the list can still be typed."""
    with db.reading() as session:
        users, _ = list_users(session, principal, include_disabled=False, limit=OWNER_CHOICES)
    return users
