"""Pages of policies: list, editor with validation, evaluation preview, compliance.

The editor is a plain form: "Validate & preview" posts the YAML and shows the errors (with their
path or line) and which systems the draft would pass, warn or block, saving nothing; "Save"
stores a new version and redirects (Post/Redirect/Get) with a notice.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated, Any

from fastapi import APIRouter, Form, Query, Request
from starlette.responses import RedirectResponse, Response

from aitower.core.access.pages_shared import FormProblem
from aitower.core.access.principal import Principal
from aitower.core.db.base import utcnow
from aitower.core.errors import DomainError
from aitower.core.web.charts import bar_chart_svg
from aitower.core.web.deps import DbDep, change_context, guard
from aitower.core.web.templating import render
from aitower.governance import compliance
from aitower.governance import policy_service as service
from aitower.governance.compliance import PolicyPreview, PortfolioCompliance
from aitower.governance.permissions import GovernancePermission
from aitower.governance.policy import MAX_VERSION

Reader = Annotated[Principal, guard(GovernancePermission.policies_read)]
Writer = Annotated[Principal, guard(GovernancePermission.policies_write)]
SourceField = Annotated[str, Form(max_length=100_000)]
ShortField = Annotated[str, Form(max_length=600)]
TABLE_ROWS = 100  # the compliance page lists the worst systems; the API pages through all

NOTICES: dict[str, str] = {
    "policy-created": "The policy was saved as version 1 and is enabled.",
    "policy-saved": "The policy was saved as a new version.",
    "policy-unchanged": "Nothing changed: the source is the same as the current version.",
    "policy-enabled": "The policy is enabled: gates and compliance apply it from now on.",
    "policy-disabled": "The policy is disabled: gates and compliance ignore it.",
}
NEW_TEMPLATE = """key: my-policy
name: What this policy demands, in one sentence
description: Why it exists (which law, standard or lesson it reflects).
applies_to:
  tiers: [high]
gates: [deployment]
requirements:
  - document: impact_assessment
  - approval: {role: governance, count: 1}
