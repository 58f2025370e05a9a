"""Storing a scan's aggregates: the one entry point the log, code and expense scanners call.

A scan is stored all-or-nothing: every finding is checked first (a bad one names its index and
field and nothing is written), then each merges into the open finding of the same kind,
service and user (requests and bytes add up, first and last seen widen) or starts a new one;
the risk score is worked out again from the sums. The same file (by SHA-256) is refused a
second time, since its counts would add twice.
"""

from __future__ import annotations

import math
import re
import uuid
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import func, insert, select, update
from sqlalchemy.orm import Session

from aitower.core.access.tables import BusinessUnitRow
from aitower.core.audit.service import ChangeContext, record_change
from aitower.core.db.base import utcnow
from aitower.core.errors import Conflict, InvalidInput, TooLarge
from aitower.discovery.catalog import builtin_catalog
from aitower.discovery.findings import (
    MERGE_INTO,
    Context,
    FindingKind,
    FindingStatus,
    claims_a_system,
    reasons_document,
)
from aitower.discovery.sanction import SanctionStatus
from aitower.discovery.tables import DiscoveryFindingRow, DiscoveryScanRow

SCAN_KINDS = (FindingKind.log, FindingKind.code, FindingKind.expense)
SHA256_RE = re.compile(r"^[0-9a-f]{64}$")
MAX_FINDINGS = 100_000
BATCH = 5_000
Key = tuple[str, str]  # (service id, user)


@dataclass(frozen=True, slots=True)
class FindingInput:
    """One service's use by one user in a scan, summed by the scanner."""

    service_id: str
    user: str
    department: str
    unit: str | uuid.UUID | None  # a unit's id, name or slug; None: not known
    requests: int
    bytes_sent: int
    first_seen: datetime
    last_seen: datetime
    model: str = ""
    amount_usd: float = 0.0  # expense findings: what the charges came to, refunds netted


@dataclass(frozen=True, slots=True)
class ScanInput:
    source_kind: str  # log | code | expense
    file_name: str
    sha256: str
    lines: int
    matched: int
    malformed: int
    findings: Sequence[FindingInput] = field(default_factory=tuple)


@dataclass(frozen=True, slots=True)
class ScanView:
    id: uuid.UUID
    source_kind: str
    file_name: str
    sha256: str
    lines: int
    matched: int
    malformed: int
    findings_new: int
    findings_merged: int
    catalog_version: str
    created_by: str
    created_at: datetime


def scan_view(row: DiscoveryScanRow) -> ScanView:
    return ScanView(row.id, row.source_kind, row.file_name, row.sha256, row.lines, row.matched,
                    row.malformed, row.findings_new, row.findings_merged, row.catalog_version,
                    row.created_by, row.created_at)  # fmt: skip


def _unit_keys(session: Session) -> dict[str, uuid.UUID]:
    found: dict[str, uuid.UUID] = {}
    for unit_id, name, slug in session.execute(
        select(BusinessUnitRow.id, BusinessUnitRow.name, BusinessUnitRow.slug)
    ):
        found.update({name.lower(): unit_id, slug: unit_id, str(unit_id): unit_id})
    return found


def _check_scan(scan: ScanInput) -> FindingKind:
    if scan.source_kind not in {k.value for k in SCAN_KINDS}:
        raise InvalidInput.on("source_kind", "log, code or expense")
    if not scan.file_name.strip() or len(scan.file_name) > 300:
        raise InvalidInput.on("file_name", "a file name of 1 to 300 characters")
    if not SHA256_RE.match(scan.sha256):
        raise InvalidInput.on("sha256", "64 lower-case hexadecimal digits")
    for name in ("lines", "matched", "malformed"):
        if getattr(scan, name) < 0:
            raise InvalidInput.on(name, "cannot be negative")
    if len(scan.findings) > MAX_FINDINGS:
        raise TooLarge.on("findings", f"at most {MAX_FINDINGS:,} per scan")
    return FindingKind(scan.source_kind)


