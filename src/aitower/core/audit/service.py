"""Writing, reading, verifying and exporting the audit trail.

``record_change`` runs inside the caller's transaction, so a change and its audit event commit
or roll back together.
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from enum import Enum
from typing import Any, TextIO, cast

from sqlalchemy import Select, Table, func, insert, select
from sqlalchemy.orm import Session

from aitower.core.access.principal import Principal
from aitower.core.audit import stored as stored_events
from aitower.core.audit.chain import (
    GENESIS_HASH,
    ChainReport,
    canonical_json,
    event_hash,
    format_time,
    verify_chain,
)
from aitower.core.audit.stored import AuditEvent as AuditEvent  # re-exported: the API names it
from aitower.core.audit.stored import changed_fields
from aitower.core.audit.tables import AuditEventRow, AuditHeadRow
from aitower.core.db.base import utcnow

HEAD_ROW_ID = 1
EVENTS_TABLE = cast(Table, AuditEventRow.__table__)
VERIFY_BATCH = 2_000
PROGRESS_STEP = 500  # progress callbacks per this many events: per-event would cost more


@dataclass(frozen=True, slots=True)
class ChangeContext:
    """Who makes a change and under which request: passed to every service that writes."""

    principal: Principal
    request_id: str | None = None


@dataclass(frozen=True, slots=True)
class AuditFilter:
    actor: str | None = None
    action: str | None = None
    object_type: str | None = None
    object_id: str | None = None
    since: datetime | None = None
    until: datetime | None = None


def _json_default(value: object) -> object:
    if isinstance(value, datetime):
        return format_time(value)
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, uuid.UUID):
        return str(value)
    if isinstance(value, Enum):
        return value.value
    if isinstance(value, (set, frozenset)):
        return sorted(value, key=str)
    raise TypeError(f"cannot record {type(value).__name__} in the audit trail")


def _normalise(doc: dict[str, Any] | None) -> dict[str, Any] | None:
    """Round-trip through canonical JSON so what is hashed is exactly what is stored."""
    if doc is None:
        return None
    result: dict[str, Any] = json.loads(
        json.dumps(doc, default=_json_default, sort_keys=True, allow_nan=False)
    )
    return result


@dataclass(frozen=True, slots=True)
class Change:
    """One change to record: what was done to which object, and its state before and after."""

    action: str
    object_type: str
    object_id: object | None
    before: dict[str, Any] | None = None
    after: dict[str, Any] | None = None


def record_change(
    session: Session,
    ctx: ChangeContext,
    action: str,
    object_type: str,
    object_id: object | None,
    *,
    before: dict[str, Any] | None = None,
    after: dict[str, Any] | None = None,
) -> AuditEvent:
    """Append one event to the chain in the current transaction."""
    (event,) = record_changes(session, ctx, [Change(action, object_type, object_id, before, after)])
    return event


def record_changes(
    session: Session, ctx: ChangeContext, changes: Sequence[Change]
) -> list[AuditEvent]:
    """Append events to the chain in order, in the current transaction: the head is locked and
    moved once and the rows go in one bulk insert, so an import of thousands of rows records
    each row's before and after at a small fraction of one ``record_change`` per row."""
    head = session.execute(
        select(AuditHeadRow).where(AuditHeadRow.id == HEAD_ROW_ID).with_for_update()
    ).scalar_one()
    now = utcnow()
    seq, prev = head.seq, head.hash
    rows: list[dict[str, Any]] = []
    events: list[AuditEvent] = []
    for change in changes:
        seq += 1
        event: dict[str, Any] = {
            "seq": seq,
            "id": str(uuid.uuid4()),
            "occurred_at": format_time(now),
            "actor": ctx.principal.actor,
            "action": change.action,
            "object_type": change.object_type,
            "object_id": None if change.object_id is None else str(change.object_id),
            "before": _normalise(change.before),
            "after": _normalise(change.after),
            "request_id": ctx.request_id,
        }
        digest = event_hash(prev, event)
        row = {**event, "id": uuid.UUID(event["id"]), "occurred_at": now}
        rows.append({**row, "prev_hash": prev, "hash": digest})
        events.append(
            AuditEvent(
                **row,
                prev_hash=prev,
                hash=digest,
                changed_fields=changed_fields(event["before"], event["after"]),
            )
        )
        prev = digest
    if rows:
        session.execute(insert(EVENTS_TABLE), rows)  # Core: no ORM bulk step
        head.seq, head.hash = seq, prev
        session.flush()
    return events


