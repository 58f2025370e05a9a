"""What the inventory services share: the records they return, and bulk reference lookups.

A record is resolved against units, users, vendors and claimed telemetry services with one
query per kind for any number of systems, so an import of 10,000 rows never selects per row.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, TypeVar

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from aitower.core.access.principal import Principal
from aitower.core.access.tables import BusinessUnitRow, UserRow
from aitower.core.errors import FieldIssue, InvalidInput
from aitower.inventory.domain import DataSource, Environment, ModelUse, SystemSpec
from aitower.inventory.lifecycle import Stage
from aitower.inventory.tables import TelemetryServiceRow, VendorRow
from aitower.inventory.vocabulary import (
    Affected,
    Autonomy,
    Classification,
    Hosting,
    RiskTier,
    SystemKind,
)

T = TypeVar("T")
CHUNK = 5_000  # IN lists stay well under SQLite's and PostgreSQL's bound-parameter limits


def chunks(values: Sequence[T], size: int = CHUNK) -> Iterator[Sequence[T]]:
    for start in range(0, len(values), size):
        yield values[start : start + size]


@dataclass(frozen=True, slots=True)
class Person:
    username: str
    display_name: str


@dataclass(frozen=True, slots=True)
class SystemDetail:
    """Everything on a system's record, references as names (never ORM rows)."""

    id: uuid.UUID
    name: str
    purpose: str
    kind: SystemKind
    unit_id: uuid.UUID
    unit_name: str
    stage: Stage
    risk_tier: RiskTier | None
    accountable_owner: Person | None
    technical_owner: Person | None
    autonomy: Autonomy
    affected: tuple[Affected, ...]
    models: tuple[ModelUse, ...]
    vendors: tuple[str, ...]
    data_sources: tuple[DataSource, ...]
    data_classification: Classification
    personal_data: bool
    special_category_data: bool
    environments: tuple[Environment, ...]
    services: tuple[str, ...]
    docs_url: str
    repository_url: str
    tags: tuple[str, ...]
    notes: str
    created_at: datetime
    updated_at: datetime

    def to_spec(self) -> SystemSpec:
        """The record as it would be typed (what PATCH merges into and export writes)."""
        return SystemSpec(
            name=self.name,
            kind=self.kind,
            unit=self.unit_name,
            purpose=self.purpose,
            accountable_owner=None
            if self.accountable_owner is None
            else self.accountable_owner.username,
            technical_owner=None if self.technical_owner is None else self.technical_owner.username,
            stage=self.stage,
            autonomy=self.autonomy,
            affected=self.affected,
            models=self.models,
            vendors=self.vendors,
            data_sources=self.data_sources,
            environments=self.environments,
            services=self.services,
            docs_url=self.docs_url,
            repository_url=self.repository_url,
            tags=self.tags,
            notes=self.notes,
        )


def models_of(docs: list[dict[str, Any]]) -> tuple[ModelUse, ...]:
    return tuple(
        ModelUse(d["provider"], d["name"], d.get("version", ""), Hosting(d["hosting"]))
        for d in docs
    )


def sources_of(docs: list[dict[str, Any]]) -> tuple[DataSource, ...]:
    return tuple(
        DataSource(
            d["name"],
            Classification(d["classification"]),
            bool(d.get("personal_data")),
            bool(d.get("special_category")),
        )
        for d in docs
    )


def environments_of(docs: list[dict[str, Any]]) -> tuple[Environment, ...]:
    return tuple(Environment(d["name"], d.get("endpoint", "")) for d in docs)


@dataclass(slots=True)
class Lookups:
    """References of a batch of records, each kind loaded with one query."""

    units: dict[str, tuple[uuid.UUID, str]] = field(default_factory=dict)  # name/slug/id
    users: dict[str, uuid.UUID] = field(default_factory=dict)  # username
    vendors: dict[str, tuple[uuid.UUID, str]] = field(default_factory=dict)  # lower name
    claims: dict[str, uuid.UUID] = field(default_factory=dict)  # service -> system id


