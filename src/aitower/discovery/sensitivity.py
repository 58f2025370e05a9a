"""Which business units handle sensitive data, as inventory records it.

A unit handles sensitive data when one of its AI systems declares confidential or restricted
data, or personal data: the classification each system's data sources carry. Shadow AI in such
a unit is likelier to carry that data out, so the risk score weighs it (``risk``).
"""

from __future__ import annotations

import uuid

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from aitower.inventory.tables import SystemRow
from aitower.inventory.vocabulary import Classification

SENSITIVE = (Classification.confidential.value, Classification.restricted.value)


def sensitive_units(session: Session) -> frozenset[uuid.UUID]:
    query = (
        select(SystemRow.unit_id)
        .where(or_(SystemRow.data_classification.in_(SENSITIVE), SystemRow.personal_data.is_(True)))
        .distinct()
    )
    return frozenset(session.execute(query).scalars())
