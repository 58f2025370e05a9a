"""Findings as they are read: stored ones (from scans, and telemetry sources once triaged) and
unregistered telemetry sources read live, each with its service, unit, sanction and risk.

Unregistered telemetry sources are read at query time from ``telemetry.sources`` rather than
copied by a job: the source list is short, always current, and a source that gets registered
leaves the list by itself. A source gets a stored row (its id is derived from the service
name, so it is the same before and after) only when someone triages it.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import date, datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from aitower.core.access.principal import Principal
from aitower.core.access.tables import BusinessUnitRow
from aitower.core.errors import NotFound
from aitower.discovery import catalog_service
from aitower.discovery.catalog import CatalogEntry
from aitower.discovery.risk import RiskInput, RiskScore, risk_score
from aitower.discovery.sanction import SanctionStatus, resolve_sanction
from aitower.discovery.sensitivity import sensitive_units
from aitower.discovery.tables import DiscoveryFindingRow
from aitower.telemetry.sources import SourceView, unregistered_sources

TELEMETRY_NAMESPACE = uuid.UUID("5b0f6c1e-6f47-4f4e-9a57-1d2c0de5ca7a")


class FindingKind(StrEnum):
    log = "log"
    code = "code"
    expense = "expense"
    telemetry = "telemetry"


class FindingStatus(StrEnum):
    new = "new"
    registered = "registered"
    sanctioned = "sanctioned"
    blocked = "blocked"
    dismissed = "dismissed"


# A scan's use of a service adds to these (the use goes on); after a block or a dismissal it
# starts a new finding, so use after the decision is raised again.
MERGE_INTO = (
    FindingStatus.new.value,
    FindingStatus.sanctioned.value,
    FindingStatus.registered.value,
)


@dataclass(frozen=True, slots=True)
class FindingView:
    id: uuid.UUID
    kind: FindingKind
    service_id: str
    service_name: str
    vendor: str
    category: str
    unit_id: uuid.UUID | None
    unit: str
    user: str
    department: str
    model: str
    requests: int
    bytes_sent: int
    first_seen: datetime
    last_seen: datetime
    risk_score: int
    risk_reasons: list[dict[str, Any]]
    status: FindingStatus
    sanction: SanctionStatus | None
    owner: str
    due_date: date | None
    reason: str
    system_id: uuid.UUID | None
    scan_id: uuid.UUID | None
    stored: bool  # False: an unregistered telemetry source nobody triaged yet
    amount_usd: float = 0.0  # expense findings: what the card charges came to


@dataclass(frozen=True, slots=True)
class FindingFilter:
    status: FindingStatus | None = None
    kind: FindingKind | None = None
    unit_id: uuid.UUID | None = None
    service_id: str | None = None
    sanctioned: bool | None = None


def telemetry_finding_id(service_name: str) -> uuid.UUID:
    return uuid.uuid5(TELEMETRY_NAMESPACE, service_name)


def reasons_document(score: RiskScore) -> list[dict[str, Any]]:
    return [{"factor": r.factor, "points": r.points, "text": r.text} for r in score.reasons]


def score_of(
    known: CatalogEntry | None,
    sanction: SanctionStatus | None,
    bytes_sent: int,
    sensitive: bool,
    unregistered: bool = False,
) -> RiskScore:
    trains = known.trains_on_customer_data if known else None
    given = RiskInput(sanction if known else None, trains, bytes_sent, sensitive, unregistered)
    return risk_score(given)


def claims_a_system(kind: FindingKind) -> bool:
    """Code and telemetry findings stand for an integration that should be a registered
    system; log and expense findings for people using a tool."""
    return kind in (FindingKind.code, FindingKind.telemetry)


class Context:
    """What views of many findings share, read once: catalog, decisions, units."""

    def __init__(self, session: Session) -> None:
        self.entries = catalog_service.all_entries(session)
        self.decisions = catalog_service.decisions(session)
        self.sensitive = sensitive_units(session)
        query = select(BusinessUnitRow.id, BusinessUnitRow.name)
        self.units: dict[uuid.UUID, str] = dict(session.execute(query).all())

    def sanction(self, service_id: str, unit_id: uuid.UUID | None) -> SanctionStatus | None:
        known = self.entries.get(service_id)
        made = self.decisions.get(service_id, {})
        if known is None and not made:
            return None
        default = known.default_sanction if known else SanctionStatus.under_review
        return resolve_sanction(default, made, unit_id)

    def score(
        self,
        service_id: str,
        unit_id: uuid.UUID | None,
        bytes_sent: int,
        unregistered: bool = False,
    ) -> RiskScore:
        known = self.entries.get(service_id)
        return score_of(known, self.sanction(service_id, unit_id), bytes_sent,
                        unit_id in self.sensitive, unregistered)  # fmt: skip


def view_of(
    ctx: Context, row: DiscoveryFindingRow, source: SourceView | None = None
) -> FindingView:
    known = ctx.entries.get(row.service_id)
    # Read with today's decisions: a sanction or a block since the last scan changes it.
    unregistered = claims_a_system(FindingKind(row.kind)) and row.system_id is None
    score = ctx.score(row.service_id, row.unit_id, row.bytes_sent, unregistered)
    requests, last_seen, model = row.requests, row.last_seen, row.model
    if source is not None:  # a triaged telemetry source: its volume is the source's, live
        requests, last_seen = source.llm_calls or source.spans, source.last_seen
        model = ", ".join(source.models)
    return FindingView(
        id=row.id, kind=FindingKind(row.kind), service_id=row.service_id,
        service_name=known.name if known else row.service_id,
        vendor=known.vendor if known else "", category=known.category.value if known else "",
        unit_id=row.unit_id, unit=ctx.units.get(row.unit_id, "") if row.unit_id else "",
        user=row.user_name, department=row.department, model=model, requests=requests,
        bytes_sent=row.bytes_sent, first_seen=row.first_seen, last_seen=last_seen,
        risk_score=score.score, risk_reasons=reasons_document(score),
        status=FindingStatus(row.status), sanction=ctx.sanction(row.service_id, row.unit_id),
        owner=row.owner, due_date=row.due_date, reason=row.reason, system_id=row.system_id,
        scan_id=row.scan_id, stored=True, amount_usd=row.amount_usd,
    )  # fmt: skip


def source_view(ctx: Context, source: SourceView) -> FindingView:
    """An unregistered telemetry source as a new finding (not stored)."""
    score = ctx.score(source.service_name, None, 0, unregistered=True)
    return FindingView(
        id=telemetry_finding_id(source.service_name), kind=FindingKind.telemetry,
        service_id=source.service_name, service_name=source.service_name, vendor="",
        category="", unit_id=None, unit="", user="", department="",
        model=", ".join(source.models), requests=source.llm_calls or source.spans, bytes_sent=0,
        first_seen=source.first_seen, last_seen=source.last_seen, risk_score=score.score,
        risk_reasons=reasons_document(score), status=FindingStatus.new,
        sanction=ctx.sanction(source.service_name, None), owner="", due_date=None, reason="",
        system_id=None, scan_id=None, stored=False,
    )  # fmt: skip


def _visible(principal: Principal, view: FindingView) -> bool:
    # Unregistered sources belong to no unit; every reader of telemetry may see them.
    return view.kind is FindingKind.telemetry or principal.sees_unit(view.unit_id)


def _wanted(view: FindingView, f: FindingFilter) -> bool:
    approved = view.sanction is SanctionStatus.sanctioned
    return (
        (f.status is None or view.status is f.status)
        and (f.kind is None or view.kind is f.kind)
        and (f.unit_id is None or view.unit_id == f.unit_id)
        and (f.service_id is None or view.service_id == f.service_id)
        and (f.sanctioned is None or approved is f.sanctioned)
    )


def all_findings(
    session: Session, principal: Principal, wanted: FindingFilter
) -> list[FindingView]:
    """Every finding the principal may see that passes the filter, highest risk first, then
    most recently seen. Filters that the database can apply are applied there."""
    ctx = Context(session)
    query = select(DiscoveryFindingRow)
    if wanted.status is not None:
        query = query.where(DiscoveryFindingRow.status == wanted.status.value)
    if wanted.kind is not None:
        query = query.where(DiscoveryFindingRow.kind == wanted.kind.value)
    if wanted.unit_id is not None:
        query = query.where(DiscoveryFindingRow.unit_id == wanted.unit_id)
    if wanted.service_id is not None:
        query = query.where(DiscoveryFindingRow.service_id == wanted.service_id)
    if principal.unit_ids is not None:
        query = query.where(
            DiscoveryFindingRow.unit_id.in_(principal.unit_ids)
            | (DiscoveryFindingRow.kind == FindingKind.telemetry.value)
        )
    sources = {}
    if wanted.kind in (None, FindingKind.telemetry) and wanted.unit_id is None:
        sources = {s.service_name: s for s in unregistered_sources(session)}
    views: list[FindingView] = []
    stored_ids: set[uuid.UUID] = set()
    for row in session.execute(query).scalars():
        stored_ids.add(row.id)
        source = sources.get(row.service_id) if row.kind == FindingKind.telemetry.value else None
        views.append(view_of(ctx, row, source))
    for source in sources.values():
        if telemetry_finding_id(source.service_name) not in stored_ids and not _stored(
            session, source
        ):
            views.append(source_view(ctx, source))
    found = [v for v in views if _visible(principal, v) and _wanted(v, wanted)]
    found.sort(key=lambda v: (-v.risk_score, -v.last_seen.timestamp(), str(v.id)))
    return found


def _stored(session: Session, source: SourceView) -> bool:
    """Whether the source's finding is stored but left out by a filter (its status, say)."""
    return session.get(DiscoveryFindingRow, telemetry_finding_id(source.service_name)) is not None


def get_finding(session: Session, principal: Principal, finding_id: uuid.UUID) -> FindingView:
    ctx = Context(session)
    row = session.get(DiscoveryFindingRow, finding_id)
    if row is not None:
        source = None
        if row.kind == FindingKind.telemetry.value:
            source = next(
                (s for s in unregistered_sources(session) if s.service_name == row.service_id), None
            )
        view = view_of(ctx, row, source)
    else:
        source = unregistered_source(session, finding_id)
        if source is None:
            raise NotFound(f"no discovery finding {finding_id}")
        view = source_view(ctx, source)
    if not _visible(principal, view):
        raise NotFound(f"no discovery finding {finding_id}")
    return view


def unregistered_source(session: Session, finding_id: uuid.UUID) -> SourceView | None:
    return next(
        (
            s
            for s in unregistered_sources(session)
            if telemetry_finding_id(s.service_name) == finding_id
        ),
        None,
    )
