"""GenAI events sent as log records, joined to the span they belong to, in either order.

A log record names its span (trace and span id). Events wait in ``telemetry_span_log_events``
until that span is stored; then their messages join the span's content by the same rules as
the span's own message events (``content.stored_content``: kept, truncated or dropped by the
system's ``store_content`` and ``max_content_chars``), and the waiting rows are deleted.

Both orders end the same, without a race: the log request and every span write hold the ingest
lock (``store.lock_for_ingest``; SQLite's write lock), and a span request looks for waiting
events only after its spans are committed. So a log request either finds its span, or leaves
its events where the span's request (or, after a crash between the two, the background pass)
finds them. Events whose span never comes are deleted after ``HOLD``.

Per side (input, output), what the span itself carried wins: events add the side the span
lacked (the usual case: instrumentations write content either on the span or as events).
"""

from __future__ import annotations

import base64
import logging
import uuid
from collections import defaultdict
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import delete, exists, select, update
from sqlalchemy.orm import Session

from aitower.core.db.engine import Database
from aitower.core.db.keyed import among_keys
from aitower.telemetry import store
from aitower.telemetry.content import ContentPolicy, stored_content
from aitower.telemetry.log_tables import SpanLogEventRow
from aitower.telemetry.records import Attributes, DecodedSpan, SpanEvent
from aitower.telemetry.tables import SpanRow, SystemTelemetrySettingsRow

log = logging.getLogger("aitower.telemetry")
HOLD = timedelta(hours=1)
SpanKey = tuple[str, str]
_CHUNK = 400  # keys per IN (…) list: well under both drivers' parameter limits


@dataclass(frozen=True, slots=True)
class LogEvent:
    """One GenAI event read from a log record: its span, name, time and attributes (the
    record's attributes and its body's fields)."""

    trace_id: str
    span_id: str
    name: str
    time_unix_nano: int
    attributes: Attributes


def merged_content(
    existing: dict[str, Any] | None, events: Sequence[SpanEvent], policy: ContentPolicy
) -> dict[str, Any] | None:
    """The span's content once ``events`` (in order) join it: each side the span lacked is
    taken from the events, through the same rules as a span's own events."""
    carrier = DecodedSpan({}, "", "", "", None, "", 0, 0, 0, 0, "", {}, list(events))
    found = stored_content(carrier, policy, has_content=True)
    if found is None:
        return existing
    if existing is None:
        return found
    merged = dict(existing)
    for side in ("input", "output"):
        if merged.get(side) is None and found.get(side) is not None:
            merged[side] = found[side]
    return merged


def hold(
    session: Session, events: Sequence[LogEvent], default: ContentPolicy, now: datetime
) -> None:
    """Keep ``events`` until their spans are stored (call ``attach_waiting`` after)."""
    session.add_all(
        SpanLogEventRow(
            trace_id=e.trace_id,
            span_id=e.span_id,
            name=e.name[:100],
            time_unix_nano=e.time_unix_nano,
            attributes=_jsonable(e.attributes),
            default_store_content=default.store,
            default_max_chars=default.max_chars,
            received_at=now,
        )
        for e in events
    )
    session.flush()


def _jsonable(value: Any) -> Any:
    """Bytes (OTLP ``bytesValue``) as base64 text, as in stored span attributes."""
    if isinstance(value, bytes):
        return base64.b64encode(value).decode("ascii")
    if isinstance(value, list):
        return [_jsonable(v) for v in value]
    if isinstance(value, dict):
        return {k: _jsonable(v) for k, v in value.items()}
    return value


def _chunks(keys: Sequence[SpanKey]) -> Iterator[Sequence[SpanKey]]:
    for start in range(0, len(keys), _CHUNK):
        yield keys[start : start + _CHUNK]


def _waiting(session: Session, keys: Sequence[SpanKey] | None) -> list[SpanLogEventRow]:
    table = SpanLogEventRow
    if keys is None:
        return list(session.execute(select(table).order_by(table.id)).scalars())
    wanted = set(keys)
    rows: dict[int, SpanLogEventRow] = {}  # by id: a trace split over two chunks is read twice
    for chunk in _chunks(keys):  # by trace (the index); other spans' events are passed over
        found = session.execute(select(table).where(among_keys((table.trace_id,), chunk)))
        rows.update((r.id, r) for r in found.scalars() if (r.trace_id, r.span_id) in wanted)
    return sorted(rows.values(), key=lambda r: r.id)


