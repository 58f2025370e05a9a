"""Pages of risk on a system: its Risk tab (tier, questionnaire, versions, register), the
questionnaire's and the add-risk form's posts. The portfolio and the risk editor are in
``pages_portfolio``; both routers are built here.

Forms follow Post/Redirect/Get: success redirects with a fixed ``?notice=`` code; a refusal
answers the page again with the form as typed and each field's reason.
"""

from __future__ import annotations

import datetime as dt
import itertools
import uuid
from dataclasses import dataclass, field
from typing import Annotated, Any

from fastapi import APIRouter, Form, Query, Request
from starlette.concurrency import run_in_threadpool
from starlette.responses import RedirectResponse, Response

from aitower.core.access.pages_shared import FormProblem, owner_choices
from aitower.core.access.principal import Principal
from aitower.core.db.base import utcnow
from aitower.core.db.engine import Database
from aitower.core.errors import DomainError
from aitower.core.web.deps import DbDep, change_context, guard
from aitower.core.web.templating import render
from aitower.inventory.service import get_system_ref
from aitower.risk import eu_ai_act, eu_ai_act_timeline, pages_portfolio, service
from aitower.risk.eu_ai_act_obligations import ROLE_TITLES, catalog
from aitower.risk.forms import RiskForm, form_answers, rating_choices
from aitower.risk.permissions import RiskPermission
from aitower.risk.register import RiskStatus

Reader = Annotated[Principal, guard(RiskPermission.risk_read)]
Writer = Annotated[Principal, guard(RiskPermission.risk_write)]
Classifier = Annotated[Principal, guard(RiskPermission.risk_classify)]
Text = Annotated[str, Form(max_length=6000)]
SYSTEM_RISKS_SHOWN = 200

NOTICES: dict[str, str] = {
    "assessed": "The assessment was saved as a new version; the system's tier follows it.",
    "unchanged": "The answers are the same as the version in force: nothing changed.",
    "risk-added": "The risk was added to the register.",
    "risk-saved": "The risk was saved.",
}


@dataclass(frozen=True, slots=True)
class VersionChange:
    question: str
    before: bool | None
    after: bool


@dataclass(slots=True)
class RiskTabView:
    """What the Risk tab shows besides what it loads: a refused form, and the notice."""

    answers: dict[str, object] | None = None  # as typed, when the questionnaire was refused
    risk_form: RiskForm = field(default_factory=RiskForm)
    problem: FormProblem | None = None
    problem_target: str | None = None  # "assess" or "risk"
    notice: str | None = None


def _changes(versions: list[service.Assessment]) -> dict[int, list[VersionChange]]:
    """Per version, the answers that differ from the version before it."""
    result: dict[int, list[VersionChange]] = {}
    for newer, older in itertools.pairwise(versions):
        diff = eu_ai_act.changed_answers(older.answers, newer.answers)
        result[newer.version] = [
            VersionChange(eu_ai_act.QUESTIONS[q].text, old, new)
            for q, (old, new) in diff.items()
            if q in eu_ai_act.QUESTIONS
        ]
    return result


def _ai_act_view(current: service.Assessment | None, today: dt.date) -> dict[str, Any]:
    """The assessment in force seen under today's rules: the roles, duties and timeline, or the
    questions added since it was stored (its tier and obligations stay as stored)."""
    review = None if current is None else eu_ai_act.review(current.answers)
    found = None if review is None else review.classification
    return {
        "review": review,
        "reanswer": [] if review is None else [eu_ai_act.QUESTIONS[q] for q in review.missing
                                               if q in eu_ai_act.QUESTIONS],
        "classification": found,
        "timeline": None if found is None else eu_ai_act_timeline.build(found.duties, today),
        "role_titles": ROLE_TITLES,
        "catalog": catalog(),
        "questions": eu_ai_act.QUESTIONS,
    }  # fmt: skip


