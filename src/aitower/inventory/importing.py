"""Bulk onboarding: import systems or vendors from CSV/YAML in one transaction.

Every row is checked and *all* problems are reported (row, field, reason). References are
resolved with one query per kind and rows are written with bulk inserts/updates, so 10,000
systems import in seconds. ``all_or_nothing`` writes nothing when any row is refused;
``skip_bad_rows`` writes the good ones. Rows whose name exists update that record (upsert by
name); the report says which were created, updated or unchanged.

Audit: each created or updated record gets the event a single registration or edit would
(``system.create`` / ``system.update`` with before and after), so a system's history shows what
an import did to it, a move between units included (#14, finding 7). One more event,
``systems.imported`` / ``vendors.imported``, names the import as a whole: its format, mode,
counts, the created and updated names and a SHA-256 of them. All of them share the request id
and are appended in one step (``record_changes``), so 10,000 rows cost one head lock.
"""

from __future__ import annotations

import hashlib
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

from sqlalchemy import func, insert, select, update
from sqlalchemy.orm import Session

from aitower.core.access.tables import UserRow
from aitower.core.audit.service import Change, ChangeContext, record_changes
from aitower.core.db.base import utcnow
from aitower.core.errors import FieldIssue, InvalidInput
from aitower.inventory.details import load_details
from aitower.inventory.domain import SystemSpec, check_system
from aitower.inventory.import_rows import annotated, reference_probe
from aitower.inventory.lifecycle import Stage
from aitower.inventory.records import Lookups, chunks, load_lookups, resolve
from aitower.inventory.service import audit_document, write_links
from aitower.inventory.tables import (
    SystemRow,
    SystemTagRow,
    SystemVendorRow,
    TelemetryServiceRow,
    VendorRow,
)
from aitower.inventory.transfer import Format, Parsed, RowIssue, parse_systems, parse_vendors
from aitower.inventory.vendor_domain import VendorSpec, check_vendor, vendor_document
from aitower.inventory.vendors import owner_ids, spec_of, vendor_columns

Progress = Callable[[int, int], None]  # (rows checked, rows in all)
PROGRESS_STEP = 500


class ImportMode(StrEnum):
    all_or_nothing = "all_or_nothing"
    skip_bad_rows = "skip_bad_rows"


@dataclass(slots=True)
class ImportReport:
    subject: str  # "systems" or "vendors"
    mode: ImportMode
    dry_run: bool
    rows: int = 0
    written: bool = False
    created: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    errors: list[RowIssue] = field(default_factory=list)

    @property
    def refused_rows(self) -> list[int]:
        return sorted({e.row for e in self.errors if e.row > 0})

    @property
    def refused(self) -> bool:
        """Nothing could be written: a file-level problem, or a bad row in all-or-nothing."""
        file_level = any(e.row == 0 for e in self.errors)
        return file_level or (bool(self.errors) and self.mode is ImportMode.all_or_nothing)

    def as_problem(self) -> InvalidInput:
        """The refusal as one error naming each ``rows[N].field`` (N counts records from 1)."""
        issues = [
            FieldIssue(f"rows[{e.row}].{e.field}" if e.row else e.field, e.reason)
            for e in self.errors
        ]
        rows = len(self.refused_rows)
        return InvalidInput(
            f"nothing was imported: {rows} of {self.rows} rows refused"
            if rows
            else f"nothing was imported: {issues[0].field}: {issues[0].reason}",
            issues=issues,
        )


def _issues(row: int, exc: InvalidInput) -> list[RowIssue]:
    return [RowIssue(row, i.field, i.reason) for i in exc.issues]


def _names_hash(names: list[str]) -> str:
    return hashlib.sha256("\n".join(sorted(names)).encode()).hexdigest()


def _tick(on_progress: Progress | None, done: int, total: int) -> None:
    if on_progress is not None and (done % PROGRESS_STEP == 0 or done == total):
        on_progress(done, total)


# --- systems ---------------------------------------------------------------------------------


@dataclass(slots=True)
class _Existing:
    rows: dict[str, SystemRow]
    links: dict[uuid.UUID, tuple[set[str], set[uuid.UUID], set[str]]]


