"""Pages of the review queue: the queue with its filters, an item beside its transcript, the
"send to review" form, and quality from verdicts.

Forms follow Post/Redirect/Get: success redirects with a fixed ``?notice=`` code; a refusal
answers the page again with the reason.
"""

from __future__ import annotations

import uuid
from datetime import timedelta
from typing import Annotated, Any

from fastapi import APIRouter, Form, Query, Request
from starlette.responses import RedirectResponse, Response

from aitower.core.access.pages_shared import FormProblem
from aitower.core.access.principal import Principal
from aitower.core.db.base import utcnow
from aitower.core.db.engine import Database
from aitower.core.errors import DomainError, InvalidInput
from aitower.core.web.charts.bars import bar_chart_svg
from aitower.core.web.deps import DbDep, change_context, guard
from aitower.core.web.pagination import PageDep
from aitower.core.web.templating import render
from aitower.inventory import service as inventory
from aitower.review import quality, service
from aitower.review.domain import Source, Status, Verdict
from aitower.review.item_detail import item_detail
from aitower.review.permissions import ReviewPermission
from aitower.review.route_pages import add_route_pages

Reader = Annotated[Principal, guard(ReviewPermission.review_read)]
Reviewer = Annotated[Principal, guard(ReviewPermission.review_verdict)]
NOTICES = {
    "claimed": "The item is assigned to you.",
    "judged": "Your verdict was saved and recorded on the audit trail.",
    "flagged": "The trace was sent to review.",
}
VERDICT_LABELS = {
    Verdict.correct: "Correct",
    Verdict.hallucination: "Hallucination",
    Verdict.policy_violation: "Policy violation",
    Verdict.leak: "Leak",
    Verdict.false_alarm: "False alarm",
}


def queue_page(
    request: Request,
    db: DbDep,
    principal: Reader,
    page: PageDep,
    mine: Annotated[str, Query(max_length=3)] = "",
    my_role: Annotated[str, Query(max_length=3)] = "",
    system_id: Annotated[str, Query(max_length=36)] = "",
    source: Annotated[str, Query(max_length=16)] = "",
    status: Annotated[str, Query(max_length=8)] = "open",
    notice: Annotated[str | None, Query(max_length=32)] = None,
) -> Response:
    system = _uuid(system_id, "system_id")
    f = service.ItemFilter(mine == "yes", my_role == "yes", system, source or None, status or None)
    with db.reading() as session:
        items, total = service.list_items(session, principal, f, page.limit, page.offset)
        systems = inventory.visible_systems(session, principal)
    params = {"mine": mine, "my_role": my_role, "system_id": system_id, "source": source}
    return render(
        request,
        "review/queue.html",
        principal,
        section="review",
        items=items,
        total=total,
        page=page,
        params={**params, "status": status},
        systems=systems,
        sources=[s.value for s in Source],
        statuses=[s.value for s in Status],
        notice=NOTICES.get(notice or ""),
    )


def _uuid(value: str, name: str) -> uuid.UUID | None:
    if not value:
        return None
    try:
        return uuid.UUID(value)
    except ValueError:
        raise InvalidInput.on(name, "must be a UUID") from None


def _item_page(
    request: Request,
    db: Database,
    principal: Principal,
    item_id: uuid.UUID,
    *,
    notice: str | None = None,
    problem: FormProblem | None = None,
    form: dict[str, str] | None = None,
) -> Response:
    with db.reading() as session:
        detail = item_detail(session, principal, item_id)
    return render(
        request,
        "review/item.html",
        principal,
        status_code=200 if problem is None else problem.status,
        section="review",
        d=detail,
        item=detail.item,
        verdicts=list(VERDICT_LABELS.items()),
        can_review=principal.can(ReviewPermission.review_verdict),
        mine=principal.person_id is not None and detail.item.assignee == principal.person_id,
        notice=NOTICES.get(notice or ""),
        problem=problem,
        form=form or {"verdict": detail.item.verdict or "", "notes": detail.item.notes},
    )


