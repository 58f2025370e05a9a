"""The scheduled reports page ``/value/reports``: who receives the executive report and when,
add or stop a subscription, send one now, download the report in any format.

The forms are shown only to readers who may change subscriptions (``reports.write``); a
stakeholder's unit choice holds only her units.
"""

from __future__ import annotations

import uuid
from typing import Annotated

from fastapi import APIRouter, Request
from starlette.concurrency import run_in_threadpool
from starlette.responses import RedirectResponse, Response

from aitower.core.access.pages_shared import FormProblem, parse_uuid
from aitower.core.access.principal import Principal
from aitower.core.access.service import list_units
from aitower.core.db.base import utcnow
from aitower.core.db.engine import Database
from aitower.core.errors import DomainError, InvalidInput
from aitower.core.web.deps import DbDep, change_context, guard
from aitower.core.web.templating import render
from aitower.portfolio import report_subscriptions as subs
from aitower.portfolio.api_reports import Which, report_period
from aitower.portfolio.dashboard import build_report
from aitower.portfolio.permissions import PortfolioPermission
from aitower.portfolio.report_model import FORMATS, Cadence
from aitower.portfolio.report_render import render as render_report
from aitower.portfolio.report_sending import send_now

Reader = Annotated[Principal, guard(PortfolioPermission.read)]
Writer = Annotated[Principal, guard(PortfolioPermission.reports_write)]
NOTICES = {
    "created": "The subscription was added and recorded on the audit trail.",
    "deleted": "The subscription was stopped and recorded on the audit trail.",
    "sent": "The report was sent.",
}
Form = dict[str, list[str]]


def _page(
    request: Request,
    db: Database,
    principal: Principal,
    *,
    notice: str | None = None,
    problem: FormProblem | None = None,
    form: Form | None = None,
) -> Response:
    with db.reading() as session:
        found = subs.list_subscriptions(session, principal)
        units = [
            u
            for u in list_units(session)
            if principal.unit_ids is None or u.id in principal.unit_ids
        ]
        channels = subs.email_channels(session)
    return render(
        request,
        "portfolio/reports.html",
        principal,
        status_code=200 if problem is None else problem.status,
        section="cost",
        subscriptions=found,
        units=units,
        unit_names={u.id: u.name for u in units},
        channels=channels,
        org_wide=principal.unit_ids is None,
        can_write=principal.can(PortfolioPermission.reports_write),
        notice=notice,
        problem=problem,
        form=form or {},
    )


def reports_page(request: Request, db: DbDep, principal: Reader) -> Response:
    notice = NOTICES.get(request.query_params.get("notice", ""))
    return _page(request, db, principal, notice=notice)


async def _form(request: Request) -> Form:
    raw = await request.form()
    form: Form = {}
    for key, value in raw.multi_items():
        if isinstance(value, str):
            form.setdefault(key, []).append(value)
    return form


def spec_from_form(form: Form) -> subs.SubscriptionSpec:
    def one(name: str) -> str:
        return (form.get(name) or [""])[0].strip()

    unit, channel = one("unit_id"), one("channel_id")
    unit_id = parse_uuid(unit) if unit else None
    if unit and unit_id is None:
        raise InvalidInput.on("unit_id", "not a business unit")
    channel_id = parse_uuid(channel) if channel else None
    if channel and channel_id is None:
        raise InvalidInput.on("channel_id", "not a notification channel")
    recipients = [a for a in one("recipients").replace("\n", ",").split(",") if a.strip()]
    return subs.SubscriptionSpec(
        name=one("name"),
        cadence=one("cadence"),
        recipients=recipients,
        formats=form.get("formats", []),
        unit_id=unit_id,
        channel_id=channel_id,
    )


def _create(request: Request, db: Database, principal: Principal, form: Form) -> Response:
    try:
        spec = spec_from_form(form)
        with db.writing() as session:
            subs.create_subscription(session, change_context(request, principal), spec, utcnow())
    except DomainError as exc:
        return _page(request, db, principal, problem=FormProblem.of(exc), form=form)
    return RedirectResponse("/value/reports?notice=created", status_code=303)


async def create_subscription(request: Request, db: DbDep, principal: Writer) -> Response:
    form = await _form(request)
    return await run_in_threadpool(_create, request, db, principal, form)


def _act(
    request: Request, db: Database, principal: Principal, subscription_id: uuid.UUID, action: str
) -> Response:
    try:
        if action == "delete":
            with db.writing() as session:
                subs.delete_subscription(
                    session, change_context(request, principal), subscription_id
                )
        else:
            send_now(db, change_context(request, principal), subscription_id, utcnow())
    except DomainError as exc:
        return _page(request, db, principal, problem=FormProblem.of(exc))
    notice = "deleted" if action == "delete" else "sent"
    return RedirectResponse(f"/value/reports?notice={notice}", status_code=303)


async def delete_subscription(
    subscription_id: uuid.UUID, request: Request, db: DbDep, principal: Writer
) -> Response:
    await _form(request)  # the CSRF check has read it
    return await run_in_threadpool(_act, request, db, principal, subscription_id, "delete")


async def send_subscription(
    subscription_id: uuid.UUID, request: Request, db: DbDep, principal: Writer
) -> Response:
    await _form(request)
    return await run_in_threadpool(_act, request, db, principal, subscription_id, "send")


def download(
    db: DbDep,
    principal: Reader,
    format: str = "pdf",
    cadence: str = "monthly",
    period: str = "last",
    unit_id: str = "",
) -> Response:
    """The download form's target (a form sends an empty unit as ``unit_id=``, which the
    API's typed parameter refuses): the same report as ``GET /api/v1/value/report``."""
    fmt = format if format in FORMATS else "pdf"
    chosen: Cadence = "weekly" if cadence == "weekly" else "monthly"
    which: Which = "current" if period == "current" else "last"
    unit = parse_uuid(unit_id) if unit_id else None
    now = utcnow()
    with db.reading() as session:
        report = build_report(
            session, principal, report_period(chosen, which, now), now, unit_id=unit
        )
    file = render_report(report, fmt)
    disposition = f'attachment; filename="{file.filename}"'
    return Response(
        file.content, media_type=file.media_type, headers={"Content-Disposition": disposition}
    )


def build_router() -> APIRouter:
    router = APIRouter()
    router.get("/value/reports")(reports_page)
    router.get("/value/reports/download")(download)
    router.post("/value/reports")(create_subscription)
    router.post("/value/reports/{subscription_id}/delete")(delete_subscription)
    router.post("/value/reports/{subscription_id}/send")(send_subscription)
    return router
