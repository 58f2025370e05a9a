"""Who sees what in monitoring: a system's rules and incidents follow the system's unit.

Portfolio-wide rules and their incidents (no system) watch every unit at once, so only
organisation-wide principals (admin, ops manager, auditor, the CLI) see and change them.
"""

from __future__ import annotations

import uuid
from typing import Any

from sqlalchemy.orm import Session

from aitower.core.access.principal import Principal
from aitower.core.errors import InvalidInput, NotFound
from aitower.inventory.service import SystemRef, get_system_ref
from aitower.inventory.tables import SystemRow


def sees(principal: Principal, unit_id: uuid.UUID | None, has_system: bool) -> bool:
    if not has_system:
        return principal.unit_ids is None
    return principal.sees_unit(unit_id)


def scoped(query: Any, principal: Principal, system_column: Any) -> Any:
    """Restrict a query (already outer-joined to ``SystemRow``) to the principal's scope."""
    if principal.unit_ids is None:
        return query
    return query.where(system_column.is_not(None), SystemRow.unit_id.in_(principal.unit_ids))


def system_for(
    session: Session, principal: Principal, system_id: uuid.UUID | None, field: str
) -> SystemRef | None:
    """The system a rule names (through the inventory), or None for the portfolio."""
    if system_id is None:
        if principal.unit_ids is not None:
            raise InvalidInput.on(field, "portfolio-wide needs an organisation-wide role")
        return None
    try:
        return get_system_ref(session, principal, system_id)
    except NotFound:
        raise InvalidInput.on(field, f"no AI system {system_id}") from None