def item_page(
    item_id: uuid.UUID,
    request: Request,
    db: DbDep,
    principal: Reader,
    notice: Annotated[str | None, Query(max_length=32)] = None,
) -> Response:
    return _item_page(request, db, principal, item_id, notice=notice)


def claim(item_id: uuid.UUID, request: Request, db: DbDep, principal: Reviewer) -> Response:
    try:
        with db.writing() as session:
            service.claim(session, change_context(request, principal), item_id)
    except InvalidInput as exc:
        return _item_page(request, db, principal, item_id, problem=FormProblem.of(exc))
    return RedirectResponse(f"/review/{item_id}?notice=claimed", status_code=303)


def verdict(
    item_id: uuid.UUID,
    request: Request,
    db: DbDep,
    principal: Reviewer,
    verdict: Annotated[str, Form(max_length=32)] = "",
    notes: Annotated[str, Form(max_length=4000)] = "",
) -> Response:
    try:
        with db.writing() as session:
            service.give_verdict(
                session, change_context(request, principal), item_id, verdict, notes
            )
    except InvalidInput as exc:
        form = {"verdict": verdict, "notes": notes}
        return _item_page(request, db, principal, item_id, problem=FormProblem.of(exc), form=form)
    return RedirectResponse(f"/review/{item_id}?notice=judged", status_code=303)


def _flag_form(
    request: Request,
    principal: Principal,
    form: dict[str, str],
    problem: FormProblem | None = None,
) -> Response:
    return render(
        request,
        "review/flag.html",
        principal,
        status_code=200 if problem is None else problem.status,
        section="review",
        form=form,
        problem=problem,
    )


def flag_page(
    request: Request,
    principal: Reviewer,
    trace_id: Annotated[str, Query(max_length=64)] = "",
) -> Response:
    return _flag_form(request, principal, {"trace_id": trace_id, "reason": ""})


def flag(
    request: Request,
    db: DbDep,
    principal: Reviewer,
    trace_id: Annotated[str, Form(max_length=64)] = "",
    reason: Annotated[str, Form(max_length=1000)] = "",
) -> Response:
    try:
        with db.writing() as session:
            made = service.flag(session, change_context(request, principal), trace_id, reason)
    except DomainError as exc:
        form = {"trace_id": trace_id, "reason": reason}
        return _flag_form(request, principal, form, FormProblem.of(exc))
    visible = principal.role in service.OVERSEERS or made.assigned_role == principal.role.value
    target = f"/review/{made.id}" if visible else "/review"
    return RedirectResponse(f"{target}?notice=flagged", status_code=303)


def quality_page(
    request: Request,
    db: DbDep,
    principal: Reader,
    days: Annotated[int, Query(ge=1, le=3650)] = 30,
) -> Response:
    now = utcnow()
    with db.reading() as session:
        report = quality.quality_report(session, principal, now - timedelta(days=days), None)
    bars: list[tuple[str, float]] = [
        (p.finding_type, p.precision * 100.0) for p in report.precision if p.precision is not None
    ]
    context: dict[str, Any] = {
        "report": report,
        "days": days,
        "chart": bar_chart_svg(bars, title="Measured precision per finding type (%)"),
    }
    return render(request, "review/quality.html", principal, section="review", **context)


def build_router() -> APIRouter:
    router = APIRouter(include_in_schema=False)
    router.get("/review")(queue_page)
    # Fixed paths before /review/{item_id}, which would take them for an id.
    router.get("/review/quality")(quality_page)
    router.get("/review/flag")(flag_page)
    router.post("/review/flag")(flag)
    router.get("/review/{item_id}")(item_page)
    router.post("/review/{item_id}/claim")(claim)
    router.post("/review/{item_id}/verdict")(verdict)
    add_route_pages(router)
    return router
