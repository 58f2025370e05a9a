"""Test helpers that put AI systems in the inventory."""

from __future__ import annotations

import uuid

from aitower.core.db.engine import Database
from aitower.inventory.tables import SystemRow


def make_system(
    db: Database,
    unit_id: uuid.UUID,
    name: str | None = None,
    *,
    kind: str = "llm_app",
    stage: str = "development",
    risk_tier: str | None = None,
) -> uuid.UUID:
    """A minimal system row (the inventory service validates; this only seeds other slices)."""
    system_id = uuid.uuid4()
    with db.writing() as session:
        session.add(
            SystemRow(
                id=system_id,
                name=name or f"system-{system_id.hex[:8]}",
                search_text="",
                kind=kind,
                unit_id=unit_id,
                stage=stage,
                risk_tier=risk_tier,
                autonomy="human_in_the_loop",
                affected=[],
                models=[],
                data_sources=[],
                data_classification="internal",
                environments=[],
                links={},
            )
        )
    return system_id