def load_lookups(session: Session, specs: Iterable[SystemSpec]) -> Lookups:
    specs = list(specs)
    found = Lookups()
    for unit_id, name, slug in session.execute(
        select(BusinessUnitRow.id, BusinessUnitRow.name, BusinessUnitRow.slug)
    ):
        for key in (name.lower(), slug, str(unit_id)):
            found.units[key] = (unit_id, name)
    usernames = sorted(
        {u for s in specs for u in (s.accountable_owner, s.technical_owner) if u is not None}
    )
    for part in chunks(usernames):
        found.users.update(
            (k, v)
            for k, v in session.execute(
                select(UserRow.username, UserRow.id).where(UserRow.username.in_(part))
            )
        )
    vendor_names = sorted({v.lower() for s in specs for v in s.vendors})
    for part in chunks(vendor_names):
        for vendor_id, name in session.execute(
            select(VendorRow.id, VendorRow.name).where(func.lower(VendorRow.name).in_(part))
        ):
            found.vendors[name.lower()] = (vendor_id, name)
    services = sorted({name for s in specs for name in s.services})
    for part in chunks(services):
        found.claims.update(
            (k, v)
            for k, v in session.execute(
                select(TelemetryServiceRow.service_name, TelemetryServiceRow.system_id).where(
                    TelemetryServiceRow.service_name.in_(part)
                )
            )
        )
    return found


@dataclass(frozen=True, slots=True)
class Resolved:
    """A record ready to store: column values, and what goes in the link tables."""

    columns: dict[str, Any]
    vendor_ids: tuple[uuid.UUID, ...]
    vendor_names: tuple[str, ...]


def resolve(
    spec: SystemSpec, found: Lookups, principal: Principal, system_id: uuid.UUID | None
) -> Resolved:
    """Turn references into ids; every unknown or out-of-scope reference is one issue."""
    issues: list[FieldIssue] = []
    unit = found.units.get(spec.unit) or found.units.get(spec.unit.lower())
    if unit is None:
        issues.append(FieldIssue("unit", f"unknown business unit {spec.unit!r}"))
    elif not principal.sees_unit(unit[0]):
        issues.append(FieldIssue("unit", f"you may not register systems in {unit[1]!r}"))
    owners = {}
    for role in ("accountable_owner", "technical_owner"):
        name = getattr(spec, role)
        owners[role] = None if name is None else found.users.get(name)
        if name is not None and owners[role] is None:
            issues.append(FieldIssue(role, f"no user {name!r}"))
    vendors = []
    for i, name in enumerate(spec.vendors):
        vendor = found.vendors.get(name.lower())
        if vendor is None:
            issues.append(FieldIssue(f"vendors[{i}]", f"no vendor {name!r}; register it first"))
        else:
            vendors.append(vendor)
    for i, service in enumerate(spec.services):
        owner = found.claims.get(service)
        if owner is not None and owner != system_id:
            issues.append(
                FieldIssue(f"services[{i}]", f"{service!r} is already claimed by another system")
            )
    if issues:
        raise InvalidInput(f"{issues[0].field}: {issues[0].reason}", issues=issues)
    assert unit is not None
    return Resolved(
        columns=columns_of(spec, unit[0], owners["accountable_owner"], owners["technical_owner"]),
        vendor_ids=tuple(v[0] for v in vendors),
        vendor_names=tuple(v[1] for v in vendors),
    )


def columns_of(
    spec: SystemSpec,
    unit_id: uuid.UUID,
    accountable_id: uuid.UUID | None,
    technical_id: uuid.UUID | None,
) -> dict[str, Any]:
    """SystemRow values of a record (not id, stage or tier, which the caller decides)."""
    return {
        "name": spec.name,
        "search_text": f"{spec.name}\n{spec.purpose}".lower(),
        "purpose": spec.purpose,
        "kind": spec.kind.value,
        "unit_id": unit_id,
        "accountable_owner_id": accountable_id,
        "technical_owner_id": technical_id,
        "autonomy": spec.autonomy.value,
        "affected": [a.value for a in spec.affected],
        "models": [
            {
                "provider": m.provider,
                "name": m.name,
                "version": m.version,
                "hosting": m.hosting.value,
            }
            for m in spec.models
        ],
        "data_sources": [
            {
                "name": d.name,
                "classification": d.classification.value,
                "personal_data": d.personal_data,
                "special_category": d.special_category,
            }
            for d in spec.data_sources
        ],
        "data_classification": spec.classification.value,
        "personal_data": spec.personal_data,
        "special_category_data": spec.special_category_data,
        "environments": [{"name": e.name, "endpoint": e.endpoint} for e in spec.environments],
        "links": {"docs": spec.docs_url, "repository": spec.repository_url},
        "notes": spec.notes,
    }
