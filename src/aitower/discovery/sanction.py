"""Sanction statuses of AI services and how the one that applies to a unit is chosen (pure).

The catalog gives each service a default; the organisation overrides it organisation-wide
(unit None) or for one business unit. The most specific decision wins: the unit's, then the
organisation's, then the catalog's default.
"""

from __future__ import annotations

import uuid
from collections.abc import Mapping
from enum import StrEnum


class SanctionStatus(StrEnum):
    sanctioned = "sanctioned"  # approved for use
    unsanctioned = "unsanctioned"  # not approved: use is shadow AI
    under_review = "under_review"  # not yet decided
    blocked = "blocked"  # prohibited by a policy decision (set by a block, never a default)


DEFAULT_STATUSES = (
    SanctionStatus.sanctioned,
    SanctionStatus.unsanctioned,
    SanctionStatus.under_review,
)


def resolve_sanction(
    default: SanctionStatus,
    decisions: Mapping[uuid.UUID | None, SanctionStatus],
    unit_id: uuid.UUID | None,
) -> SanctionStatus:
    """The status for ``unit_id``: its own decision, else the organisation's (key None), else
    the catalog's default."""
    if unit_id is not None and unit_id in decisions:
        return decisions[unit_id]
    return decisions.get(None, default)


def is_approved(status: SanctionStatus) -> bool:
    return status is SanctionStatus.sanctioned
