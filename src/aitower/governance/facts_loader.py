"""Gathers the facts policies judge, for one system or the whole visible portfolio, in bulk.

Inventory facts come from the inventory slice (``governance_facts``), then a few more queries
add what other slices know: attached document kinds (evidence), the verdicts on live objects
linked as evidence (asked of their owning capability, one call per kind of object), whether
the EU AI Act questionnaire is done, and the residual scores of open risks. A portfolio
evaluation is thus a fixed number of queries however many systems there are.
"""

from __future__ import annotations

import dataclasses
import uuid
from collections.abc import Collection
from datetime import date, datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from aitower.core import evidence as live_evidence
from aitower.core.access.principal import Principal
from aitower.core.db.base import utcnow
from aitower.core.evidence_facts import Judgement
from aitower.governance.tables import EvidenceRow
from aitower.inventory import service as inventory_service
from aitower.inventory.system_facts import SystemFacts
from aitower.risk import service as risk_service

# Beyond this many ids an IN list costs more than reading all rows and filtering in Python.
IN_LIST_LIMIT = 500


def document_kinds(
    session: Session, system_ids: Collection[uuid.UUID] | None, today: date
) -> tuple[dict[uuid.UUID, frozenset[str]], dict[uuid.UUID, frozenset[str]]]:
    """Kinds of documents (not live objects) of each system still valid ``today``, and the
    kinds whose documents have all expired. One query."""
    query = (
        select(EvidenceRow.system_id, EvidenceRow.kind, EvidenceRow.valid_until)
        .where(EvidenceRow.object_type.is_(None))
        .distinct()
    )
    if system_ids is not None and len(system_ids) <= IN_LIST_LIMIT:
        query = query.where(EvidenceRow.system_id.in_(list(system_ids)))
    valid: dict[uuid.UUID, set[str]] = {}
    expired: dict[uuid.UUID, set[str]] = {}
    for system_id, kind, until in session.execute(query).all():
        chosen = valid if until is None or until >= today else expired
        chosen.setdefault(system_id, set()).add(kind)
    lapsed = {k: frozenset(v - valid.get(k, set())) for k, v in expired.items()}
    return {k: frozenset(v) for k, v in valid.items()}, lapsed


def judgements(
    session: Session, system_ids: Collection[uuid.UUID] | None, now: datetime
) -> dict[uuid.UUID, tuple[Judgement, ...]]:
    """Verdicts on the live objects linked to each system (``core.evidence.judge_links``)."""
    query = select(
        EvidenceRow.system_id, EvidenceRow.object_type, EvidenceRow.object_id, EvidenceRow.kind
    ).where(EvidenceRow.object_type.is_not(None), EvidenceRow.object_id.is_not(None))
    if system_ids is not None and len(system_ids) <= IN_LIST_LIMIT:
        query = query.where(EvidenceRow.system_id.in_(list(system_ids)))
    linked = [
        (system_id, (str(object_type), object_id, kind))
        for system_id, object_type, object_id, kind in session.execute(query).all()
        if object_id is not None
    ]
    verdicts = live_evidence.judge_links(session, (link for _, link in linked), now)
    found: dict[uuid.UUID, list[Judgement]] = {}
    for system_id, link in linked:
        if (verdict := verdicts.get(link)) is not None:
            found.setdefault(system_id, []).append(verdict)
    return {k: tuple(v) for k, v in found.items()}


def load_facts(
    session: Session,
    principal: Principal | None,
    system_ids: Collection[uuid.UUID] | None,
    today: date,
    now: datetime | None = None,
) -> dict[uuid.UUID, SystemFacts]:
    """Facts of ``system_ids`` (None: all) that ``principal`` sees (None: no restriction);
    live evidence is judged as of ``now`` (default: the current time)."""
    base = inventory_service.governance_facts(session, principal, system_ids, today)
    if not base:
        return {}
    everything = system_ids is None and (principal is None or principal.unit_ids is None)
    ids = None if everything else list(base)
    documents, expired = document_kinds(session, ids, today)
    verdicts = judgements(session, ids, now or utcnow())
    done = risk_service.questionnaire_done(session, ids)
    scores = risk_service.open_risk_scores(session, ids)
    return {
        system_id: dataclasses.replace(
            facts,
            documents=documents.get(system_id, frozenset()),
            expired_documents=expired.get(system_id, frozenset()),
            judgements=verdicts.get(system_id, ()),
            questionnaire_done=system_id in done,
            open_risk_scores=scores.get(system_id, ()),
        )
        for system_id, facts in base.items()
    }
