"""Gathers the facts policies judge, for one system or the whole visible portfolio, in bulk.

Inventory facts come from the inventory slice (``governance_facts``), then three more queries
add what other slices know: attached document kinds (evidence), whether the EU AI Act
questionnaire is done, and the residual scores of open risks. A portfolio evaluation is thus a
fixed number of queries however many systems there are.
"""

from __future__ import annotations

import dataclasses
import uuid
from collections.abc import Collection
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from aitower.core.access.principal import Principal
from aitower.governance.tables import EvidenceRow
from aitower.inventory import service as inventory_service
from aitower.inventory.system_facts import SystemFacts
from aitower.risk import service as risk_service

# Beyond this many ids an IN list costs more than reading all rows and filtering in Python.
IN_LIST_LIMIT = 500


def document_kinds(
    session: Session, system_ids: Collection[uuid.UUID] | None
) -> dict[uuid.UUID, frozenset[str]]:
    """Kinds of evidence attached to each system. One query."""
    query = select(EvidenceRow.system_id, EvidenceRow.kind).distinct()
    if system_ids is not None and len(system_ids) <= IN_LIST_LIMIT:
        query = query.where(EvidenceRow.system_id.in_(list(system_ids)))
    found: dict[uuid.UUID, set[str]] = {}
    for system_id, kind in session.execute(query).all():
        found.setdefault(system_id, set()).add(kind)
    return {k: frozenset(v) for k, v in found.items()}


def load_facts(
    session: Session,
    principal: Principal | None,
    system_ids: Collection[uuid.UUID] | None,
    today: date,
) -> dict[uuid.UUID, SystemFacts]:
    """Facts of ``system_ids`` (None: all) that ``principal`` sees (None: no restriction)."""
    base = inventory_service.governance_facts(session, principal, system_ids, today)
    if not base:
        return {}
    everything = system_ids is None and (principal is None or principal.unit_ids is None)
    ids = None if everything else list(base)
    documents = document_kinds(session, ids)
    done = risk_service.questionnaire_done(session, ids)
    scores = risk_service.open_risk_scores(session, ids)
    return {
        system_id: dataclasses.replace(
            facts,
            documents=documents.get(system_id, frozenset()),
            questionnaire_done=system_id in done,
            open_risk_scores=scores.get(system_id, ()),
        )
        for system_id, facts in base.items()
    }
