"""Use cases of the review queue: list, open, send a trace to review, claim, give a verdict.

Who sees an item: the systems of one's business units, and, below the roles that oversee the
whole queue (``OVERSEERS``), only the items assigned to one's role or claimed by oneself. An
item outside that is NotFound, as a trace of another unit is. Claiming and verdicts are
audited in the transaction that makes them.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import ColumnElement, Select, false, func, or_, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from aitower.core.access.principal import Principal
from aitower.core.access.roles import Role
from aitower.core.audit.service import ChangeContext, record_change
from aitower.core.db.base import utcnow
from aitower.core.errors import Conflict, InvalidInput, NotFound
from aitower.inventory import service as inventory
from aitower.review.domain import Source, Status, role_of, verdict_of
from aitower.review.tables import ReviewItemRow, ReviewRouteRow
from aitower.telemetry.tables import TraceRow

# Roles that see every item of their units, whatever role it is assigned to.
OVERSEERS = frozenset({Role.admin, Role.ops_manager, Role.governance, Role.auditor})
MAX_NOTES = 4000
MAX_REASON = 1000


@dataclass(frozen=True, slots=True)
class ItemView:
    id: uuid.UUID
    system_id: uuid.UUID
    system_name: str
    trace_id: str
    span_id: str | None
    source: str
    reason: str
    finding_type: str
    assigned_role: str
    assignee: uuid.UUID | None
    assignee_name: str | None
    status: str
    verdict: str | None
    notes: str
    reviewed_by: str | None
    reviewed_at: datetime | None
    created_at: datetime
    created_by: str


@dataclass(frozen=True, slots=True)
class ItemFilter:
    mine: bool = False  # claimed by me
    my_role: bool = False  # assigned to my role
    system_id: uuid.UUID | None = None
    source: str | None = None
    status: str | None = None


def _view(row: ReviewItemRow, names: dict[uuid.UUID, str]) -> ItemView:
    return ItemView(
        row.id, row.system_id, names.get(row.system_id, str(row.system_id)), row.trace_id,
        row.span_id, row.source, row.reason, row.finding_type, row.assigned_role, row.assignee,
        row.assignee_name, row.status, row.verdict, row.notes, row.reviewed_by, row.reviewed_at,
        row.created_at, row.created_by,
    )  # fmt: skip


def _visible(principal: Principal, systems: list[uuid.UUID]) -> list[ColumnElement[bool]]:
    """The conditions that keep an item within what ``principal`` may review or read."""
    i = ReviewItemRow
    found: list[ColumnElement[bool]] = []
    if principal.unit_ids is not None:
        found.append(i.system_id.in_(systems) if systems else false())
    if principal.role not in OVERSEERS:
        mine = i.assignee == principal.person_id if principal.person_id else false()
        found.append(or_(i.assigned_role == principal.role.value, mine))
    return found


def _filtered(query: Select[Any], principal: Principal, f: ItemFilter) -> Select[Any]:
    i = ReviewItemRow
    if f.mine:
        query = query.where(i.assignee == principal.person_id if principal.person_id else false())
    if f.my_role:
        query = query.where(i.assigned_role == principal.role.value)
    if f.system_id is not None:
        query = query.where(i.system_id == f.system_id)
    if f.source:
        query = query.where(i.source == Source(f.source).value)
    if f.status:
        query = query.where(i.status == Status(f.status).value)
    return query


def check_filter(source: str | None, status: str | None) -> None:
    if source and source not in {s.value for s in Source}:
        raise InvalidInput.on("source", "must be flagged, low_score, finding or sample")
    if status and status not in {s.value for s in Status}:
        raise InvalidInput.on("status", "must be open or done")


def list_items(
    session: Session, principal: Principal, f: ItemFilter, limit: int, offset: int
) -> tuple[list[ItemView], int]:
    """The items the principal may see, matching ``f``: open first, then newest."""
    check_filter(f.source, f.status)
    refs = inventory.visible_systems(session, principal)
    names = {r.id: r.name for r in refs}
    where = _visible(principal, list(names))
    i = ReviewItemRow
    total = session.execute(
        _filtered(select(func.count()).select_from(i).where(*where), principal, f)
    ).scalar_one()
    query = _filtered(select(i).where(*where), principal, f)
    rows = session.execute(
        query.order_by(i.status.desc(), i.created_at.desc(), i.id).limit(limit).offset(offset)
    ).scalars()
    return [_view(r, names) for r in rows], int(total)


def _row(session: Session, principal: Principal, item_id: uuid.UUID, lock: bool) -> ReviewItemRow:
    row = session.get(ReviewItemRow, item_id, with_for_update=lock)
    if row is None:
        raise NotFound(f"no review item {item_id}")
    try:
        inventory.get_system_ref(session, principal, row.system_id)
    except NotFound:
        raise NotFound(f"no review item {item_id}") from None
    mine = principal.person_id is not None and row.assignee == principal.person_id
    if principal.role not in OVERSEERS and row.assigned_role != principal.role.value and not mine:
        raise NotFound(f"no review item {item_id}")
    return row


def get_item(session: Session, principal: Principal, item_id: uuid.UUID) -> ItemView:
    row = _row(session, principal, item_id, lock=False)
    ref = inventory.get_system_ref(session, principal, row.system_id)
    return _view(row, {ref.id: ref.name})


def _audit_doc(row: ReviewItemRow) -> dict[str, Any]:
    return {
        "trace_id": row.trace_id, "source": row.source, "finding_type": row.finding_type,
        "assigned_role": row.assigned_role, "assignee": row.assignee,
        "status": row.status, "verdict": row.verdict, "notes": row.notes,
    }  # fmt: skip


def claim(session: Session, ctx: ChangeContext, item_id: uuid.UUID) -> ItemView:
    """Assign the item to the acting person (audited ``review.item_claimed``)."""
    principal = ctx.principal
    if principal.person_id is None:
        raise InvalidInput.on("assignee", "only a person (a user, or a user's API key) claims")
    row = _row(session, principal, item_id, lock=True)
    before = _audit_doc(row)
    row.assignee = principal.person_id
    row.assignee_name = principal.name
    record_change(
        session, ctx, "review.item_claimed", "review_item", row.id,
        before=before, after=_audit_doc(row),
    )  # fmt: skip
    return get_item(session, principal, item_id)


def give_verdict(
    session: Session, ctx: ChangeContext, item_id: uuid.UUID, verdict: str, notes: str = ""
) -> ItemView:
    """Judge the item (audited ``review.verdict_given``); a later verdict replaces it, and the
    trail keeps both. An unclaimed item is claimed by whoever judges it."""
    judged = verdict_of(verdict)
    if len(notes) > MAX_NOTES:
        raise InvalidInput.on("notes", f"must be at most {MAX_NOTES} characters")
    principal = ctx.principal
    row = _row(session, principal, item_id, lock=True)
    before = _audit_doc(row)
    if row.assignee is None and principal.person_id is not None:
        row.assignee, row.assignee_name = principal.person_id, principal.name
    row.status = Status.done.value
    row.verdict = judged.value
    row.notes = notes
    row.reviewed_by = principal.actor
    row.reviewed_at = utcnow()
    record_change(
        session, ctx, "review.verdict_given", "review_item", row.id,
        before=before, after=_audit_doc(row),
    )  # fmt: skip
    return get_item(session, principal, item_id)


def flag(
    session: Session, ctx: ChangeContext, trace_id: str, reason: str, role: str | None = None
) -> ItemView:
    """Send a trace to review by hand (source ``flagged``; audited ``review.item_flagged``),
    assigned to ``role``, else to its system route's quality role (prompt engineers unless
    the route says otherwise)."""
    assigned = None if not role else role_of(role, "assigned_role").value
    trace_id = trace_id.strip().lower()
    if len(trace_id) != 32 or any(c not in "0123456789abcdef" for c in trace_id):
        raise InvalidInput.on("trace_id", "must be 32 lower-case hex digits")
    reason = reason.strip()
    if not reason or len(reason) > MAX_REASON:
        raise InvalidInput.on("reason", f"say why, in 1 to {MAX_REASON} characters")
    trace = session.get(TraceRow, trace_id)
    if trace is None:
        raise NotFound(f"no trace {trace_id}")
    if trace.system_id is None:
        raise InvalidInput.on("trace_id", "the trace belongs to no registered system")
    try:
        inventory.get_system_ref(session, ctx.principal, trace.system_id)
    except NotFound:
        raise NotFound(f"no trace {trace_id}") from None
    taken = session.execute(
        select(ReviewItemRow.id).where(
            ReviewItemRow.trace_id == trace_id, ReviewItemRow.source == Source.flagged.value
        )
    ).first()
    if taken is not None:
        raise Conflict.on("trace_id", f"the trace is already in the review queue ({taken[0]})")
    route = session.get(ReviewRouteRow, trace.system_id)
    row = ReviewItemRow(
        id=uuid.uuid4(), system_id=trace.system_id, trace_id=trace_id, span_id=None,
        source=Source.flagged.value, reason=reason, finding_type="",
        assigned_role=assigned or (route.quality_role if route else Role.prompt_engineer.value),
        status=Status.open.value, notes="", created_at=utcnow(), created_by=ctx.principal.actor,
    )  # fmt: skip
    try:
        # Two people flagging one trace at once: the second meets the unique key, not a 500.
        with session.begin_nested():
            session.add(row)
    except IntegrityError:
        raise Conflict.on("trace_id", "the trace is already in the review queue") from None
    record_change(session, ctx, "review.item_flagged", "review_item", row.id, after=_audit_doc(row))
    # The flagger may not be of the role it is assigned to: the answer is the item as made.
    return _view(
        row,
        {trace.system_id: inventory.get_system_ref(session, ctx.principal, trace.system_id).name},
    )