def _existing(session: Session, names: list[str]) -> _Existing:
    rows: dict[str, SystemRow] = {}
    for part in chunks(names):
        rows.update(
            (r.name, r)
            for r in session.execute(select(SystemRow).where(SystemRow.name.in_(part))).scalars()
        )
    links: dict[uuid.UUID, tuple[set[str], set[uuid.UUID], set[str]]] = {
        r.id: (set(), set(), set()) for r in rows.values()
    }
    ids = list(links)
    tables: list[tuple[int, Any, Any]] = [
        (0, SystemTagRow, SystemTagRow.tag),
        (1, SystemVendorRow, SystemVendorRow.vendor_id),
        (2, TelemetryServiceRow, TelemetryServiceRow.service_name),
    ]
    for slot, table, column in tables:
        for id_part in chunks(ids):
            for system_id, value in session.execute(
                select(table.system_id, column).where(table.system_id.in_(id_part))
            ):
                links[system_id][slot].add(value)
    return _Existing(rows, links)


def _checked_systems(
    parsed_rows: list[tuple[int, dict[str, Any]]],
    report: ImportReport,
    on_progress: Progress | None,
    probes: dict[int, SystemSpec],
) -> list[tuple[int, SystemSpec]]:
    """The rows that pass their checks; a refused row's references go to ``probes``, so that
    they are resolved too and every problem of the row is reported at once."""
    good: list[tuple[int, SystemSpec]] = []
    first_row: dict[str, int] = {}
    for done, (number, doc) in enumerate(parsed_rows, start=1):
        _tick(on_progress, done, len(parsed_rows))
        try:
            spec = check_system(doc)
        except InvalidInput as exc:
            report.errors += _issues(number, exc)
            probes[number] = reference_probe(doc)
            continue
        if spec.name in first_row:
            report.errors.append(RowIssue(number, "name", f"also on row {first_row[spec.name]}"))
            continue
        first_row[spec.name] = number
        good.append((number, spec))
    return good


@dataclass(slots=True)
class _Plan:
    creates: list[dict[str, Any]] = field(default_factory=list)
    updates: list[dict[str, Any]] = field(default_factory=list)
    links: dict[uuid.UUID, tuple[SystemSpec, tuple[uuid.UUID, ...]]] = field(default_factory=dict)


def _plan_system(
    number: int,
    spec: SystemSpec,
    ctx: ChangeContext,
    found: Lookups,
    existing: _Existing,
    plan: _Plan,
    report: ImportReport,
) -> None:
    old = existing.rows.get(spec.name)
    if old is not None and not ctx.principal.sees_unit(old.unit_id):
        report.errors.append(RowIssue(number, "name", "names a system outside your units"))
        return
    problems: list[RowIssue] = []
    if old is not None and spec.stage is not None and spec.stage.value != old.stage:
        problems.append(
            RowIssue(number, "stage", f"is {old.stage}; it changes only through lifecycle moves")
        )
    try:
        resolved = resolve(spec, found, ctx.principal, None if old is None else old.id)
    except InvalidInput as exc:
        problems += _issues(number, exc)
    if problems:  # every problem of the row, not the first kind found
        report.errors += sorted(problems, key=lambda p: p.field)
        return
    system_id = uuid.uuid4() if old is None else old.id
    for service in spec.services:  # claims of earlier rows in this same file
        found.claims.setdefault(service, system_id)
    if old is None:
        stage = (spec.stage or Stage.planning).value
        plan.creates.append({"id": system_id, "stage": stage, **resolved.columns})
        report.created.append(spec.name)
    else:
        links = (set(spec.tags), set(resolved.vendor_ids), set(spec.services))
        same = all(getattr(old, k) == v for k, v in resolved.columns.items())
        if same and links == existing.links[old.id]:
            report.unchanged.append(spec.name)
            return
        plan.updates.append({"id": system_id, **resolved.columns})
        report.updated.append(spec.name)
    plan.links[system_id] = (spec, resolved.vendor_ids)


