"""Plain views of access records that services return (no ORM rows leave a service)."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime

from aitower.core.access.roles import Role


@dataclass(frozen=True, slots=True)
class BusinessUnit:
    id: uuid.UUID
    name: str
    slug: str
    description: str
    created_at: datetime


@dataclass(frozen=True, slots=True)
class User:
    id: uuid.UUID
    username: str
    email: str
    display_name: str
    role: Role
    all_units: bool
    unit_ids: tuple[uuid.UUID, ...]
    disabled: bool
    locked_until: datetime | None
    last_login_at: datetime | None
    created_at: datetime
    has_password: bool = True  # False: signs in with single sign-on only


@dataclass(frozen=True, slots=True)
class ApiKey:
    id: uuid.UUID
    name: str
    prefix: str
    role: Role
    unit_id: uuid.UUID | None
    owner_id: uuid.UUID | None
    owner: str | None
    created_by: str
    created_at: datetime
    expires_at: datetime | None
    revoked_at: datetime | None
    last_used_at: datetime | None

    @property
    def active(self) -> bool:
        return self.revoked_at is None

    @property
    def orphaned(self) -> bool:
        """A key with no owner (made before keys belonged to people) is refused until an
        administrator gives it one (``aitower apikeys assign``)."""
        return self.owner_id is None


@dataclass(frozen=True, slots=True)
class CreatedApiKey:
    """A new key and its secret, which is shown this once and never stored."""

    key: ApiKey
    secret: str
