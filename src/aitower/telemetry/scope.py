"""Whose telemetry a reader sees: the systems of its business units, or one of them.

Spans and rollups name their system by id (``system_key`` is the id as text) and carry no unit,
so the scope is the set of systems inventory says the principal may see. Organisation-wide
readers are not filtered in SQL (their scope is everything registered; rows of unclaimed
services and deleted systems are dropped in Python), so their queries stay index range scans.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any, TypeVar

from sqlalchemy import ColumnElement, Select, false
from sqlalchemy.orm import Session

from aitower.core.access.principal import Principal
from aitower.inventory import service as inventory
from aitower.inventory.service import SystemRef

# Up to this many systems are filtered with IN in SQL; larger scopes are filtered in Python.
SQL_IN_LIMIT = 900
Q = TypeVar("Q", bound=Select[*tuple[Any, ...]])


def system_key(system_id: uuid.UUID) -> str:
    """How rollups name a registered system."""
    return str(system_id)


@dataclass(frozen=True, slots=True)
class Scope:
    systems: dict[str, SystemRef]  # by system_key
    org_wide: bool  # the reader sees every unit (and one-system scopes are never org-wide)
    system: SystemRef | None = None

    @property
    def ids(self) -> list[uuid.UUID]:
        return [ref.id for ref in self.systems.values()]

    def name_of(self, key: str | uuid.UUID | None) -> str | None:
        ref = self.systems.get(str(key)) if key is not None else None
        return None if ref is None else ref.name

    def filtered_in_sql(self) -> bool:
        return not self.org_wide and len(self.systems) <= SQL_IN_LIMIT

    def key_condition(self, column: Any) -> list[ColumnElement[bool]]:
        """The SQL condition on a ``system_key`` (text) column, if the scope filters in SQL."""
        if not self.filtered_in_sql():
            return []
        if not self.systems:
            return [false()]
        return [column.in_(list(self.systems))]

    def id_condition(self, column: Any) -> list[ColumnElement[bool]]:
        """The SQL condition on a ``system_id`` (uuid) column, if the scope filters in SQL."""
        if not self.filtered_in_sql():
            return []
        if not self.systems:
            return [false()]
        return [column.in_(self.ids)]

    def keep(self, rows: Iterable[Any], position: int) -> list[Any]:
        """Rows whose key (at ``position``) is in scope; a no-op when SQL filtered already."""
        if self.filtered_in_sql():
            return list(rows)
        return [row for row in rows if str(row[position]) in self.systems]

    def restrict(self, query: Q, column: Any) -> Q:
        return query.where(*self.key_condition(column))


def portfolio_scope(session: Session, principal: Principal) -> Scope:
    """Every system the principal may see."""
    refs = inventory.visible_systems(session, principal)
    return Scope({system_key(r.id): r for r in refs}, principal.unit_ids is None)


def system_scope(session: Session, principal: Principal, system_id: uuid.UUID) -> Scope:
    """One system (NotFound when it does not exist or is outside the principal's units)."""
    ref = inventory.get_system_ref(session, principal, system_id)
    return Scope({system_key(ref.id): ref}, False, ref)
