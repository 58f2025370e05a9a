"""History follows its system: when a service name's claim changes, its stored telemetry moves.

Ingest files each span under the system that claims its ``service.name`` when it arrives, or
under ``service:<name>`` (an unregistered source). Registering a service (a new system, or a
name added to one), removing a name, or moving it to another system changes the claim in
inventory; this module notices (``plan`` compares the claims with ``telemetry_attributions``,
where each service's history was last filed) and moves that service's spans, traces, scores and
rollups to the new attribution (``reattribution_moves``).

A move runs in chunks of ``CHUNK`` spans, each its own short write transaction that takes
ingest's write turn (``store.lock_for_ingest``), so ingest waits at most one chunk. Spans that
arrive during a move are filed by the new claim already, except those of a request prepared
before the claim changed and written after: the move sweeps once more from the start when it
reaches the end, and ``plan`` starts another move whenever ``service:<name>`` rollups appear for
a claimed name. The background pass runs moves for a few seconds per pass; ``aitower telemetry
reattribute`` runs them to the end with a progress bar. A finished move that moved anything
writes the audit event ``telemetry.reattributed`` with its counts.
"""

from __future__ import annotations

import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from aitower.core.access.principal import Principal, system_principal
from aitower.core.audit.service import ChangeContext, record_change
from aitower.core.db.base import utcnow
from aitower.core.db.engine import Database
from aitower.inventory import service as inventory
from aitower.telemetry import reattribution_whole as whole
from aitower.telemetry import store
from aitower.telemetry.reattribution_moves import Move, count_spans, move_chunk
from aitower.telemetry.tables import AttributionRow

CHUNK = 5000  # spans per write transaction when a registration moves whole windows
# Spans per write transaction when they are recounted (a name leaving a system): reading them
# back and summing them costs ~1 ms per 5 spans, so a step stays near a quarter second.
RECOUNT_CHUNK = 1000
LEASE = timedelta(seconds=60)  # a replica that stops mid-move leaves it to another after this
PASS_BUDGET_SECONDS = 5.0  # the background pass's share; the pass runs other jobs too
ACTION = "telemetry.reattributed"


@dataclass(frozen=True, slots=True)
class Progress:
    """A move as the Monitoring page, the API and the CLI show it."""

    service_name: str
    state: str  # "running" | "done"
    source_id: uuid.UUID | None
    target_id: uuid.UUID | None
    spans_total: int
    spans_moved: int
    traces_moved: int
    started_at: datetime | None
    finished_at: datetime | None

    source_name: str | None = None  # the systems' names where the reader may see them
    target_name: str | None = None

    @property
    def percent(self) -> float:
        if self.spans_total <= 0:
            return 100.0 if self.state == "done" else 0.0
        return min(100.0, 100.0 * self.spans_moved / self.spans_total)


def plan(db: Database, now: datetime | None = None) -> list[str]:
    """Start a move for every service whose claim differs from where its history lies; return
    the services whose move started."""
    now = now or utcnow()
    with db.writing() as session:
        claims = inventory.service_claims(session)
        rows = {r.service_name: r for r in session.execute(select(AttributionRow)).scalars()}
        strays = _unregistered_names(session) & claims.keys()
        started = []
        for name in sorted(claims.keys() | rows.keys()):
            row = rows.get(name)
            if row is None:
                row = AttributionRow(service_name=name, system_id=None, state="done")
                session.add(row)
            if row.state == "running":
                continue
            wanted = claims.get(name)
            if row.system_id != wanted:
                _start(session, row, Move(name, row.system_id, wanted), now)
            elif wanted is not None and name in strays:
                _start(session, row, Move(name, None, wanted), now)
            else:
                continue
            started.append(name)
    return started


def _unregistered_names(session: Session) -> set[str]:
    """Services with rollups under ``service:<name>`` (day rows: the fewest, and every stored
    span has one)."""
    table = store.DAY_ROLLUPS
    keys = session.execute(
        select(table.c.system_key).where(table.c.system_key.like("service:%")).distinct()
    ).scalars()
    return {key.removeprefix("service:") for key in keys}


def _start(session: Session, row: AttributionRow, move: Move, now: datetime) -> None:
    session.flush()
    row.state, row.source_id, row.target_id = "running", move.source_id, move.target_id
    row.sweep, row.cursor_time, row.cursor_trace, row.cursor_span = 0, None, None, None
    row.spans_total, row.spans_moved, row.traces_moved = count_spans(session, move), 0, 0
    row.rollup_rows = 0
    row.started_at, row.finished_at, row.lease_owner, row.lease_until = now, None, None, None


