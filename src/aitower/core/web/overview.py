"""What the overview shows: the organisation at a glance (later slices add their tiles)."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from aitower.core.access.principal import Principal
from aitower.core.access.tables import ApiKeyRow, BusinessUnitRow, UserRow


@dataclass(frozen=True, slots=True)
class Overview:
    units: int
    users: int
    active_keys: int


def collect(session: Session, principal: Principal) -> Overview:  # noqa: ARG001
    def count(query: object) -> int:
        return int(session.execute(query).scalar_one())  # type: ignore[call-overload]

    return Overview(
        units=count(select(func.count()).select_from(BusinessUnitRow)),
        users=count(select(func.count()).select_from(UserRow).where(UserRow.disabled.is_(False))),
        active_keys=count(
            select(func.count()).select_from(ApiKeyRow).where(ApiKeyRow.revoked_at.is_(None))
        ),
    )
