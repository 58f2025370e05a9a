"""REST routes of duplicate initiatives: the clusters, and a decision on one (thin).

``GET /api/v1/discovery/duplicates`` lists the clusters among what the reader sees, costliest
first, each with the decision taken on exactly its members; ``POST
/api/v1/discovery/duplicates/decisions`` records a merge or a keep-both (``duplicates_decisions``).
Reading needs ``discovery.read``; deciding is a triage call (``discovery.triage``), and a merge,
which retires systems, also ``lifecycle.move``.
"""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Annotated

from fastapi import APIRouter, Request, status
from pydantic import BaseModel, ConfigDict, Field

from aitower.core.access.principal import Principal
from aitower.core.db.base import utcnow
from aitower.core.web.deps import DbDep, change_context, guard
from aitower.core.web.pagination import Page, PageDep
from aitower.discovery.duplicates_decisions import (
    DecisionOutcome,
    DecisionRequest,
    record_decision,
)
from aitower.discovery.duplicates_service import (
    ClusterView,
    DecisionView,
    MemberView,
    duplicate_clusters,
)
from aitower.discovery.permissions import DiscoveryPermission

Reader = Annotated[Principal, guard(DiscoveryPermission.findings_read)]
Decider = Annotated[Principal, guard(DiscoveryPermission.triage)]


class MemberOut(BaseModel):
    key: str
    kind: str
    id: uuid.UUID
    name: str
    unit_id: uuid.UUID | None
    unit: str
    state: str
    link: str
    monthly_cost: float | None

    @classmethod
    def of(cls, m: MemberView) -> MemberOut:
        return cls(key=m.key, kind=m.kind, id=m.id, name=m.name, unit_id=m.unit_id, unit=m.unit,
                   state=m.state, link=m.link, monthly_cost=m.monthly_cost)  # fmt: skip


class DecisionOut(BaseModel):
    id: uuid.UUID
    cluster_key: str
    members: list[str]
    decision: str
    reason: str
    keep_system_id: uuid.UUID | None
    keep_system_name: str | None
    decided_by: str
    decided_at: datetime

    @classmethod
    def of(cls, d: DecisionView) -> DecisionOut:
        return cls(id=d.id, cluster_key=d.cluster_key, members=list(d.members),
                   decision=d.decision, reason=d.reason, keep_system_id=d.keep_system_id,
                   keep_system_name=d.keep_system_name, decided_by=d.decided_by,
                   decided_at=d.decided_at)  # fmt: skip


class PairOut(BaseModel):
    first: str
    second: str
    score: float
    reasons: list[str]


class ClusterOut(BaseModel):
    cluster_key: str
    members: list[MemberOut]
    units: list[str]
    score: float
    reasons: list[str]
    pairs: list[PairOut]
    combined_monthly_cost: float | None
    decision: DecisionOut | None

    @classmethod
    def of(cls, c: ClusterView) -> ClusterOut:
        return cls(
            cluster_key=c.key, members=[MemberOut.of(m) for m in c.members], units=list(c.units),
            score=c.score, reasons=list(c.reasons),
            pairs=[PairOut(first=p.first, second=p.second, score=p.score,
                           reasons=list(p.reasons)) for p in c.pairs],
            combined_monthly_cost=c.combined_monthly_cost,
            decision=None if c.decision is None else DecisionOut.of(c.decision),
        )  # fmt: skip


class DecisionIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    cluster_key: str | None = Field(default=None, max_length=64)
    members: list[Annotated[str, Field(max_length=80)]] | None = Field(
        default=None, max_length=1000, examples=[["system:6f1c…", "system:a2d4…"]]
    )
    decision: str = Field(max_length=16, examples=["keep_both"])
    reason: str = Field(
        default="", max_length=4000, examples=["Legal's summariser must stay on premises"]
    )
    keep_system_id: uuid.UUID | None = None


class MoveOut(BaseModel):
    system_id: uuid.UUID
    system_name: str
    status: str  # completed | pending
    move_id: uuid.UUID  # the lifecycle event (completed) or the approval request (pending)


class DecisionResultOut(BaseModel):
    decision: DecisionOut
    moves: list[MoveOut]
    replaced: DecisionOut | None

    @classmethod
    def of(cls, o: DecisionOutcome) -> DecisionResultOut:
        return cls(
            decision=DecisionOut.of(o.decision),
            moves=[MoveOut(system_id=m.system_id, system_name=m.system_name, status=m.status,
                           move_id=m.move_id) for m in o.moves],
            replaced=None if o.replaced is None else DecisionOut.of(o.replaced),
        )  # fmt: skip


def build_router() -> APIRouter:
    router = APIRouter(tags=["discovery"])

    @router.get(
        "/discovery/duplicates", summary="Duplicate initiatives across units, costliest first"
    )
    def list_duplicates(db: DbDep, principal: Reader, page: PageDep) -> Page[ClusterOut]:
        with db.reading() as session:
            found = duplicate_clusters(session, principal, utcnow().date())
        shown = found[page.offset : page.offset + page.limit]
        return Page.of([ClusterOut.of(c) for c in shown], len(found), page)

    @router.post(
        "/discovery/duplicates/decisions",
        status_code=status.HTTP_201_CREATED,
        summary="Merge a cluster into one system, or keep its members apart (audited)",
    )
    def post_decision(
        body: DecisionIn, request: Request, db: DbDep, principal: Decider
    ) -> DecisionResultOut:
        members = None if body.members is None else tuple(body.members)
        asked = DecisionRequest(body.decision, body.reason, body.cluster_key, members,
                                body.keep_system_id)  # fmt: skip
        ctx = change_context(request, principal)
        return DecisionResultOut.of(record_decision(db, ctx, asked, utcnow().date()))

    return router
