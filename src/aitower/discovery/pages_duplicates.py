"""The duplicate initiatives page (``/discovery/duplicates``): clusters of systems and findings
that do the same job across units, with their reasons and combined monthly cost, and a form per
cluster to merge it into one system or keep its members apart.

Server-rendered and script-free. The decision form posts one choice (``keep_both`` or
``merge:<system id>``) and a reason; it follows Post/Redirect/Get with a fixed ``?notice=``
code, and a refusal answers the page again with the reason next to that cluster's field.
"""

from __future__ import annotations

import uuid
from typing import Annotated

from fastapi import APIRouter, Form, Query, Request
from starlette.responses import RedirectResponse, Response

from aitower.core.access.pages_shared import FormProblem
from aitower.core.access.principal import Principal
from aitower.core.db.base import utcnow
from aitower.core.db.engine import Database
from aitower.core.errors import DomainError, InvalidInput
from aitower.core.web.deps import DbDep, change_context, guard
from aitower.core.web.templating import render
from aitower.discovery.duplicates_decisions import DecisionRequest, record_decision
from aitower.discovery.duplicates_service import WINDOW_DAYS, duplicate_clusters
from aitower.discovery.permissions import DiscoveryPermission
from aitower.governance.permissions import GovernancePermission

Reader = Annotated[Principal, guard(DiscoveryPermission.findings_read)]
Decider = Annotated[Principal, guard(DiscoveryPermission.triage)]
Notice = Annotated[str | None, Query(max_length=64)]
Text = Annotated[str, Form(max_length=6000)]

NOTICES = {
    "kept": "Decision recorded: the members stay apart, for the reason given.",
    "merged": "Decision recorded: the other systems were asked to move to retirement; each "
    "move completed or waits on its gate (see each system's Governance tab).",
}
Count = Annotated[int | None, Query(ge=0, le=10_000)]


def _merged(completed: int | None, pending: int | None) -> str:
    """What a merge did, from the counts its redirect carries (never text from the URL)."""
    if completed is None or pending is None:
        return NOTICES["merged"]
    moved = f"{completed} {'system' if completed == 1 else 'systems'} moved to retirement"
    waiting = f"{pending} {'waits' if pending == 1 else 'wait'} on the retirement gate's approval"
    return f"Decision recorded: {moved}; {waiting} (see each system's Governance tab)."


def _choice(value: str) -> tuple[str, uuid.UUID | None]:
    """The form's one choice: ``keep_both`` or ``merge:<system id>``."""
    decision, _, system = value.strip().partition(":")
    if decision == "merge":
        try:
            return decision, uuid.UUID(system)
        except ValueError:
            raise InvalidInput.on("keep_system_id", "choose the system to keep") from None
    return decision, None


def _page(
    request: Request,
    db: Database,
    principal: Principal,
    *,
    notice: str | None = None,
    problem: FormProblem | None = None,
    target: str = "",
    typed: dict[str, str] | None = None,
) -> Response:
    with db.reading() as session:
        clusters = duplicate_clusters(session, principal, utcnow().date())
    return render(
        request, "discovery/duplicates.html", principal, section="discovery",
        status_code=problem.status if problem else 200, clusters=clusters, notice=notice,
        problem=problem, target=target, typed=typed or {}, window_days=WINDOW_DAYS,
        can_decide=principal.can(DiscoveryPermission.triage),
        can_merge=principal.can(GovernancePermission.lifecycle_move),
    )  # fmt: skip


def duplicates_page(request: Request, db: DbDep, principal: Reader, notice: Notice = None,
                    completed: Count = None, pending: Count = None) -> Response:  # fmt: skip
    shown = _merged(completed, pending) if notice == "merged" else NOTICES.get(notice or "")
    return _page(request, db, principal, notice=shown)


def post_decision(
    request: Request,
    db: DbDep,
    principal: Decider,
    cluster_key: Text = "",
    choice: Text = "",
    reason: Text = "",
) -> Response:
    try:
        decision, keep = _choice(choice)
        asked = DecisionRequest(decision, reason, cluster_key, None, keep)
        outcome = record_decision(db, change_context(request, principal), asked, utcnow().date())
    except DomainError as exc:
        typed = {"choice": choice, "reason": reason}
        return _page(request, db, principal, problem=FormProblem.of(exc), target=cluster_key,
                     typed=typed)  # fmt: skip
    if decision != "merge":
        return RedirectResponse("/discovery/duplicates?notice=kept", status_code=303)
    done = sum(1 for move in outcome.moves if move.status == "completed")
    target = (
        f"/discovery/duplicates?notice=merged&completed={done}&pending={len(outcome.moves) - done}"
    )
    return RedirectResponse(target, status_code=303)


def build_router() -> APIRouter:
    router = APIRouter(include_in_schema=False)
    router.get("/discovery/duplicates")(duplicates_page)
    router.post("/discovery/duplicates/decisions")(post_decision)
    return router