def _check_finding(
    i: int, f: FindingInput, ctx: Context, units: dict[str, uuid.UUID]
) -> uuid.UUID | None:
    at = f"findings[{i}]"
    if f.service_id not in ctx.entries:
        raise InvalidInput.on(f"{at}.service_id", f"no AI service {f.service_id!r} in the catalog")
    if len(f.user) > 200 or len(f.department) > 200 or len(f.model) > 200:
        raise InvalidInput.on(f"{at}.user", "user, department and model: 200 characters at most")
    if not math.isfinite(f.amount_usd):
        raise InvalidInput.on(f"{at}.amount_usd", "must be a finite number of USD")
    if f.requests < 0 or f.bytes_sent < 0:
        raise InvalidInput.on(f"{at}.requests", "requests and bytes_sent cannot be negative")
    if f.first_seen.tzinfo is None or f.last_seen.tzinfo is None:
        raise InvalidInput.on(f"{at}.first_seen", "times must carry a time zone")
    if f.last_seen < f.first_seen:
        raise InvalidInput.on(f"{at}.last_seen", "before first_seen")
    if f.unit is None or f.unit == "":
        return None
    key = str(f.unit).strip()
    unit_id = units.get(key) or units.get(key.lower())
    if unit_id is None:
        raise InvalidInput.on(f"{at}.unit", f"no business unit {key!r}")
    return unit_id


OPEN_COLUMNS = (
    DiscoveryFindingRow.id, DiscoveryFindingRow.service_id, DiscoveryFindingRow.user_name,
    DiscoveryFindingRow.unit_id, DiscoveryFindingRow.department, DiscoveryFindingRow.model,
    DiscoveryFindingRow.requests, DiscoveryFindingRow.bytes_sent, DiscoveryFindingRow.first_seen,
    DiscoveryFindingRow.last_seen, DiscoveryFindingRow.system_id, DiscoveryFindingRow.amount_usd,
)  # fmt: skip


def _open(session: Session, kind: FindingKind, service_ids: set[str]) -> dict[Key, dict[str, Any]]:
    """The open findings a scan's use merges into, by (service, user), as column values: the
    latest of each. Plain values, not ORM objects: a scan may touch tens of thousands."""
    f = DiscoveryFindingRow
    query = (
        select(*OPEN_COLUMNS)
        .where(f.kind == kind.value, f.service_id.in_(sorted(service_ids)),
               f.status.in_(MERGE_INTO))
        .order_by(f.created_at)
        .with_for_update()
    )  # fmt: skip
    names = [c.key for c in OPEN_COLUMNS]
    found = {}
    for values in session.execute(query):
        row = dict(zip(names, values, strict=True))
        found[(row["service_id"], row["user_name"])] = row
    return found


def _merge_rows(
    ctx: Context, kind: FindingKind, scan: ScanInput, units: list[uuid.UUID | None],
    existing: dict[Key, dict[str, Any]], scan_id: uuid.UUID,
) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:  # fmt: skip
    """(rows to insert, rows to update) after adding each finding to its open one."""
    inserts: dict[Key, dict[str, Any]] = {}
    updates: dict[Key, dict[str, Any]] = {}
    for f, unit_id in zip(scan.findings, units, strict=True):
        key = (f.service_id, f.user)
        target = inserts.get(key) or updates.get(key)
        if target is None and key in existing:
            target = updates[key] = dict(existing[key])
        if target is None:
            inserts[key] = _new_finding(ctx, kind, f, unit_id, scan_id)
        else:
            _merge(target, f, unit_id, scan_id)
    for row in (*inserts.values(), *updates.values()):
        unregistered = claims_a_system(kind) and row["system_id"] is None
        score = ctx.score(row["service_id"], row["unit_id"], row["bytes_sent"], unregistered)
        row["risk_score"], row["risk_reasons"] = score.score, reasons_document(score)
    return list(inserts.values()), list(updates.values())