def _filtered(query: Select[Any], flt: AuditFilter) -> Select[Any]:
    if flt.actor:
        query = query.where(AuditEventRow.actor == flt.actor)
    if flt.action:
        query = query.where(AuditEventRow.action == flt.action)
    if flt.object_type:
        query = query.where(AuditEventRow.object_type == flt.object_type)
    if flt.object_id:
        query = query.where(AuditEventRow.object_id == flt.object_id)
    if flt.since:
        query = query.where(AuditEventRow.occurred_at >= flt.since)
    if flt.until:
        query = query.where(AuditEventRow.occurred_at < flt.until)
    return query


def list_events(
    session: Session, flt: AuditFilter, *, limit: int, offset: int
) -> tuple[list[AuditEvent], int]:
    """Newest first, with the total that matches the filter."""
    total = session.execute(_filtered(select(func.count()).select_from(AuditEventRow), flt))
    rows = session.execute(
        _filtered(select(*stored_events.raw_columns()), flt)
        .order_by(AuditEventRow.seq.desc())
        .limit(limit)
        .offset(offset)
    )
    return [stored_events.decode(r) for r in rows], int(total.scalar_one())


def get_event(session: Session, seq: int) -> AuditEvent | None:
    query = select(*stored_events.raw_columns()).where(AuditEventRow.seq == seq)
    row = session.execute(query).first()
    return None if row is None else stored_events.decode(row)


def count_events(session: Session, *, since: datetime | None = None) -> int:
    query = select(func.count()).select_from(AuditEventRow)
    if since is not None:
        query = query.where(AuditEventRow.occurred_at >= since)
    return int(session.execute(query).scalar_one())


def chain_events(
    session: Session, *, since: datetime | None = None, through_seq: int | None = None
) -> Iterator[dict[str, Any]]:
    """Events in chain order as plain mappings (chained fields, prev_hash, hash), streamed;
    ``through_seq`` stops at that event (the chain as it stood then)."""
    # Plain rows, not ORM objects: verification reads every event, and identity-mapping
    # each one would cost more than hashing it.
    query = select(*stored_events.raw_columns()).order_by(AuditEventRow.seq)
    if since is not None:
        query = query.where(AuditEventRow.occurred_at >= since)
    if through_seq is not None:
        query = query.where(AuditEventRow.seq <= through_seq)
    for row in session.execute(query.execution_options(yield_per=VERIFY_BATCH)):
        yield stored_events.chain_dict(stored_events.decode(row))


def chain_head(session: Session) -> tuple[int, str]:
    head = session.get(AuditHeadRow, HEAD_ROW_ID)
    return (0, GENESIS_HASH) if head is None else (head.seq, head.hash)


def head_at(session: Session, moment: datetime) -> tuple[int, str]:
    """The chain's head as it stood at ``moment``: the last event recorded at or before it
    (``(0, genesis)`` before the first). The chain up to it is a prefix an auditor can verify
    from the first event, even where replicas' clocks made times step back a little."""
    seq = session.execute(
        select(func.max(AuditEventRow.seq)).where(AuditEventRow.occurred_at <= moment)
    ).scalar()
    if seq is None:
        return 0, GENESIS_HASH
    digest = session.execute(select(AuditEventRow.hash).where(AuditEventRow.seq == seq)).scalar()
    return int(seq), str(digest)


def _reporting(
    events: Iterator[dict[str, Any]], on_progress: Callable[[int], None] | None
) -> Iterator[dict[str, Any]]:
    pending = 0
    for event in events:
        yield event
        pending += 1
        if on_progress is not None and pending == PROGRESS_STEP:
            on_progress(pending)
            pending = 0
    if on_progress is not None and pending:
        on_progress(pending)


def verify(
    session: Session,
    *,
    recorded_head: tuple[int, str] | None = None,
    on_progress: Callable[[int], None] | None = None,
) -> ChainReport:
    """Check every event from the first, and that the chain ends where its head says.

    Run it in ``Database.reading()``: one snapshot, so events committed meanwhile by other
    processes cannot look like tampering. ``on_progress(n)`` is told every few hundred events.
    """
    return verify_chain(
        _reporting(chain_events(session), on_progress),
        expected_head=chain_head(session),
        recorded_head=recorded_head,
    )


def export_lines(
    session: Session,
    *,
    since: datetime | None = None,
    through_seq: int | None = None,
    on_progress: Callable[[int], None] | None = None,
) -> Iterator[str]:
    """Events as JSON Lines: each the canonical form of the chained fields, prev_hash and hash."""
    events = chain_events(session, since=since, through_seq=through_seq)
    for doc in _reporting(events, on_progress):
        yield canonical_json(doc) + "\n"


def export_jsonl(session: Session, out: TextIO, *, since: datetime | None = None) -> int:
    """Write the export to ``out``; returns how many events were written."""
    count = 0
    for line in export_lines(session, since=since):
        out.write(line)
        count += 1
    return count
