"""REST routes of value models, ROI and portfolio decisions (thin: parse, call, shape)."""

from __future__ import annotations

import uuid
from typing import Annotated

from fastapi import APIRouter, Query, Request, Response, status

from aitower.core.access.principal import Principal
from aitower.core.db.base import utcnow
from aitower.core.errors import NotFound
from aitower.core.web.deps import DbDep, change_context, guard
from aitower.portfolio import decisions, value_service
from aitower.portfolio.permissions import PortfolioPermission
from aitower.portfolio.schemas_value import (
    DecisionIn,
    DecisionOut,
    PortfolioLineOut,
    SystemValueOut,
    ValueModelIn,
    ValueModelOut,
    ValueReportOut,
)
from aitower.portfolio.values import range_of, system_values

Reader = Annotated[Principal, guard(PortfolioPermission.read)]
Declarer = Annotated[Principal, guard(PortfolioPermission.declare)]
Decider = Annotated[Principal, guard(PortfolioPermission.decide)]
Months = Annotated[int | None, Query(ge=1, le=36, description="Months in the range (12)")]
Until = Annotated[
    str | None, Query(max_length=7, description="Last month included, YYYY-MM (last whole)")
]


def _model_routes(router: APIRouter) -> None:
    @router.get("/systems/{system_id}/value-model", summary="The system's declared value model")
    def get_model(system_id: uuid.UUID, db: DbDep, principal: Reader) -> ValueModelOut:
        with db.reading() as session:
            found = value_service.get_value_model(session, principal, system_id)
        if found is None:
            raise NotFound(f"no value model for system {system_id}")
        return ValueModelOut.of(found)

    @router.put(
        "/systems/{system_id}/value-model",
        summary="Declare or replace the system's value model (audited)",
    )
    def put_model(
        system_id: uuid.UUID, body: ValueModelIn, request: Request, db: DbDep, principal: Declarer
    ) -> ValueModelOut:
        with db.writing() as session:
            saved = value_service.declare_value_model(
                session, change_context(request, principal), system_id, body.fields()
            )
        return ValueModelOut.of(saved)

    @router.delete(
        "/systems/{system_id}/value-model",
        status_code=status.HTTP_204_NO_CONTENT,
        summary="Withdraw the system's value model (audited)",
    )
    def delete_model(
        system_id: uuid.UUID, request: Request, db: DbDep, principal: Declarer
    ) -> Response:
        with db.writing() as session:
            value_service.withdraw_value_model(
                session, change_context(request, principal), system_id
            )
        return Response(status_code=status.HTTP_204_NO_CONTENT)


def _value_routes(router: APIRouter) -> None:
    @router.get("/value/systems", summary="Cost, value, ROI and payback of each visible system")
    def list_values(
        db: DbDep, principal: Reader, months: Months = None, until: Until = None
    ) -> ValueReportOut:
        start, end = range_of(months, until, utcnow().date())
        with db.reading() as session:
            found = system_values(session, principal, start, end)
        return ValueReportOut(start=start, end=end, systems=[SystemValueOut.of(v) for v in found])

    @router.get("/value/systems/{system_id}", summary="One system's value and ROI, per month")
    def one_value(
        system_id: uuid.UUID,
        db: DbDep,
        principal: Reader,
        months: Months = None,
        until: Until = None,
    ) -> SystemValueOut:
        start, end = range_of(months, until, utcnow().date())
        with db.reading() as session:
            found = system_values(session, principal, start, end, [system_id])
        if not found:
            raise NotFound(f"no system {system_id}")
        return SystemValueOut.of(found[0], with_months=True)


def _decision_routes(router: APIRouter) -> None:
    @router.get(
        "/value/decisions",
        summary="Each visible system's recommendation, reasons and decision in force",
    )
    def list_portfolio(
        db: DbDep, principal: Reader, months: Months = None, until: Until = None
    ) -> list[PortfolioLineOut]:
        start, end = range_of(months, until, utcnow().date())
        with db.reading() as session:
            lines = decisions.portfolio(session, principal, start, end)
        return [PortfolioLineOut.of(line) for line in lines]

    @router.get("/systems/{system_id}/decisions", summary="The system's decisions, newest first")
    def list_decisions(system_id: uuid.UUID, db: DbDep, principal: Reader) -> list[DecisionOut]:
        with db.reading() as session:
            found = decisions.history(session, principal, system_id)
        return [DecisionOut.of(d) for d in found]

    @router.post(
        "/systems/{system_id}/decisions",
        status_code=status.HTTP_201_CREATED,
        summary="Record a portfolio decision (audited); retire and consolidate start the move",
    )
    def decide(
        system_id: uuid.UUID, body: DecisionIn, request: Request, db: DbDep, principal: Decider
    ) -> DecisionOut:
        with db.writing() as session:
            made = decisions.record_decision(
                session,
                change_context(request, principal),
                system_id,
                body.decision,
                into_system_id=body.into_system_id,
                note=body.note,
            )
        return DecisionOut.of(made)


def build_router() -> APIRouter:
    router = APIRouter(tags=["value"])
    _model_routes(router)
    _value_routes(router)
    _decision_routes(router)
    return router
