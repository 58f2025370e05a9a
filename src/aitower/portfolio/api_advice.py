"""``GET /api/v1/advice``: optimisation advice with its evidence, ranked by estimated saving,
for the systems and units the caller may see (thin: parse, call, shape)."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Annotated

from fastapi import APIRouter, Query
from pydantic import BaseModel, ConfigDict, Field

from aitower.core.access.principal import Principal
from aitower.core.db.base import utcnow
from aitower.core.web.deps import DbDep, guard
from aitower.core.web.pagination import Page, PageDep
from aitower.portfolio import advice_service
from aitower.portfolio.advice import Advice, AdviceKind
from aitower.portfolio.permissions import PortfolioPermission

STRICT = ConfigDict(extra="forbid")
Reader = Annotated[Principal, guard(PortfolioPermission.read)]


class LinkOut(BaseModel):
    model_config = STRICT
    label: str
    href: str


class SeriesOut(BaseModel):
    model_config = STRICT
    name: str
    points: list[tuple[str, float]]


class ChartOut(BaseModel):
    model_config = STRICT
    kind: str = Field(description="bars | lines")
    title: str
    unit: str
    series: list[SeriesOut]


class AdviceOut(BaseModel):
    """One item of advice; ``evidence`` holds the numbers it rests on (statistical tests: the
    test, n, means, p-value and minimum detectable difference per score name)."""

    model_config = STRICT
    kind: AdviceKind
    title: str
    monthly_saving: float = Field(description="Estimated saving per month, USD")
    confidence: str = Field(description="high | medium | low")
    summary: str
    system_id: uuid.UUID | None
    unit_ids: list[uuid.UUID]
    evidence: dict[str, float | int | str | None]
    facts: list[str]
    links: list[LinkOut]
    chart: ChartOut | None

    @classmethod
    def of(cls, a: Advice) -> AdviceOut:
        chart = None
        if a.chart is not None:
            series = [SeriesOut(name=n, points=list(p)) for n, p in a.chart.series]
            chart = ChartOut(
                kind=a.chart.kind, title=a.chart.title, unit=a.chart.unit, series=series
            )
        return cls(
            kind=a.kind,
            title=a.title,
            monthly_saving=round(a.monthly_saving, 2),
            confidence=a.confidence.value,
            summary=a.summary,
            system_id=a.system_id,
            unit_ids=list(a.unit_ids),
            evidence=a.evidence,
            facts=list(a.facts),
            links=[LinkOut(label=link.label, href=link.href) for link in a.links],
            chart=chart,
        )


class AdvicePage(Page[AdviceOut]):
    as_of: datetime
    total_monthly_saving: float = Field(description="Sum over every matching item, USD")


Text = Annotated[str, Query(max_length=40)]


def build_router() -> APIRouter:
    router = APIRouter(tags=["portfolio"])

    @router.get("/advice", summary="Optimisation advice with its evidence, largest saving first")
    def list_advice(
        db: DbDep,
        principal: Reader,
        page: PageDep,
        system: Annotated[str, Query(max_length=40, description="An AI system's id")] = "",
        unit: Annotated[str, Query(max_length=40, description="A business unit's id")] = "",
        kind: Annotated[
            str, Query(max_length=40, description=", ".join(k.value for k in AdviceKind))
        ] = "",
    ) -> AdvicePage:
        flt = advice_service.parse_filter(system, unit, kind)
        with db.reading() as session:
            report = advice_service.advise(session, principal, flt, utcnow())
        items = [AdviceOut.of(a) for a in report.items[page.offset : page.offset + page.limit]]
        shown = Page.of(items, len(report.items), page)
        return AdvicePage(
            **shown.model_dump(exclude={"items"}),
            items=items,
            as_of=report.as_of,
            total_monthly_saving=round(report.total_saving, 2),
        )

    return router