def record_scan(session: Session, ctx: ChangeContext, scan: ScanInput) -> ScanView:
    """Store a scan and merge its findings, with one audit event, in the caller's transaction."""
    kind = _check_scan(scan)
    view_ctx = Context(session)
    units = _unit_keys(session)
    unit_ids = [_check_finding(i, f, view_ctx, units) for i, f in enumerate(scan.findings)]
    taken = select(DiscoveryScanRow.id).where(DiscoveryScanRow.sha256 == scan.sha256)
    if session.execute(taken).scalar() is not None:
        raise Conflict.on("sha256", "this file was scanned already; its counts would add twice")
    row = DiscoveryScanRow(
        id=uuid.uuid4(), source_kind=kind.value, file_name=scan.file_name.strip(),
        sha256=scan.sha256, lines=scan.lines, matched=scan.matched, malformed=scan.malformed,
        catalog_version=builtin_catalog().version, created_by=ctx.principal.actor,
    )  # fmt: skip
    session.add(row)
    session.flush()
    existing = _open(session, kind, {f.service_id for f in scan.findings})
    inserts, updates = _merge_rows(view_ctx, kind, scan, unit_ids, existing, row.id)
    now = utcnow()
    for part in range(0, max(len(inserts), len(updates)), BATCH):
        if inserts[part : part + BATCH]:
            session.execute(insert(DiscoveryFindingRow), inserts[part : part + BATCH])
        if updates[part : part + BATCH]:
            batch = [{**u, "updated_at": now} for u in updates[part : part + BATCH]]
            session.execute(update(DiscoveryFindingRow), batch)
    row.findings_new, row.findings_merged = len(inserts), len(updates)
    session.flush()
    record_change(session, ctx, "discovery_scan.create", "discovery_scan", row.id,
                  after=_scan_document(row, scan))  # fmt: skip
    return scan_view(row)


def _new_finding(
    ctx: Context, kind: FindingKind, f: FindingInput, unit_id: uuid.UUID | None, scan_id: uuid.UUID
) -> dict[str, Any]:
    # Use of a service already sanctioned for the unit is recorded, not queued for triage; an
    # integration in code is queued all the same: it is a system nobody registered.
    approved = (
        not claims_a_system(kind)
        and ctx.sanction(f.service_id, unit_id) is SanctionStatus.sanctioned
    )
    now = utcnow()
    return {
        "id": uuid.uuid4(), "kind": kind.value, "service_id": f.service_id, "unit_id": unit_id,
        "user_name": f.user, "department": f.department, "model": f.model,
        "requests": f.requests, "bytes_sent": f.bytes_sent, "first_seen": f.first_seen,
        "last_seen": f.last_seen, "amount_usd": f.amount_usd, "risk_score": 0, "risk_reasons": [],
        "status": (FindingStatus.sanctioned if approved else FindingStatus.new).value,
        "owner": "", "due_date": None, "reason": "", "system_id": None, "scan_id": scan_id,
        "created_at": now, "updated_at": now,
    }  # fmt: skip


def _merge(
    row: dict[str, Any], f: FindingInput, unit_id: uuid.UUID | None, scan_id: uuid.UUID
) -> None:
    row["requests"] += f.requests
    row["bytes_sent"] += f.bytes_sent
    row["amount_usd"] = round(row["amount_usd"] + f.amount_usd, 6)
    row["first_seen"] = min(row["first_seen"], f.first_seen)
    row["last_seen"] = max(row["last_seen"], f.last_seen)
    row["unit_id"] = row["unit_id"] or unit_id
    row["department"] = row["department"] or f.department
    row["model"] = f.model or row["model"]
    row["scan_id"] = scan_id


def _scan_document(row: DiscoveryScanRow, scan: ScanInput) -> dict[str, Any]:
    return {
        "source_kind": row.source_kind, "file_name": row.file_name, "sha256": row.sha256,
        "lines": row.lines, "matched": row.matched, "malformed": row.malformed,
        "findings_new": row.findings_new, "findings_merged": row.findings_merged,
        "catalog_version": row.catalog_version,
        "services": sorted({f.service_id for f in scan.findings}),
    }  # fmt: skip


def list_scans(session: Session, offset: int, limit: int) -> tuple[list[ScanView], int]:
    total = session.execute(select(func.count()).select_from(DiscoveryScanRow)).scalar_one()
    query = (select(DiscoveryScanRow).order_by(DiscoveryScanRow.created_at.desc(),
             DiscoveryScanRow.id).offset(offset).limit(limit))  # fmt: skip
    return [scan_view(r) for r in session.execute(query).scalars()], int(total)


def get_scan(session: Session, scan_id: uuid.UUID) -> ScanView | None:
    """The scan a finding came from (None: it was deleted, or the finding has none)."""
    row = session.get(DiscoveryScanRow, scan_id)
    return None if row is None else scan_view(row)
