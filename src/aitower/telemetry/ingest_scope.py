"""Ingest keys stay in their business units.

An API key (or user) limited to some business units sends spans like any other, but a span
whose ``service.name`` or ``aitower.system`` links it to a system of another unit is refused:
it is reported in the OTLP partial success (the exporter does not retry it) and never stored,
so it adds nothing to that unit's figures and cannot fire its alerts. Spans of services no
system claims are kept as unregistered sources. The reason names the service, which the sender
sent, not the other unit's system, which it may not see.
"""

from __future__ import annotations

import uuid
from collections.abc import Mapping
from typing import Any

from sqlalchemy.orm import Session

from aitower.inventory import service as inventory
from aitower.telemetry.aggregate import system_id
from aitower.telemetry.records import DecodedSpan, RejectedSpan

REASON = "its service or aitower.system names a system outside this key's business units"


def outside_units(
    session: Session, links: Mapping[Any, str], units: frozenset[uuid.UUID] | None
) -> set[str]:
    """The system keys among ``links``' values that a sender limited to ``units`` may not
    write into (none for organisation-wide senders, ``units`` None)."""
    if units is None:
        return set()
    ids = {key: system_id(key) for key in set(links.values())}
    unit_of = inventory.system_units(session, {i for i in ids.values() if i is not None})
    return {key for key, i in ids.items() if i is not None and unit_of.get(i) not in units}


def refusal(span: DecodedSpan) -> RejectedSpan:
    name = span.service_name[:100]
    return RejectedSpan(span.trace_id, span.span_id, f"service {name!r}: {REASON}")
