"""The findings list (``/discovery/findings``) and one finding's page with its triage forms.

The list takes the API's filters plus two of time (first seen, last seen within N days) so
that each overview tile links to a list showing its count; a bad filter answers the list
unfiltered with the field named (422). The triage forms post to ``pages_triage``.
"""

from __future__ import annotations

import uuid
from dataclasses import asdict, dataclass
from typing import Annotated, Any

from fastapi import APIRouter, Query, Request
from starlette.responses import Response

from aitower.core.access import service as access
from aitower.core.access.pages_shared import FormProblem, owner_choices, parse_uuid
from aitower.core.access.principal import Principal
from aitower.core.db.base import utcnow
from aitower.core.errors import InvalidInput
from aitower.core.web.deps import DbDep, guard
from aitower.core.web.pagination import PageDep
from aitower.core.web.templating import render
from aitower.discovery import catalog_service, scans, triage
from aitower.discovery.findings import (
    FindingFilter,
    FindingKind,
    FindingStatus,
    FindingView,
    all_findings,
    get_finding,
)
from aitower.discovery.permissions import DiscoveryPermission
from aitower.discovery.summary import WITHIN_CHOICES, format_bytes, totals, within
from aitower.inventory.vocabulary import SystemKind

Reader = Annotated[Principal, guard(DiscoveryPermission.findings_read)]
Text = Annotated[str, Query(max_length=240)]
NOTICES = {
    "sanctioned": "The service is sanctioned for the finding's unit; later scans count it so.",
    "blocked": "The service is blocked for the finding's unit: a policy decision, recorded.",
    "dismissed": "The finding was dismissed.",
    "assigned": "The owner and due date were saved.",
}


@dataclass(frozen=True, slots=True)
class ListForm:
    status: str = ""
    kind: str = ""
    unit: str = ""
    service: str = ""
    sanctioned: str = ""  # yes | no | "" (either)
    new_within: str = ""  # days
    active_within: str = ""  # days

    def params(self) -> dict[str, str]:
        return {k: v for k, v in asdict(self).items() if v}


def _choice(kind: Any, value: str, field: str) -> Any:
    if not value:
        return None
    try:
        return kind(value)
    except ValueError:
        raise InvalidInput.on(field, "is not one of the choices") from None


def _days(value: str, field: str) -> int | None:
    if not value:
        return None
    if not value.isdigit() or int(value) not in WITHIN_CHOICES:
        raise InvalidInput.on(field, f"must be one of {', '.join(map(str, WITHIN_CHOICES))} days")
    return int(value)


def parse_list(form: ListForm) -> tuple[FindingFilter, int | None, int | None]:
    """The filter and the two day windows; the first bad field raises InvalidInput naming it."""
    unit = None
    if form.unit:
        unit = parse_uuid(form.unit)
        if unit is None:
            raise InvalidInput.on("unit", "is not a business unit's id")
    if form.sanctioned not in ("", "yes", "no"):
        raise InvalidInput.on("sanctioned", "yes, no or empty")
    sanctioned = None if not form.sanctioned else form.sanctioned == "yes"
    wanted = FindingFilter(
        _choice(FindingStatus, form.status, "status"), _choice(FindingKind, form.kind, "kind"),
        unit, form.service or None, sanctioned,
    )  # fmt: skip
    return wanted, _days(form.new_within, "new_within"), _days(form.active_within, "active_within")


def _listed(db: DbDep, principal: Principal, form: ListForm) -> list[FindingView]:
    wanted, new_days, active_days = parse_list(form)
    with db.reading() as session:
        found = all_findings(session, principal, wanted)
    return within(found, utcnow(), new_days, active_days)


def findings_page(
    request: Request, db: DbDep, principal: Reader, page: PageDep, status: Text = "",
    kind: Text = "", unit: Text = "", service: Text = "", sanctioned: Text = "",
    new_within: Text = "", active_within: Text = "",
) -> Response:  # fmt: skip
    form = ListForm(status, kind, unit, service, sanctioned, new_within, active_within)
    problem = None
    try:
        found = _listed(db, principal, form)
    except InvalidInput as exc:
        problem, form = FormProblem.of(exc), ListForm()
        found = _listed(db, principal, form)
    with db.reading() as session:
        units = [u for u in access.list_units(session) if principal.sees_unit(u.id)]
    return render(
        request, "discovery/findings.html", principal, section="discovery",
        status_code=problem.status if problem else 200, problem=problem, form=form,
        items=found[page.offset : page.offset + page.limit], totals=totals(found), page=page,
        units=units, statuses=list(FindingStatus), kinds=list(FindingKind),
        within_choices=WITHIN_CHOICES, format_bytes=format_bytes,
    )  # fmt: skip


def finding_context(db: DbDep, principal: Principal, finding_id: uuid.UUID) -> dict[str, Any]:
    """Everything the finding's page shows, and what its forms start from."""
    can_triage = principal.can(DiscoveryPermission.triage)
    with db.reading() as session:
        finding = get_finding(session, principal, finding_id)
        scan = None if finding.scan_id is None else scans.get_scan(session, finding.scan_id)
        prefill = triage.registration_prefill(session, finding) if can_triage else {}
        units = [u for u in access.list_units(session) if principal.sees_unit(u.id)]
        entry = catalog_service.entry(session, finding.service_id)
    allowed = {s.value for s in triage.ALLOWED[finding.status]}
    if finding.kind is FindingKind.telemetry:
        allowed.discard(FindingStatus.sanctioned.value)
    steps = {"registered": "register", "sanctioned": "sanction", "blocked": "block",
             "dismissed": "dismiss"}  # fmt: skip
    forms = {steps[s] for s in allowed} | {"assign"} if can_triage else set()
    return {
        "finding": finding, "entry": entry, "forms": forms, "scan": scan, "prefill": prefill,
        "units": units,
        "allowed": allowed if can_triage else set(), "can_triage": can_triage,
        "owners": owner_choices(db, principal) if can_triage else [],
        "system_kinds": list(SystemKind), "format_bytes": format_bytes,
    }  # fmt: skip


def render_finding(
    request: Request, db: DbDep, principal: Principal, finding_id: uuid.UUID, *,
    notice: str | None = None, problem: FormProblem | None = None, form: str = "",
    values: dict[str, str] | None = None,
) -> Response:  # fmt: skip
    """The finding's page; a refused form comes back with its problem and what was typed."""
    context = finding_context(db, principal, finding_id)
    return render(
        request, "discovery/finding.html", principal, section="discovery",
        status_code=problem.status if problem else 200, problem=problem, refused_form=form,
        values=values or {}, notice=NOTICES.get(notice or ""), **context,
    )  # fmt: skip


def finding_page(
    finding_id: uuid.UUID, request: Request, db: DbDep, principal: Reader,
    notice: Annotated[str | None, Query(max_length=64)] = None,
) -> Response:  # fmt: skip
    return render_finding(request, db, principal, finding_id, notice=notice)


def build_router() -> APIRouter:
    router = APIRouter(include_in_schema=False)
    router.get("/discovery/findings")(findings_page)
    router.get("/discovery/findings/{finding_id}")(finding_page)
    return router
