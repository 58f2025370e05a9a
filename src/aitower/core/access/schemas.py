"""API shapes for units, users and API keys. Inputs forbid unknown fields."""

from __future__ import annotations

import uuid
from datetime import datetime

from pydantic import AwareDatetime, BaseModel, ConfigDict, Field

from aitower.core.access.entities import ApiKey, BusinessUnit, User
from aitower.core.access.principal import Principal
from aitower.core.access.roles import Role, all_permissions

STRICT = ConfigDict(extra="forbid")


class UnitIn(BaseModel):
    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={
            "examples": [{"name": "Customer Support", "description": "Contact centre"}]
        },
    )
    name: str = Field(min_length=1, max_length=120)
    description: str = Field(default="", max_length=2000)


class UnitOut(BaseModel):
    id: uuid.UUID
    name: str
    slug: str
    description: str
    created_at: datetime

    @classmethod
    def of(cls, unit: BusinessUnit) -> UnitOut:
        return cls(**{f: getattr(unit, f) for f in cls.model_fields})


class UserIn(BaseModel):
    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={
            "examples": [
                {
                    "username": "priya",
                    "email": "priya@example.com",
                    "display_name": "Priya Raman",
                    "role": "analyst",
                    "units": ["risk"],
                    "password": "a long passphrase",
                }
            ]
        },
    )
    username: str = Field(min_length=2, max_length=64)
    email: str = Field(min_length=3, max_length=254)
    display_name: str = Field(default="", max_length=120)
    role: Role
    units: list[str] = Field(default_factory=list, max_length=100, description="Unit ids or slugs")
    all_units: bool = False
    password: str | None = Field(default=None, min_length=10, max_length=1024)


class UserPatch(BaseModel):
    model_config = STRICT
    role: Role | None = None
    units: list[str] | None = Field(default=None, max_length=100)
    all_units: bool | None = None
    disabled: bool | None = None


class UserOut(BaseModel):
    id: uuid.UUID
    username: str
    email: str
    display_name: str
    role: Role
    all_units: bool
    unit_ids: list[uuid.UUID]
    disabled: bool
    locked_until: datetime | None
    last_login_at: datetime | None
    created_at: datetime

    @classmethod
    def of(cls, user: User) -> UserOut:
        data = {f: getattr(user, f) for f in cls.model_fields}
        data["unit_ids"] = list(user.unit_ids)
        return cls(**data)


class ApiKeyIn(BaseModel):
    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={
            "examples": [
                {"name": "support-bot telemetry", "role": "engineer", "unit": "customer-support"}
            ]
        },
    )
    name: str = Field(min_length=1, max_length=120)
    role: Role
    unit: str | None = Field(default=None, description="Unit id or slug; omit for all units")
    expires_at: AwareDatetime | None = Field(default=None, description="UTC offset required")
    owner: str | None = Field(
        default=None,
        max_length=64,
        description="Username or id of the user the key acts for; omit for yourself "
        "(only an administrator may name someone else)",
    )


class ApiKeyOut(BaseModel):
    id: uuid.UUID
    name: str
    prefix: str
    role: Role
    unit_id: uuid.UUID | None
    owner_id: uuid.UUID | None = Field(description="The user the key acts for")
    owner: str | None = Field(description="That user's username")
    orphaned: bool = Field(description="No owner (made before keys had owners): refused")
    created_by: str
    created_at: datetime
    expires_at: datetime | None
    revoked_at: datetime | None
    last_used_at: datetime | None
    active: bool

    @classmethod
    def of(cls, key: ApiKey) -> ApiKeyOut:
        data = {f: getattr(key, f) for f in cls.model_fields}
        return cls(**data)


class RevokedKeysOut(BaseModel):
    revoked: int = Field(description="How many live keys were revoked")


class CreatedApiKeyOut(ApiKeyOut):
    secret: str = Field(description="The whole key. Shown once: store it now.")


class MeOut(BaseModel):
    actor: str
    kind: str
    role: Role
    unit_ids: list[uuid.UUID] | None
    owner_id: uuid.UUID | None = Field(
        description="For an API key: the user it acts for (it never does more than they can)"
    )
    permissions: list[str]  # the values of the permissions (docs/permissions.md)

    @classmethod
    def of(cls, principal: Principal) -> MeOut:
        return cls(
            actor=principal.actor,
            kind=principal.kind.value,
            role=principal.role,
            unit_ids=None if principal.unit_ids is None else sorted(principal.unit_ids, key=str),
            owner_id=principal.owner_id,
            permissions=[p.value for p in all_permissions() if principal.can(p)],
        )
