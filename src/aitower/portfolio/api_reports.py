"""REST routes of the executive dashboard and its scheduled reports (thin: parse, call, shape).

``GET /value/summary`` is the dashboard's figures; ``GET /value/report`` downloads the report
(HTML, PDF or CSV) of the period just ended or in progress; ``/value/report-subscriptions``
keeps who receives it, and ``…/{id}/send`` sends it now.
"""

from __future__ import annotations

import uuid
from datetime import datetime, timedelta
from typing import Annotated, Literal

from fastapi import APIRouter, Query, Request, Response, status

from aitower.core.access.principal import Principal
from aitower.core.db.base import utcnow
from aitower.core.web.deps import DbDep, change_context, guard
from aitower.portfolio import report_subscriptions as subs
from aitower.portfolio.dashboard import build_report, dashboard_report
from aitower.portfolio.permissions import PortfolioPermission
from aitower.portfolio.report_model import Cadence, Period, period_containing, period_ended_by
from aitower.portfolio.report_render import render
from aitower.portfolio.report_schemas import SentOut, SubscriptionIn, SubscriptionOut, SummaryOut
from aitower.portfolio.report_sending import send_now

Reader = Annotated[Principal, guard(PortfolioPermission.read)]
Writer = Annotated[Principal, guard(PortfolioPermission.reports_write)]
TAG = "value"
Which = Literal["last", "current"]


def report_period(cadence: Cadence, which: Which, now: datetime) -> Period:
    """The period just ended, or the one in progress up to the end of today."""
    if which == "last":
        return period_ended_by(cadence, now)
    today = now.date()
    current = period_containing(cadence, today)
    return Period(cadence, current.start, today + timedelta(days=1))


def build_router() -> APIRouter:
    router = APIRouter(tags=[TAG])

    @router.get("/value/summary", summary="The executive dashboard's figures, in your units")
    def summary(db: DbDep, principal: Reader) -> SummaryOut:
        now = utcnow()
        with db.reading() as session:
            report = dashboard_report(session, principal, now.date(), now)
        return SummaryOut.of(report)

    @router.get(
        "/value/report",
        summary="Download the executive report",
        responses={200: {"content": {"application/pdf": {}, "text/csv": {}, "text/html": {}}}},
    )
    def download(
        db: DbDep,
        principal: Reader,
        format: Annotated[Literal["html", "pdf", "csv"], Query()] = "pdf",
        cadence: Annotated[Literal["weekly", "monthly"], Query()] = "monthly",
        period: Annotated[Which, Query(description="last: just ended; current: so far")] = "last",
        unit_id: uuid.UUID | None = None,
    ) -> Response:
        now = utcnow()
        with db.reading() as session:
            report = build_report(
                session, principal, report_period(cadence, period, now), now, unit_id=unit_id
            )
        file = render(report, format)
        disposition = f'attachment; filename="{file.filename}"'
        return Response(
            file.content, media_type=file.media_type, headers={"Content-Disposition": disposition}
        )

    @router.get("/value/report-subscriptions", summary="The report subscriptions you may see")
    def list_subscriptions(db: DbDep, principal: Reader) -> list[SubscriptionOut]:
        with db.reading() as session:
            return [SubscriptionOut.of(v) for v in subs.list_subscriptions(session, principal)]

    @router.post(
        "/value/report-subscriptions",
        status_code=status.HTTP_201_CREATED,
        summary="Subscribe people to the weekly or monthly report",
    )
    def create(
        request: Request, db: DbDep, principal: Writer, body: SubscriptionIn
    ) -> SubscriptionOut:
        with db.writing() as session:
            view = subs.create_subscription(
                session, change_context(request, principal), body.spec(), utcnow()
            )
        return SubscriptionOut.of(view)

    @router.get("/value/report-subscriptions/{subscription_id}", summary="One subscription")
    def get(db: DbDep, principal: Reader, subscription_id: uuid.UUID) -> SubscriptionOut:
        with db.reading() as session:
            return SubscriptionOut.of(subs.get_subscription(session, principal, subscription_id))

    @router.put("/value/report-subscriptions/{subscription_id}", summary="Change a subscription")
    def update(
        request: Request,
        db: DbDep,
        principal: Writer,
        subscription_id: uuid.UUID,
        body: SubscriptionIn,
    ) -> SubscriptionOut:
        with db.writing() as session:
            view = subs.update_subscription(
                session, change_context(request, principal), subscription_id, body.spec(), utcnow()
            )
        return SubscriptionOut.of(view)

    @router.delete(
        "/value/report-subscriptions/{subscription_id}",
        status_code=204,
        summary="Stop a subscription",
    )
    def delete(
        request: Request, db: DbDep, principal: Writer, subscription_id: uuid.UUID
    ) -> Response:
        with db.writing() as session:
            subs.delete_subscription(session, change_context(request, principal), subscription_id)
        return Response(status_code=204)

    @router.post(
        "/value/report-subscriptions/{subscription_id}/send",
        summary="Send the report of the period just ended now (502 when the mail server fails)",
    )
    def send(request: Request, db: DbDep, principal: Writer, subscription_id: uuid.UUID) -> SentOut:
        period = send_now(db, change_context(request, principal), subscription_id, utcnow())
        return SentOut(sent=True, period_start=period.start, period_end=period.end)

    return router
