"""Unregistered telemetry sources: services sending telemetry that no AI system claims.

A first signal of shadow AI. Which service names are claimed is inventory's to say
(``inventory.service.systems_for_services``); the source rows say volume, models and when.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from aitower.inventory import service as inventory
from aitower.telemetry.tables import SourceRow, SpanRow


@dataclass(frozen=True, slots=True)
class SourceView:
    service_name: str
    first_seen: datetime
    last_seen: datetime
    spans: int
    llm_calls: int
    tokens: int
    models: list[str]


def unregistered_sources(session: Session) -> list[SourceView]:
    """Unclaimed sources, most recently seen first."""
    rows = list(session.execute(select(SourceRow).order_by(SourceRow.last_seen.desc())).scalars())
    claimed = inventory.systems_for_services(session, [r.service_name for r in rows])
    return [
        SourceView(
            r.service_name,
            r.first_seen,
            r.last_seen,
            r.spans,
            r.llm_calls,
            r.tokens,
            sorted(r.models or []),
        )
        for r in rows
        if r.service_name not in claimed
    ]


def sender_unit(session: Session, service_name: str) -> uuid.UUID | None:
    """The unit of the latest single-unit key that sent the source's spans, if any."""
    row = session.get(SourceRow, service_name)
    return None if row is None else row.sender_unit_id


def models_seen(session: Session, service_name: str) -> list[str]:
    """The source's models in the inventory's syntax, ``provider/name``, to prefill the form
    that registers it as a system. The source row keeps model names; each one's provider is
    read from one of its unclaimed spans (``unknown`` when the spans named none)."""
    row = session.get(SourceRow, service_name)
    found = []
    for model in sorted(row.models or []) if row is not None else []:
        query = (
            select(SpanRow.provider)
            .where(
                SpanRow.system_id.is_(None),
                SpanRow.service_name == service_name,
                SpanRow.model == model,
                SpanRow.provider.is_not(None),
            )
            .limit(1)
        )
        provider = session.execute(query).scalar_one_or_none()
        found.append(f"{provider or 'unknown'}/{model}")
    return found
