"""REST routes of risk: EU AI Act assessments and the risk register (thin: parse, call, shape)."""

from __future__ import annotations

import uuid
from typing import Annotated

from fastapi import APIRouter, Query, Request, status

from aitower.core.access.principal import Principal
from aitower.core.db.base import utcnow
from aitower.core.web.deps import DbDep, change_context, guard
from aitower.core.web.pagination import Page, PageDep
from aitower.risk import eu_ai_act, service
from aitower.risk.permissions import RiskPermission
from aitower.risk.register import RiskCategory, RiskFields, RiskStatus
from aitower.risk.schemas import (
    AnswersIn,
    AssessmentOut,
    ClassificationOut,
    HeatMapOut,
    RiskIn,
    RiskOut,
    RiskPatch,
    SectionOut,
    questionnaire,
)

Reader = Annotated[Principal, guard(RiskPermission.risk_read)]
Writer = Annotated[Principal, guard(RiskPermission.risk_write)]
Classifier = Annotated[Principal, guard(RiskPermission.risk_classify)]


def _assessment_routes(router: APIRouter) -> None:
    @router.get("/ai-act/questionnaire", tags=["risk"], summary="The EU AI Act questions")
    def get_questionnaire(_: Reader) -> list[SectionOut]:
        return questionnaire()

    @router.post("/ai-act/classify", tags=["risk"], summary="Classify answers without storing them")
    def classify(body: AnswersIn, _: Reader) -> ClassificationOut:
        return ClassificationOut.of(eu_ai_act.classify(body.answers))

    @router.get(
        "/systems/{system_id}/assessment",
        tags=["risk"],
        summary="The assessment in force (null when never assessed)",
    )
    def current(system_id: uuid.UUID, db: DbDep, principal: Reader) -> AssessmentOut | None:
        with db.reading() as session:
            found = service.current_assessment(session, principal, system_id)
        return None if found is None else AssessmentOut.of_assessment(found)

    @router.get(
        "/systems/{system_id}/assessments", tags=["risk"], summary="Every version, newest first"
    )
    def versions(system_id: uuid.UUID, db: DbDep, principal: Reader) -> list[AssessmentOut]:
        with db.reading() as session:
            found = service.list_assessments(session, principal, system_id)
        return [AssessmentOut.of_assessment(a) for a in found]

    @router.post(
        "/systems/{system_id}/assessments",
        tags=["risk"],
        summary="Answer the questionnaire: stores a new version and re-tiers the system",
    )
    def assess(
        system_id: uuid.UUID, body: AnswersIn, request: Request, db: DbDep, principal: Classifier
    ) -> AssessmentOut:
        with db.writing() as session:
            result = service.assess(
                session, change_context(request, principal), system_id, body.answers
            )
        return AssessmentOut.of_assessment(result)


def _register_routes(router: APIRouter) -> None:
    @router.get("/risks", tags=["risk"], summary="The risk register, highest residual first")
    def list_risks(
        db: DbDep,
        page: PageDep,
        principal: Reader,
        system: Annotated[uuid.UUID | None, Query(description="Only this system")] = None,
        unit: Annotated[uuid.UUID | None, Query(description="Only this business unit")] = None,
        category: RiskCategory | None = None,
        status: RiskStatus | None = None,
        min_residual: Annotated[int | None, Query(ge=1, le=25)] = None,
        overdue: Annotated[bool, Query(description="Only risks past their review")] = False,
    ) -> Page[RiskOut]:
        today = utcnow().date()
        filters = service.RiskFilter(
            system_id=system,
            unit_id=unit,
            category=None if category is None else category.value,
            status=None if status is None else status.value,
            min_residual=min_residual,
            overdue=overdue,
            today=today,
        )
        with db.reading() as session:
            risks, total = service.list_risks(
                session, principal, filters, limit=page.limit, offset=page.offset
            )
        return Page.of([RiskOut.of(r, today) for r in risks], total, page)

    @router.get("/risks/heat-map", tags=["risk"], summary="5×5 counts of not-closed risks")
    def heat_map(db: DbDep, principal: Reader, residual: bool = True) -> HeatMapOut:
        with db.reading() as session:
            matrix = service.heat_map(session, principal, residual=residual)
        return HeatMapOut(residual=residual, likelihood_by_impact=matrix)

    @router.post(
        "/systems/{system_id}/risks",
        tags=["risk"],
        status_code=status.HTTP_201_CREATED,
        summary="Add a risk to a system's register",
    )
    def add_risk(
        system_id: uuid.UUID, body: RiskIn, request: Request, db: DbDep, principal: Writer
    ) -> RiskOut:
        fields = RiskFields(
            **body.model_dump(exclude={"owner"}, mode="python"),
        )
        new = service.NewRisk(fields, owner=body.owner)
        with db.writing() as session:
            risk = service.add_risk(session, change_context(request, principal), system_id, new)
        return RiskOut.of(risk, utcnow().date())

    @router.get("/risks/{risk_id}", tags=["risk"], summary="One risk")
    def get_risk(risk_id: uuid.UUID, db: DbDep, principal: Reader) -> RiskOut:
        with db.reading() as session:
            risk = service.get_risk(session, principal, risk_id)
        return RiskOut.of(risk, utcnow().date())

    @router.patch("/risks/{risk_id}", tags=["risk"], summary="Change a risk")
    def update_risk(
        risk_id: uuid.UUID, body: RiskPatch, request: Request, db: DbDep, principal: Writer
    ) -> RiskOut:
        with db.writing() as session:
            risk = service.update_risk(
                session, change_context(request, principal), risk_id, body.changes()
            )
        return RiskOut.of(risk, utcnow().date())


def build_router() -> APIRouter:
    router = APIRouter()
    _assessment_routes(router)
    _register_routes(router)
    return router
