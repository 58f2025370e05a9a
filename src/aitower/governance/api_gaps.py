"""REST route of the compliance gap report (thin: the service does the judging)."""

from __future__ import annotations

import uuid
from datetime import date, datetime
from typing import Annotated

from fastapi import APIRouter, Query
from pydantic import BaseModel

from aitower.core.access.principal import Principal
from aitower.core.web.deps import DbDep, guard
from aitower.governance.gap_service import GapReport, gap_report
from aitower.governance.gaps import GapRow
from aitower.governance.permissions import GovernancePermission

Reader = Annotated[Principal, guard(GovernancePermission.policies_read)]


class GapRowOut(BaseModel):
    article: str
    obligation: str
    status: str  # met | gap | not tracked | not assessed | re-answer needed
    detail: str
    applies_from: date | None
    applies_from_amended: date | None
    nist_ai_rmf: list[str]
    iso_iec_42001: list[str]

    @classmethod
    def of(cls, r: GapRow) -> GapRowOut:
        return cls(
            article=r.article,
            obligation=r.obligation,
            status=r.status,
            detail=r.detail,
            applies_from=r.applies_from,
            applies_from_amended=r.applies_from_amended,
            nist_ai_rmf=list(r.nist),
            iso_iec_42001=list(r.iso),
        )


class SystemGapsOut(BaseModel):
    system_id: uuid.UUID
    name: str
    tier: str | None
    counts: dict[str, int]
    rows: list[GapRowOut]


class GapReportOut(BaseModel):
    made_at: datetime
    counts: dict[str, int]
    systems: list[SystemGapsOut]

    @classmethod
    def of(cls, report: GapReport) -> GapReportOut:
        return cls(
            made_at=report.made_at,
            counts=report.counts,
            systems=[
                SystemGapsOut(
                    system_id=s.system_id,
                    name=s.name,
                    tier=s.tier,
                    counts=s.counts,
                    rows=[GapRowOut.of(r) for r in s.rows],
                )
                for s in report.systems
            ],
        )


def build_router() -> APIRouter:
    router = APIRouter()

    @router.get(
        "/compliance/gaps",
        tags=["policies"],
        summary="Each system's EU AI Act duties, the evidence showing each, and the gaps",
    )
    def gaps(
        db: DbDep, principal: Reader, system_id: Annotated[uuid.UUID | None, Query()] = None
    ) -> GapReportOut:
        with db.reading() as session:
            return GapReportOut.of(gap_report(session, principal, system_id=system_id))

    return router