def import_systems(
    session: Session,
    ctx: ChangeContext,
    text: str,
    fmt: Format,
    *,
    mode: ImportMode = ImportMode.all_or_nothing,
    dry_run: bool = False,
    on_progress: Progress | None = None,
) -> ImportReport:
    """Check every row, then (unless refused or a dry run) write them in bulk and audit once."""
    parsed = parse_systems(text, fmt)
    report = ImportReport("systems", mode, dry_run, rows=len(parsed.rows), errors=parsed.issues)
    if any(e.row == 0 for e in report.errors):
        return report
    bad_syntax = {e.row for e in report.errors}
    probes: dict[int, SystemSpec] = {}
    good = []
    for number, spec in _checked_systems(parsed.rows, report, on_progress, probes):
        if number in bad_syntax:
            probes[number] = spec
        else:
            good.append((number, spec))
    specs = [s for _, s in good]
    found = load_lookups(session, [*specs, *probes.values()])
    existing = _existing(session, [s.name for s in specs])
    plan = _Plan()
    for number, spec in good:
        _plan_system(number, spec, ctx, found, existing, plan, report)
    probed = _existing(session, [p.name for p in probes.values() if p.name]).rows
    report.errors += _probe_issues(probes, found, probed, ctx, report.errors)
    report.errors.sort(key=lambda e: e.row)  # stable: a row's problems keep their order
    report.errors = annotated(report.errors, parsed.records, parsed.cells)
    if report.refused or dry_run or not (plan.creates or plan.updates):
        return report
    updated_ids = {u["id"] for u in plan.updates}
    updated_rows = [r for r in existing.rows.values() if r.id in updated_ids]
    before = {i: audit_document(d) for i, d in load_details(session, updated_rows).items()}
    now = utcnow()
    if plan.creates:
        session.execute(
            insert(SystemRow), [{**c, "created_at": now, "updated_at": now} for c in plan.creates]
        )
    if plan.updates:
        session.execute(update(SystemRow), [{**u, "updated_at": now} for u in plan.updates])
    write_links(
        session, {k: v for k, v in plan.links.items() if k not in updated_ids}, replace=False
    )
    write_links(session, {k: v for k, v in plan.links.items() if k in updated_ids}, replace=True)
    _audit(
        session,
        ctx,
        "systems.imported",
        "ai_system",
        fmt,
        report,
        _system_changes(session, plan, before),
    )
    return report


def _probe_issues(
    probes: dict[int, SystemSpec],
    found: Lookups,
    existing: dict[str, SystemRow],
    ctx: ChangeContext,
    known: list[RowIssue],
) -> list[RowIssue]:
    """Unknown units, users, vendors and claimed services of rows refused for other reasons,
    leaving out the fields already reported for that row (an empty unit is "required" once)."""
    reported: dict[int, set[str]] = {}
    for issue in known:
        reported.setdefault(issue.row, set()).add(issue.field.split(".")[0])
    extra: list[RowIssue] = []
    for number, probe in probes.items():
        old = existing.get(probe.name)
        try:
            resolve(probe, found, ctx.principal, None if old is None else old.id)
        except InvalidInput as exc:
            seen = reported.get(number, set())
            extra += [i for i in _issues(number, exc) if i.field.split(".")[0] not in seen]
    return extra


def _system_changes(
    session: Session, plan: _Plan, before: dict[uuid.UUID, dict[str, Any]]
) -> list[Change]:
    """Each written system's record after the import, and before it where it existed, as a
    single registration or edit would record it: its history then shows what the import did."""
    ids = [c["id"] for c in plan.creates] + [u["id"] for u in plan.updates]
    rows: list[SystemRow] = []
    for part in chunks(ids):
        query = select(SystemRow).where(SystemRow.id.in_(part))
        rows += session.execute(query.execution_options(populate_existing=True)).scalars()
    after = {i: audit_document(d) for i, d in load_details(session, rows).items()}
    return [
        Change(
            "system.update" if i in before else "system.create",
            "ai_system",
            i,
            before=before.get(i),
            after=after[i],
        )
        for i in ids
    ]


