"""The gap report's page and its exports: CSV for spreadsheets, standalone HTML and PDF for
the file a regulator or an auditor is sent. All read-only, for whoever reads the compliance
page; each export holds only the systems the reader may see."""

from __future__ import annotations

import uuid
from typing import Annotated, Any

from fastapi import APIRouter, Query, Request
from starlette.responses import HTMLResponse, Response

from aitower.core.access.principal import Principal
from aitower.core.db.engine import Database
from aitower.core.pdf import html_to_pdf
from aitower.core.web.deps import DbDep, guard
from aitower.core.web.templating import render
from aitower.governance.gap_service import GapReport, gap_report, to_csv
from aitower.governance.gaps import STATUS_ORDER, controls
from aitower.governance.permissions import GovernancePermission

Reader = Annotated[Principal, guard(GovernancePermission.policies_read)]
SystemChoice = Annotated[uuid.UUID | None, Query(alias="system")]
StatusChoice = Annotated[str | None, Query(max_length=32)]


def _report(db: Database, principal: Principal, system: uuid.UUID | None) -> GapReport:
    with db.reading() as session:
        return gap_report(session, principal, system_id=system)


def _context(report: GapReport, status: str | None) -> dict[str, Any]:
    chosen = status if status in STATUS_ORDER else None
    systems = [
        (s, [r for r in s.rows if chosen is None or r.status == chosen]) for s in report.systems
    ]
    return {
        "report": report,
        "systems": [(s, rows) for s, rows in systems if rows],
        "statuses": list(STATUS_ORDER),
        "status": chosen,
        "controls": controls(),
    }


def _name(system: uuid.UUID | None, extension: str) -> str:
    return f"aitower-gaps{'' if system is None else '-' + str(system)[:8]}.{extension}"


def _printable(request: Request, report: GapReport, status: str | None) -> str:
    template = request.app.state.templates.env.get_template("governance/gaps_print.html")
    text: str = template.render(**_context(report, status))
    return text


def gaps_page(
    request: Request,
    db: DbDep,
    principal: Reader,
    system: SystemChoice = None,
    status: StatusChoice = None,
) -> Response:
    report = _report(db, principal, system)
    return render(
        request,
        "governance/gaps.html",
        principal,
        section="governance",
        system=system,
        **_context(report, status),
    )


def gaps_csv(db: DbDep, principal: Reader, system: SystemChoice = None) -> Response:
    report = _report(db, principal, system)
    return Response(
        to_csv(report.rows),
        media_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": f'attachment; filename="{_name(system, "csv")}"'},
    )


def gaps_html(
    request: Request, db: DbDep, principal: Reader, system: SystemChoice = None
) -> Response:
    page = _printable(request, _report(db, principal, system), None)
    disposition = f'attachment; filename="{_name(system, "html")}"'
    return HTMLResponse(page, headers={"Content-Disposition": disposition})


def gaps_pdf(
    request: Request, db: DbDep, principal: Reader, system: SystemChoice = None
) -> Response:
    pdf = html_to_pdf(_printable(request, _report(db, principal, system), None))
    return Response(
        pdf,
        media_type="application/pdf",
        headers={"Content-Disposition": f'attachment; filename="{_name(system, "pdf")}"'},
    )


def build_router() -> APIRouter:
    router = APIRouter()
    router.get("/governance/gaps")(gaps_page)
    router.get("/governance/gaps.csv")(gaps_csv)
    router.get("/governance/gaps.html")(gaps_html)
    router.get("/governance/gaps.pdf")(gaps_pdf)
    return router