def step(db: Database, service_name: str, owner: str, limit: int = CHUNK) -> bool:
    """Move one chunk of ``service_name``'s running move in one write transaction; True while
    work is left. A move leased by another replica is left alone."""
    with db.writing() as session:
        store.lock_for_ingest(session)
        row = session.get(AttributionRow, service_name, with_for_update=True)
        now = utcnow()
        if row is None or row.state != "running":
            return False
        if row.lease_owner not in (None, owner) and row.lease_until and row.lease_until > now:
            return False
        row.lease_owner, row.lease_until = owner, now + LEASE
        move = Move(row.service_name, row.source_id, row.target_id)
        if move.source_id is None and move.target_id is not None:
            return _step_whole(session, row, move, limit, now)
        after = None
        if row.cursor_time is not None and row.cursor_trace and row.cursor_span:
            after = (row.cursor_time, row.cursor_trace, row.cursor_span)
        done = move_chunk(session, move, after, min(limit, RECOUNT_CHUNK))
        if done.cursor is not None:
            row.cursor_time, row.cursor_trace, row.cursor_span = done.cursor
            row.spans_moved += done.spans
            row.traces_moved += done.traces
            row.spans_total = max(row.spans_total, row.spans_moved)
            return True
        if row.sweep == 0:  # once more from the start: spans written late under the old claim
            row.sweep, row.cursor_time, row.cursor_trace, row.cursor_span = 1, None, None, None
            return True
        _finish(session, row, move, now)
        return False


def _step_whole(
    session: Session, row: AttributionRow, move: Move, limit: int, now: datetime
) -> bool:
    """A registration's step: a window of spans (two passes), then a batch of rollup rows."""
    if row.sweep < 2:
        window = whole.next_window(session, move, row.cursor_time, limit)
        spans, traces = whole.move_window(session, move, window)
        row.spans_moved += spans
        row.traces_moved += traces
        row.spans_total = max(row.spans_total, row.spans_moved)
        if window.end is not None:
            row.cursor_time = window.end
        else:  # the end of time: sweep once more from the start, then the rollups
            row.sweep, row.cursor_time = row.sweep + 1, None
        return True
    merged = whole.merge_rollups(session, move)
    row.rollup_rows += merged
    if merged:
        return True
    _finish(session, row, move, now)
    return False


def _finish(session: Session, row: AttributionRow, move: Move, now: datetime) -> None:
    merged = row.rollup_rows
    row.state, row.system_id, row.finished_at = "done", move.target_id, now
    row.lease_owner, row.lease_until = None, None
    if row.spans_moved == 0 and merged == 0:
        return
    names = inventory.system_names(session, {i for i in (move.source_id, move.target_id) if i})
    record_change(
        session,
        ChangeContext(system_principal("telemetry re-attribution")),
        ACTION,
        "ai_system",
        move.target_id or move.source_id,
        before={"service_name": move.service_name, "system": _named(move.source_id, names)},
        after={
            "service_name": move.service_name,
            "system": _named(move.target_id, names),
            "spans": row.spans_moved,
            "traces": row.traces_moved,
            "rollup_rows_merged": merged,
        },
    )


def _named(system_id: uuid.UUID | None, names: dict[uuid.UUID, str]) -> str | None:
    """A system as the audit trail names it; None: unregistered."""
    if system_id is None:
        return None
    return f"{names.get(system_id, '(deleted)')} ({system_id})"


def running(db: Database) -> list[str]:
    with db.reading() as session:
        query = select(AttributionRow.service_name).where(AttributionRow.state == "running")
        return list(session.execute(query.order_by(AttributionRow.service_name)).scalars())


def run_pending(
    db: Database,
    owner: str,
    *,
    budget_seconds: float | None = PASS_BUDGET_SECONDS,
    on_chunk: Callable[[str], None] | None = None,
    limit: int = CHUNK,
) -> int:
    """Plan, then move chunks until every move is done or ``budget_seconds`` is spent (None:
    no limit); return how many moves are still running."""
    deadline = None if budget_seconds is None else time.monotonic() + budget_seconds
    plan(db)
    for name in running(db):
        while step(db, name, owner, limit):
            if on_chunk is not None:
                on_chunk(name)
            if deadline is not None and time.monotonic() > deadline:
                return len(running(db))
        if on_chunk is not None:
            on_chunk(name)
    return len(running(db))


def progress(session: Session, *, recent: timedelta = timedelta(days=1)) -> list[Progress]:
    """Running moves, and those finished within ``recent``, newest first."""
    since = utcnow() - recent
    query = select(AttributionRow).where(
        (AttributionRow.state == "running") | (AttributionRow.finished_at >= since)
    )
    found = [
        Progress(
            r.service_name,
            r.state,
            r.source_id,
            r.target_id,
            r.spans_total,
            r.spans_moved,
            r.traces_moved,
            r.started_at,
            r.finished_at,
        )
        for r in session.execute(query).scalars()
        if r.state == "running" or r.spans_moved > 0
    ]
    return sorted(found, key=lambda p: (p.state != "running", p.service_name))


def visible_progress(session: Session, principal: Principal) -> list[Progress]:
    """``progress`` of the moves into or out of systems ``principal`` sees (moves between
    unregistered names only concern no one's system and are left out), with the names."""
    names = {ref.id: ref.name for ref in inventory.visible_systems(session, principal)}
    return [
        replace(p, source_name=names.get(p.source_id), target_name=names.get(p.target_id))  # type: ignore[arg-type]
        for p in progress(session)
        if p.source_id in names or p.target_id in names
    ]
