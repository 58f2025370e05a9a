"""Registering an unregistered service: its history moves whole, without recounting.

Everything under ``service:<name>`` is that service's and all of it goes to the system that now
claims it, so nothing needs to be worked out again from the spans (``reattribution_moves`` does
that when a name leaves a system, whose rows mix services). Spans and their traces move by
ranges of start time (one ``UPDATE`` per range, ``CHUNK`` spans each), their scores with them;
then the rollup rows merge into the system's rows a few thousand at a time: sums added,
histograms merged by bucket, the old rows deleted. Every step is one short write transaction.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import Table, and_, bindparam, delete, func, insert, literal, select, update
from sqlalchemy.orm import Session

from aitower.telemetry import histogram, score_rollups, store
from aitower.telemetry.reattribution_moves import ROLLUP_TABLES, Move
from aitower.telemetry.tables import ScoreRow

SPANS, TRACES, KEYS = store.SPANS, store.TRACES, store.KEYS
ROWS_PER_STEP = 500  # rollup rows merged one by one per transaction (buckets both have)
RENAME_PER_STEP = 2000  # rollup rows renamed to the system per transaction (one table a step)
_SUMS = tuple(
    c.name
    for c in store.MINUTE_ROLLUPS.c
    if c.name not in ("bucket_start", "system_key", "model", "latency_hist")
)


@dataclass(frozen=True, slots=True)
class Window:
    """Spans and traces that start in [``start``, ``end``); None: unbounded."""

    start: datetime | None
    end: datetime | None


def next_window(session: Session, move: Move, start: datetime | None, size: int) -> Window:
    """From ``start``, the window that holds the next ``size`` unregistered spans of the
    service (the rest of time when fewer are left)."""
    c = SPANS.c
    query = select(c.start_time).where(c.system_id.is_(None), c.service_name == move.service_name)
    if start is not None:
        query = query.where(c.start_time >= literal(start, type_=c.start_time.type))
    end = session.execute(query.order_by(c.start_time).offset(size).limit(1)).scalar()
    if end is not None and end == start:  # more than ``size`` spans share one start time
        end = session.execute(
            select(func.min(c.start_time)).where(
                c.system_id.is_(None),
                c.service_name == move.service_name,
                c.start_time > literal(start, type_=c.start_time.type),
            )
        ).scalar()
    return Window(start, end)


def _in(column: Any, window: Window) -> Any:
    conditions = []
    if window.start is not None:
        conditions.append(column >= literal(window.start, type_=column.type))
    if window.end is not None:
        conditions.append(column < literal(window.end, type_=column.type))
    return and_(True, *conditions)


def move_window(session: Session, move: Move, window: Window) -> tuple[int, int]:
    """Move the service's unregistered spans and traces that start in ``window``, and the
    scores of those traces; return (spans, traces) moved."""
    assert move.source_id is None and move.target_id is not None
    spans = (
        session.connection()
        .execute(
            update(SPANS)
            .where(SPANS.c.system_id.is_(None), SPANS.c.service_name == move.service_name)
            .where(_in(SPANS.c.start_time, window))
            .values(system_id=move.target_id)
        )
        .rowcount
    )
    unregistered = and_(TRACES.c.system_id.is_(None), TRACES.c.service_name == move.service_name)
    trace_ids = list(
        session.execute(
            select(TRACES.c.trace_id).where(unregistered, _in(TRACES.c.start_time, window))
        ).scalars()
    )
    if trace_ids:
        session.execute(
            update(TRACES)
            .where(unregistered, _in(TRACES.c.start_time, window))
            .values(system_id=move.target_id)
        )
        _move_scores(session, trace_ids, move.target_id)
    return spans, len(trace_ids)


def _move_scores(session: Session, trace_ids: Sequence[str], target: uuid.UUID) -> None:
    for first in range(0, len(trace_ids), 500):
        part = trace_ids[first : first + 500]
        waiting = ScoreRow.trace_id.in_(part), ScoreRow.system_id.is_(None)
        found = [
            score_rollups.facts(r)
            for r in session.execute(select(*score_rollups.FACT_COLUMNS).where(*waiting))
        ]
        if found:
            session.execute(update(ScoreRow).where(*waiting).values(system_id=target))
            score_rollups.move(session, found, target)


def merge_rollups(session: Session, move: Move, limit: int = ROWS_PER_STEP) -> int:
    """Move rollup rows of ``service:<name>``: those whose bucket the system has no row for by
    renaming their key, up to ``RENAME_PER_STEP``, and up to ``limit`` of the others merged into
    the system's rows; then the users' and sessions' day counters (``_move_keys``). One table
    per step, the first that still holds the service's rows: all of them in one transaction
    held ingest for 1.7 s at a million spans on PostgreSQL. Return how many moved (0: none
    left)."""
    for table in ROLLUP_TABLES:
        merged = _rename(session, table, move, ("bucket_start", "model"), RENAME_PER_STEP)
        merged += _merge_table(session, table, move, limit)
        if merged:
            return merged
    return _move_keys(session, move, RENAME_PER_STEP)


def _oldest(session: Session, when: Any, mine: Any, limit: int) -> list[Any]:
    """The condition on ``when`` that takes the oldest ``limit`` or so rows ``mine`` selects (a
    range of buckets or days), so that one step stays short however long the history."""
    bound = session.execute(select(when).where(mine).order_by(when).offset(limit).limit(1))
    last = bound.scalar()
    if last is None:
        return []
    first = session.execute(select(func.min(when)).where(mine)).scalar()
    return [when <= last if last == first else when < last]


def _rename(session: Session, table: Table, move: Move, key: tuple[str, ...], limit: int) -> int:
    """``UPDATE … SET system_key = target`` where the target has no row with the same key, for
    the oldest ``limit`` or so rows."""
    c, when = table.c, table.c[key[0]]
    twin = table.alias("twin")
    clash = select(literal(1)).where(
        twin.c.system_key == move.target_key, *(twin.c[k] == c[k] for k in key)
    )
    mine = c.system_key == move.source_key
    conditions = [mine, ~clash.exists(), *_oldest(session, when, mine, limit)]
    renamed = session.connection().execute(
        update(table).where(*conditions).values(system_key=move.target_key)
    )
    return renamed.rowcount


def _move_keys(session: Session, move: Move, limit: int) -> int:
    """The oldest ``limit`` or so of the service's day counters, added into the system's
    (created or summed, matched by primary key) and deleted. Renaming those the system had no
    twin of, as the rollup rows are, had PostgreSQL look for the twins through the rank index
    or a growing scan after a large ingest: 0.85 to 3.5 s a step at a million spans."""
    c = KEYS.c
    mine = c.system_key == move.source_key
    taken = [mine, *_oldest(session, c.day, mine, limit)]
    target = literal(move.target_key, type_=c.system_key.type)
    source = select(
        *(target if name == "system_key" else c[name] for name in store.KEY_COLUMNS)
    ).where(*taken)
    session.execute(store.keys_upsert(session.get_bind().dialect.name, source))
    return session.connection().execute(delete(KEYS).where(*taken)).rowcount


def _merge_table(session: Session, table: Table, move: Move, limit: int) -> int:
    c = table.c
    rows = (
        session.execute(
            select(table)
            .where(c.system_key == move.source_key)
            .order_by(c.bucket_start)
            .limit(limit)
        )
        .mappings()
        .all()
    )
    if not rows:
        return 0
    first, last = rows[0]["bucket_start"], rows[-1]["bucket_start"]
    query = select(table).where(
        c.system_key == move.target_key, c.bucket_start.between(first, last)
    )
    if session.get_bind().dialect.name == "postgresql":
        query = query.with_for_update()
    targets = {(r["bucket_start"], r["model"]): r for r in session.execute(query).mappings()}
    updates, inserts = [], []
    for row in rows:
        found = targets.get((row["bucket_start"], row["model"]))
        if found is None:
            inserts.append({**row, "system_key": move.target_key})
            continue
        hist = histogram.unpack(found["latency_hist"])
        histogram.merge_into(hist, histogram.unpack(row["latency_hist"]))
        values = {name: found[name] + row[name] for name in _SUMS}
        updates.append(
            {
                "k_b": row["bucket_start"],
                "k_m": row["model"],
                **values,
                "latency_hist": histogram.stored(hist),
            }
        )
    if inserts:
        session.execute(insert(table), inserts)
    if updates:
        stmt = (
            update(table)
            .where(c.bucket_start == bindparam("k_b", type_=c.bucket_start.type))
            .where(c.system_key == move.target_key, c.model == bindparam("k_m"))
            .values(
                {name: bindparam(name, type_=c[name].type) for name in (*_SUMS, "latency_hist")}
            )
        )
        session.connection().execute(stmt, updates)
    gone = (
        delete(table)
        .where(c.bucket_start == bindparam("k_b", type_=c.bucket_start.type))
        .where(c.system_key == move.source_key, c.model == bindparam("k_m"))
    )
    session.connection().execute(
        gone, [{"k_b": r["bucket_start"], "k_m": r["model"]} for r in rows]
    )
    return len(rows)