def attach_waiting(session: Session, keys: Iterable[SpanKey] | None = None) -> int:
    """Join the waiting events of the spans ``keys`` (None: of every span) that are stored;
    returns how many events joined. Run inside a write transaction holding the ingest lock."""
    by_span: dict[SpanKey, list[SpanLogEventRow]] = defaultdict(list)
    for row in _waiting(session, None if keys is None else sorted(set(keys))):
        by_span[(row.trace_id, row.span_id)].append(row)
    if not by_span:
        return 0
    spans: dict[SpanKey, tuple[uuid.UUID | None, dict[str, Any] | None]] = {}
    query = select(SpanRow.trace_id, SpanRow.span_id, SpanRow.system_id, SpanRow.content)
    for chunk in _chunks(sorted(by_span)):  # by trace: the spans' index (``among_keys``)
        found = session.execute(query.where(among_keys((SpanRow.trace_id,), chunk)))
        for trace_id, span_id, system_id, content in found:
            if (trace_id, span_id) in by_span:
                spans[(trace_id, span_id)] = (system_id, content)
    policies = _system_policies(session, {s for s, _ in spans.values() if s is not None})
    done: list[int] = []
    for key, (system_id, content) in spans.items():
        rows = sorted(by_span[key], key=lambda r: (r.time_unix_nano, r.id))
        first = rows[0]
        default = ContentPolicy(first.default_store_content, first.default_max_chars)
        policy = policies.get(system_id, default) if system_id else default
        events = [SpanEvent(r.name, r.time_unix_nano, r.attributes) for r in rows]
        merged = merged_content(content, events, policy)
        if merged != content:
            session.execute(
                update(SpanRow)
                .where(SpanRow.trace_id == key[0], SpanRow.span_id == key[1])
                .values(content=merged)
            )
        done += [r.id for r in rows]
    for start in range(0, len(done), _CHUNK):
        ids = done[start : start + _CHUNK]
        session.execute(delete(SpanLogEventRow).where(SpanLogEventRow.id.in_(ids)))
    return len(done)


def _system_policies(
    session: Session, system_ids: set[uuid.UUID]
) -> dict[uuid.UUID, ContentPolicy]:
    if not system_ids:
        return {}
    rows = session.execute(
        select(SystemTelemetrySettingsRow).where(
            SystemTelemetrySettingsRow.system_id.in_(system_ids)
        )
    ).scalars()
    return {r.system_id: ContentPolicy(r.store_content, r.max_content_chars) for r in rows}


def any_waiting(db: Database) -> bool:
    # One statement on a connection, without an ORM session: this read follows every stored
    # export request (``attach_after_store``).
    with db.engine.connect() as conn:
        return bool(conn.execute(_ANY_WAITING).scalar())


_ANY_WAITING = select(exists().select_from(SpanLogEventRow))


def attach_after_store(db: Database, keys: frozenset[SpanKey]) -> None:
    """After spans were committed: join the events that waited for them. Nothing to do (one
    quick read) unless events wait; a failure is logged and the background pass retries, as
    the spans themselves are stored and may be acknowledged."""
    if not keys:
        return
    try:
        if not any_waiting(db):
            return
        with db.writing() as session:
            store.lock_for_ingest(session)
            attach_waiting(session, keys)
    except Exception:
        log.exception("joining waiting log events to their spans failed; the next pass retries")


def sweep(db: Database, now: datetime, _owner: str = "") -> None:
    """The background pass: join events whose spans came (a server stopped between the two
    steps), and delete those that waited longer than ``HOLD``."""
    if not any_waiting(db):
        return
    with db.writing() as session:
        store.lock_for_ingest(session)
        attach_waiting(session, None)
        expired = session.execute(
            delete(SpanLogEventRow).where(SpanLogEventRow.received_at < now - HOLD)
        )
    count = getattr(expired, "rowcount", 0) or 0
    if count:
        log.info("%d GenAI log events dropped: their spans did not arrive within %s", count, HOLD)