def _tab(
    request: Request, db: Database, principal: Principal, system_id: uuid.UUID, view: RiskTabView
) -> Response:
    with db.reading() as session:
        system = get_system_ref(session, principal, system_id)
        versions = service.list_assessments(session, principal, system_id)
        risks, total = service.list_risks(
            session, principal, service.RiskFilter(system_id=system_id), limit=SYSTEM_RISKS_SHOWN
        )
    current = versions[0] if versions else None
    shown_answers = (
        view.answers if view.answers is not None else (current.answers if current else {})
    )
    today = utcnow().date()
    context: dict[str, Any] = {
        "system": system,
        "current": current,
        **_ai_act_view(current, today),
        "versions": versions,
        "changes": _changes(versions),
        "sections": eu_ai_act.SECTIONS,
        "answers": shown_answers,
        "risks": risks,
        "risk_total": total,
        "today": today,
        "can_classify": principal.can(RiskPermission.risk_classify),
        "can_write": principal.can(RiskPermission.risk_write),
        "view": view,
        "notice": view.notice,
        "owners": owner_choices(db, principal) if principal.can(RiskPermission.risk_write) else [],
        **rating_choices(),
    }
    status = 200 if view.problem is None else view.problem.status
    return render(
        request,
        "risk/system_risk.html",
        principal,
        status_code=status,
        section="inventory",
        **context,
    )


def system_risk_page(
    system_id: uuid.UUID,
    request: Request,
    db: DbDep,
    principal: Reader,
    notice: Annotated[str | None, Query(max_length=64)] = None,
) -> Response:
    view = RiskTabView(notice=None if notice is None else NOTICES.get(notice))
    return _tab(request, db, principal, system_id, view)


def _assess_sync(
    request: Request,
    db: Database,
    principal: Principal,
    system_id: uuid.UUID,
    form: dict[str, object],
) -> Response:
    answers = form_answers(form)
    try:
        with db.writing() as session:
            before = service.current_assessment(session, principal, system_id)
            after = service.assess(session, change_context(request, principal), system_id, answers)
    except DomainError as exc:
        view = RiskTabView(answers=answers, problem=FormProblem.of(exc), problem_target="assess")
        return _tab(request, db, principal, system_id, view)
    notice = "unchanged" if before is not None and before.version == after.version else "assessed"
    return RedirectResponse(f"/systems/{system_id}/risk?notice={notice}", status_code=303)


async def assess(
    system_id: uuid.UUID, request: Request, db: DbDep, principal: Classifier
) -> Response:
    """The questionnaire's radio groups are one field per question, so the form is read whole
    (the guard has read it already for the CSRF check); the database work runs off the loop."""
    form: dict[str, object] = {
        k: v for k, v in (await request.form()).items() if isinstance(v, str)
    }
    return await run_in_threadpool(_assess_sync, request, db, principal, system_id, form)


def add_risk(
    system_id: uuid.UUID,
    request: Request,
    db: DbDep,
    principal: Writer,
    title: Text = "",
    description: Text = "",
    category: Text = "",
    likelihood: Text = "",
    impact: Text = "",
    residual_likelihood: Text = "",
    residual_impact: Text = "",
    mitigations: Text = "",
    owner: Text = "",
    status: Text = RiskStatus.open.value,
    next_review: Text = "",
) -> Response:
    form = RiskForm(
        title, description, category, likelihood, impact, residual_likelihood,
        residual_impact, mitigations, owner, status, next_review,
    )  # fmt: skip
    try:
        new = service.NewRisk(form.fields(), owner=owner.strip() or None)
        with db.writing() as session:
            service.add_risk(session, change_context(request, principal), system_id, new)
    except DomainError as exc:
        view = RiskTabView(risk_form=form, problem=FormProblem.of(exc), problem_target="risk")
        return _tab(request, db, principal, system_id, view)
    return RedirectResponse(f"/systems/{system_id}/risk?notice=risk-added", status_code=303)


def build_router() -> APIRouter:
    router = APIRouter(include_in_schema=False)
    router.get("/systems/{system_id}/risk")(system_risk_page)
    router.post("/systems/{system_id}/risk/assessments")(assess)
    router.post("/systems/{system_id}/risks")(add_risk)
    pages_portfolio.register(router, NOTICES)
    return router
