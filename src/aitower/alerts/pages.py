"""Pages of alerting: rules (list, create, edit) and notification channels; the incidents'
pages are in ``pages_incidents``.

Forms follow Post/Redirect/Get; a refused form answers the page again with the reason per field.
"""

from __future__ import annotations

import uuid
from typing import Annotated, Any

from fastapi import APIRouter, Request
from starlette.responses import RedirectResponse, Response

from aitower.alerts import channels, rules
from aitower.alerts.alert_domain import Comparator, RuleSpec, Severity
from aitower.alerts.channel_domain import ChannelKind
from aitower.alerts.metric_catalog import METRICS
from aitower.alerts.pages_incidents import add_incident_routes
from aitower.alerts.pages_serious import add_serious_page_routes
from aitower.alerts.permissions import AlertPermission
from aitower.core.access.pages_shared import FormProblem, parse_uuid
from aitower.core.access.principal import Principal
from aitower.core.errors import DomainError, InvalidInput
from aitower.core.web.deps import DbDep, change_context, guard
from aitower.core.web.templating import render
from aitower.inventory.service import SystemRef, visible_systems

RuleReader = Annotated[Principal, guard(AlertPermission.alerts_read)]
RuleWriter = Annotated[Principal, guard(AlertPermission.alerts_write)]
ChannelReader = Annotated[Principal, guard(AlertPermission.channels_read)]
ChannelWriter = Annotated[Principal, guard(AlertPermission.channels_write)]
SECTION = "monitoring"
SHOWN = 200

NOTICES = {
    "rule-created": "The alert rule was created.",
    "rule-saved": "The alert rule was saved.",
    "rule-deleted": "The alert rule was deleted.",
    "channel-created": "The channel was added.",
}


def _see_other(url: str) -> RedirectResponse:
    return RedirectResponse(url, status_code=303)


def _int(form: dict[str, str], field: str, default: int) -> int:
    raw = form.get(field, "").strip()
    if not raw:
        return default
    try:
        return int(raw)
    except ValueError:
        raise InvalidInput.on(field, "must be a whole number") from None


def _spec(form: dict[str, str], by_name: dict[str, str] | None = None) -> RuleSpec:
    """The rule a form describes; its system is picked by name (the select sends the id, a
    typed name is looked up among the systems the writer may see)."""
    try:
        threshold = float(form.get("threshold", ""))
    except ValueError:
        raise InvalidInput.on("threshold", "must be a number") from None
    if form.get("comparator") not in {c.value for c in Comparator}:
        raise InvalidInput.on("comparator", "one of >, >=, <, <=")
    if form.get("severity") not in Severity.__members__:
        raise InvalidInput.on("severity", f"one of: {', '.join(Severity)}")
    system = form.get("system_id", "").strip()
    system = (by_name or {}).get(system, system)
    if system and parse_uuid(system) is None:
        raise InvalidInput.on("system_id", "must be one of your AI systems (or blank: portfolio)")
    return RuleSpec(
        name=form.get("name", ""),
        metric=form.get("metric", ""),
        comparator=Comparator(form["comparator"]),
        threshold=threshold,
        window_minutes=_int(form, "window_minutes", 5),
        min_samples=_int(form, "min_samples", 1),
        for_minutes=_int(form, "for_minutes", 0),
        severity=Severity(form["severity"]),
        system_id=system or None,
        evaluation_name=form.get("evaluation_name") or None,
    )


def _systems(db: DbDep, principal: Principal) -> list[SystemRef]:
    """The systems a rule may watch: those the writer may see, by name."""
    with db.reading() as session:
        return visible_systems(session, principal)


def _ids_by_name(systems: list[SystemRef]) -> dict[str, str]:
    return {s.name: str(s.id) for s in systems}


async def _form(request: Request) -> dict[str, str]:
    form = await request.form()
    return {k: v for k, v in form.items() if isinstance(v, str)}


def _rules_page(
    request: Request,
    db: DbDep,
    principal: Principal,
    *,
    form: dict[str, str] | None = None,
    problem: FormProblem | None = None,
    notice: str | None = None,
) -> Response:
    with db.reading() as session:
        found, total = rules.list_rules(session, principal, limit=SHOWN)
    return render(
        request,
        "alerts/alerts.html",
        principal,
        section=SECTION,
        status_code=problem.status if problem else 200,
        rules=found,
        total=total,
        metrics=METRICS,
        comparators=list(Comparator),
        severities=list(Severity),
        systems=_systems(db, principal),
        form=form or {},
        problem=problem,
        notice=NOTICES.get(notice or ""),
        can_write=principal.can(AlertPermission.alerts_write),
    )