"""


@dataclass(frozen=True, slots=True)
class EditorView:
    key: str | None  # None: a new policy
    source: str
    comment: str = ""
    problem: FormProblem | None = None
    preview: PolicyPreview | None = None
    validated: bool = False


def _notice(code: str | None) -> str | None:
    return None if code is None else NOTICES.get(code)


def _outcome_chart(found: PortfolioCompliance) -> Any:
    bars: list[tuple[str, float]] = []
    for tally in found.policies:
        bars.extend(
            [(f"{tally.key}: block", tally.blocking), (f"{tally.key}: warn", tally.warning)]
        )
    return bar_chart_svg(
        [b for b in bars if b[1] > 0] or [("no findings", 0.0)],
        title="Systems warned or blocked, per policy",
        horizontal=True,
        width=1000,  # the chart spans the page: draw it at that size so its text stays small
    )


def _compliance_page(request: Request, db: DbDep, principal: Reader) -> Response:
    with db.reading() as session:
        found = compliance.portfolio_compliance(session, principal, utcnow().date())
    return render(
        request,
        "governance/compliance.html",
        principal,
        section="governance",
        data=found,
        rows=found.systems[:TABLE_ROWS],
        chart=_outcome_chart(found),
        can_approve=principal.can(GovernancePermission.approvals_read),
    )


def _list_page(
    request: Request,
    db: DbDep,
    principal: Reader,
    notice: Annotated[str | None, Query(max_length=64)] = None,
) -> Response:
    with db.reading() as session:
        policies = service.list_policies(session)
        found = compliance.portfolio_compliance(session, principal, utcnow().date())
    blocked = {t.key: t.blocking for t in found.policies}
    return render(
        request,
        "governance/policies.html",
        principal,
        section="governance",
        policies=policies,
        blocked=blocked,
        can_write=principal.can(GovernancePermission.policies_write),
        notice=_notice(notice),
    )


def _detail_page(
    request: Request,
    key: str,
    db: DbDep,
    principal: Reader,
    version: Annotated[int | None, Query(ge=1, le=MAX_VERSION)] = None,
    notice: Annotated[str | None, Query(max_length=64)] = None,
) -> Response:
    with db.reading() as session:
        detail = service.get_policy(session, key)
        shown = service.get_version(session, key, version) if version else detail.versions[0]
    return render(
        request,
        "governance/policies_detail.html",
        principal,
        section="governance",
        policy=detail.summary,
        versions=detail.versions,
        shown=shown,
        can_write=principal.can(GovernancePermission.policies_write),
        notice=_notice(notice),
    )


def _editor(request: Request, principal: Principal, view: EditorView) -> Response:
    status = 200 if view.problem is None else view.problem.status
    return render(
        request,
        "governance/policies_edit.html",
        principal,
        status_code=status,
        section="governance",
        view=view,
        action=f"/governance/policies/{view.key}/edit" if view.key else "/governance/policies/new",
    )


def _new_page(request: Request, principal: Writer) -> Response:
    return _editor(request, principal, EditorView(None, NEW_TEMPLATE))


def _edit_page(request: Request, key: str, db: DbDep, principal: Writer) -> Response:
    with db.reading() as session:
        source = service.get_policy(session, key).source
    return _editor(request, principal, EditorView(key, source))


def _preview(db: DbDep, principal: Principal, view: EditorView) -> EditorView:
    try:
        with db.reading() as session:
            found = compliance.preview_policy(session, principal, view.source, utcnow().date())
    except DomainError as exc:
        return EditorView(view.key, view.source, view.comment, FormProblem.of(exc))
    return EditorView(view.key, view.source, view.comment, preview=found, validated=True)


def _submit(
    request: Request, db: DbDep, principal: Principal, view: EditorView, action: str
) -> Response:
    if action != "save":
        return _editor(request, principal, _preview(db, principal, view))
    ctx = change_context(request, principal)
    try:
        with db.writing() as session:
            if view.key is None:
                saved = service.create_policy(session, ctx, view.source, view.comment)
                code = "policy-created"
            else:
                before = service.get_policy(session, view.key).summary.version
                saved = service.update_policy(session, ctx, view.key, view.source, view.comment)
                code = "policy-saved" if saved.version != before else "policy-unchanged"
    except DomainError as exc:
        return _editor(
            request, principal, EditorView(**{**_fields(view), "problem": FormProblem.of(exc)})
        )
    return RedirectResponse(f"/governance/policies/{saved.key}?notice={code}", status_code=303)


def _fields(view: EditorView) -> dict[str, Any]:
    return {"key": view.key, "source": view.source, "comment": view.comment}


def _create(
    request: Request,
    db: DbDep,
    principal: Writer,
    source: SourceField = "",
    comment: ShortField = "",
    action: ShortField = "preview",
) -> Response:
    return _submit(request, db, principal, EditorView(None, source, comment), action)


def _update(
    request: Request,
    key: str,
    db: DbDep,
    principal: Writer,
    source: SourceField = "",
    comment: ShortField = "",
    action: ShortField = "preview",
) -> Response:
    return _submit(request, db, principal, EditorView(key, source, comment), action)


def _switch(enabled: bool) -> Any:
    def switch(request: Request, key: str, db: DbDep, principal: Writer) -> Response:
        with db.writing() as session:
            service.set_enabled(session, change_context(request, principal), key, enabled)
        code = "policy-enabled" if enabled else "policy-disabled"
        return RedirectResponse(f"/governance/policies/{key}?notice={code}", status_code=303)

    return switch


def build_router() -> APIRouter:
    router = APIRouter(include_in_schema=False)
    router.add_api_route("/governance", _compliance_page, methods=["GET"])
    router.add_api_route("/governance/policies", _list_page, methods=["GET"])
    router.add_api_route("/governance/policies/new", _new_page, methods=["GET"])
    router.add_api_route("/governance/policies/new", _create, methods=["POST"])
    router.add_api_route("/governance/policies/{key}", _detail_page, methods=["GET"])
    router.add_api_route("/governance/policies/{key}/edit", _edit_page, methods=["GET"])
    router.add_api_route("/governance/policies/{key}/edit", _update, methods=["POST"])
    for enabled, verb in ((True, "enable"), (False, "disable")):
        router.add_api_route(
            f"/governance/policies/{{key}}/{verb}",
            _switch(enabled),
            methods=["POST"],
            name=f"page_{verb}_policy",
        )
    return router