def _audit(
    session: Session,
    ctx: ChangeContext,
    action: str,
    object_type: str,
    fmt: Format,
    report: ImportReport,
    changes: list[Change],
) -> None:
    """One event per changed row, then one for the import as a whole, in one append."""
    report.written = True
    summary = {
        "format": fmt.value,
        "mode": report.mode.value,
        "rows": report.rows,
        "created": report.created,
        "updated": report.updated,
        "unchanged": len(report.unchanged),
        "refused_rows": report.refused_rows,
        "names_sha256": _names_hash(report.created + report.updated),
    }
    record_changes(session, ctx, [*changes, Change(action, object_type, None, after=summary)])


# --- vendors ---------------------------------------------------------------------------------


def _checked_vendors(
    parsed_rows: list[tuple[int, dict[str, Any]]], report: ImportReport
) -> list[tuple[int, VendorSpec]]:
    good: list[tuple[int, VendorSpec]] = []
    first_row: dict[str, int] = {}
    for number, doc in parsed_rows:
        try:
            spec = check_vendor(doc)
        except InvalidInput as exc:
            report.errors += _issues(number, exc)
            continue
        key = spec.name.lower()
        if key in first_row:
            report.errors.append(RowIssue(number, "name", f"also on row {first_row[key]}"))
            continue
        first_row[key] = number
        good.append((number, spec))
    return good


def import_vendors(
    session: Session,
    ctx: ChangeContext,
    text: str,
    fmt: Format,
    *,
    mode: ImportMode = ImportMode.all_or_nothing,
    dry_run: bool = False,
) -> ImportReport:
    """Vendors by name (case-insensitive): created, updated or unchanged; one audit event."""
    parsed = parse_vendors(text, fmt)
    report = ImportReport("vendors", mode, dry_run, rows=len(parsed.rows), errors=parsed.issues)
    _write_vendors(session, ctx, fmt, parsed, report)
    report.errors = annotated(report.errors, parsed.records, parsed.cells)
    return report


def _write_vendors(
    session: Session, ctx: ChangeContext, fmt: Format, parsed: Parsed, report: ImportReport
) -> ImportReport:
    dry_run = report.dry_run
    if report.errors:
        return report
    good = _checked_vendors(parsed.rows, report)
    owners = owner_ids(session, [s.contract_owner for _, s in good if s.contract_owner])
    names = [s.name.lower() for _, s in good]
    existing: dict[str, VendorRow] = {}
    for part in chunks(names):
        query = select(VendorRow).where(func.lower(VendorRow.name).in_(part))
        existing.update((r.name.lower(), r) for r in session.execute(query).scalars())
    creates, updates = [], []
    changes: list[Change] = []
    old_owners = _usernames(session, {r.contract_owner_id for r in existing.values()})
    for number, spec in good:
        try:
            columns = vendor_columns(spec, owners)
        except InvalidInput as exc:
            report.errors += _issues(number, exc)
            continue
        old = existing.get(spec.name.lower())
        if old is None:
            creates.append({"id": uuid.uuid4(), **columns})
            report.created.append(spec.name)
            changes.append(
                Change("vendor.create", "vendor", creates[-1]["id"], after=vendor_document(spec))
            )
        elif all(getattr(old, k) == v for k, v in columns.items()):
            report.unchanged.append(spec.name)
        else:
            updates.append({"id": old.id, **columns})
            report.updated.append(spec.name)
            was = vendor_document(spec_of(old, old_owners.get(old.contract_owner_id)))
            changes.append(
                Change("vendor.update", "vendor", old.id, before=was, after=vendor_document(spec))
            )
    if report.refused or dry_run or not (creates or updates):
        return report
    now = utcnow()
    if creates:
        session.execute(
            insert(VendorRow), [{**c, "created_at": now, "updated_at": now} for c in creates]
        )
    if updates:
        session.execute(update(VendorRow), [{**u, "updated_at": now} for u in updates])
    _audit(session, ctx, "vendors.imported", "vendor", fmt, report, changes)
    return report


def _usernames(session: Session, ids: set[uuid.UUID | None]) -> dict[uuid.UUID | None, str]:
    wanted = [i for i in ids if i is not None]
    found: dict[uuid.UUID | None, str] = {}
    for part in chunks(wanted):
        query = select(UserRow.id, UserRow.username).where(UserRow.id.in_(part))
        found.update(session.execute(query).tuples())
    return found