def _rule_routes(router: APIRouter) -> None:
    @router.get("/monitoring/alerts", include_in_schema=False)
    def alerts(
        request: Request, db: DbDep, principal: RuleReader, notice: str | None = None
    ) -> Response:
        return _rules_page(request, db, principal, notice=notice)

    @router.post("/monitoring/alerts", include_in_schema=False)
    async def create(request: Request, db: DbDep, principal: RuleWriter) -> Response:
        form = await _form(request)
        try:
            spec = _spec(form, _ids_by_name(_systems(db, principal)))
            with db.writing() as session:
                rules.create_rule(
                    session,
                    change_context(request, principal),
                    spec,
                    description=form.get("description", ""),
                )
        except DomainError as exc:
            return _rules_page(request, db, principal, form=form, problem=FormProblem.of(exc))
        return _see_other("/monitoring/alerts?notice=rule-created")

    @router.get("/monitoring/alerts/{rule_id}", include_in_schema=False)
    def edit(request: Request, rule_id: uuid.UUID, db: DbDep, principal: RuleReader) -> Response:
        with db.reading() as session:
            rule = rules.get_rule(session, principal, rule_id)
        return render(
            request,
            "alerts/alert_edit.html",
            principal,
            section=SECTION,
            rule=rule,
            metrics=METRICS,
            comparators=list(Comparator),
            severities=list(Severity),
            systems=_systems(db, principal),
            problem=None,
            can_write=principal.can(AlertPermission.alerts_write),
        )

    @router.post("/monitoring/alerts/{rule_id}", include_in_schema=False)
    async def save(
        request: Request, rule_id: uuid.UUID, db: DbDep, principal: RuleWriter
    ) -> Response:
        form = await _form(request)
        try:
            changes: dict[str, Any] = vars_of(_spec(form, _ids_by_name(_systems(db, principal))))
            changes["description"] = form.get("description", "")
            changes["enabled"] = form.get("enabled") == "on"
            with db.writing() as session:
                rules.update_rule(session, change_context(request, principal), rule_id, changes)
        except DomainError as exc:
            with db.reading() as session:
                rule = rules.get_rule(session, principal, rule_id)
            problem = FormProblem.of(exc)
            return render(
                request,
                "alerts/alert_edit.html",
                principal,
                section=SECTION,
                rule=rule,
                metrics=METRICS,
                comparators=list(Comparator),
                severities=list(Severity),
                systems=_systems(db, principal),
                problem=problem,
                can_write=True,
                status_code=problem.status,
            )
        return _see_other("/monitoring/alerts?notice=rule-saved")

    @router.post("/monitoring/alerts/{rule_id}/delete", include_in_schema=False)
    def delete(request: Request, rule_id: uuid.UUID, db: DbDep, principal: RuleWriter) -> Response:
        with db.writing() as session:
            rules.delete_rule(session, change_context(request, principal), rule_id)
        return _see_other("/monitoring/alerts?notice=rule-deleted")


def vars_of(spec: RuleSpec) -> dict[str, Any]:
    return {name: getattr(spec, name) for name in rules.SPEC_FIELDS}


def _channels_page(
    request: Request,
    db: DbDep,
    principal: Principal,
    *,
    form: dict[str, str] | None = None,
    problem: FormProblem | None = None,
    notice: str | None = None,
) -> Response:
    with db.reading() as session:
        found = channels.list_channels(session)
    return render(
        request,
        "alerts/channels.html",
        principal,
        section=SECTION,
        channels=found,
        kinds=list(ChannelKind),
        form=form or {},
        problem=problem,
        notice=NOTICES.get(notice or ""),
        status_code=problem.status if problem else 200,
        can_write=principal.can(AlertPermission.channels_write),
    )


def _channel_config(form: dict[str, str]) -> dict[str, Any]:
    keys = ("url", "secret", "host", "port", "from", "to", "username", "password")
    config: dict[str, Any] = {k: form[k] for k in keys if form.get(k)}
    config["starttls"] = form.get("starttls") == "on"
    return config


def _channel_routes(router: APIRouter) -> None:
    @router.get("/monitoring/channels", include_in_schema=False)
    def channel_list(
        request: Request, db: DbDep, principal: ChannelReader, notice: str | None = None
    ) -> Response:
        return _channels_page(request, db, principal, notice=notice)

    @router.post("/monitoring/channels", include_in_schema=False)
    async def channel_create(request: Request, db: DbDep, principal: ChannelWriter) -> Response:
        form = await _form(request)
        try:
            with db.writing() as session:
                channels.create_channel(
                    session,
                    change_context(request, principal),
                    form.get("kind", ""),
                    form.get("name", ""),
                    _channel_config(form),
                )
        except DomainError as exc:
            shown = {k: v for k, v in form.items() if k not in ("secret", "password")}
            return _channels_page(request, db, principal, form=shown, problem=FormProblem.of(exc))
        return _see_other("/monitoring/channels?notice=channel-created")


def build_router() -> APIRouter:
    router = APIRouter()
    _rule_routes(router)
    add_incident_routes(router)
    add_serious_page_routes(router)
    _channel_routes(router)
    return router
