"""Whose cost a report is about: the systems a reader sees, and the names to show
(``over_time_report.cost_scope`` makes one; the readers in ``over_time_query`` filter by it)."""

from __future__ import annotations

import uuid
from dataclasses import dataclass

from aitower.inventory.service import SystemRef
from aitower.spend.costs import CostLine


@dataclass(frozen=True, slots=True)
class CostScope:
    """Whose cost a question is about, and the names to show."""

    systems: dict[uuid.UUID, SystemRef]
    org_wide: bool  # everything, including cost no system claims
    unit_ids: frozenset[uuid.UUID] | None  # a unit-scoped reader's or the chosen unit
    unit_names: dict[uuid.UUID, str]

    @property
    def system_ids(self) -> list[uuid.UUID] | None:
        return None if self.org_wide else list(self.systems)

    def unit_of(self, line: CostLine) -> uuid.UUID | None:
        ref = self.systems.get(line.system_id) if line.system_id else None
        return ref.unit_id if ref is not None else line.unit_id
