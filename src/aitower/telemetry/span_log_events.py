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
A side that joins is scanned and redacted by the system's settings (``content_scan``) as it
joins, and its findings are recorded then; until its span comes, an event waits as sent
(at most ``HOLD``): which system it belongs to, and so its redaction, is known only then.
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
from aitower.telemetry import ingest_findings, store
from aitower.telemetry.content import ContentPolicy, stored_content
from aitower.telemetry.content_scan import Finding, ScanPolicy, fallback_key, scan_span
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
    taken from the events, through the same rules as a span's own events, and redacted."""
    return joined_content(existing, events, policy)[0]


def joined_content(
    existing: dict[str, Any] | None, events: Sequence[SpanEvent], policy: ContentPolicy
) -> tuple[dict[str, Any] | None, list[Finding]]:
    """``merged_content`` and what the scan found in the sides that joined (scanned even
    where content is not stored)."""
    if not (policy.store or policy.scan.enabled):
        return existing, []
    carrier = DecodedSpan({}, "", "", "", None, "", 0, 0, 0, 0, "", {}, list(events))
    found = stored_content(carrier, ContentPolicy(True, policy.max_chars), has_content=True)
    joining = {
        side: found[side]
        for side in ("input", "output")
        if found is not None
        and found.get(side) is not None
        and (existing is None or existing.get(side) is None)
    }
    if not joining:
        return existing, []
    findings: list[Finding] = []
    if policy.scan.enabled:
        scanned = scan_span(joining, None, None, policy.scan, policy.key or fallback_key())
        joining, findings = scanned.content or {}, scanned.findings
    if not policy.store:
        return existing, findings
    merged = dict(existing) if existing is not None else {"input": None, "output": None}
    merged.update(joining)
    return merged, findings


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


def attach_waiting(
    session: Session, keys: Iterable[SpanKey] | None = None, key: bytes = b""
) -> int:
    """Join the waiting events of the spans ``keys`` (None: of every span) that are stored;
    returns how many events joined. Run inside a write transaction holding the ingest lock.
    ``key``: the server's redaction key (empty: ``content_scan.fallback_key``)."""
    by_span: dict[SpanKey, list[SpanLogEventRow]] = defaultdict(list)
    for row in _waiting(session, None if keys is None else sorted(set(keys))):
        by_span[(row.trace_id, row.span_id)].append(row)
    if not by_span:
        return 0
    spans: dict[SpanKey, Any] = {}
    query = select(*_SPAN_COLUMNS)
    for chunk in _chunks(sorted(by_span)):  # by trace: the spans' index (``among_keys``)
        found = session.execute(query.where(among_keys((SpanRow.trace_id,), chunk)))
        for span in found:
            if (span.trace_id, span.span_id) in by_span:
                spans[(span.trace_id, span.span_id)] = span
    policies = _system_policies(session, {s.system_id for s in spans.values()} - {None}, key)
    done: list[int] = []
    findings: list[dict[str, Any]] = []
    for span_key, span in spans.items():
        rows = sorted(by_span[span_key], key=lambda r: (r.time_unix_nano, r.id))
        first = rows[0]
        default = ContentPolicy(
            first.default_store_content, first.default_max_chars, ScanPolicy(), key
        )
        policy = policies.get(span.system_id, default) if span.system_id else default
        events = [SpanEvent(r.name, r.time_unix_nano, r.attributes) for r in rows]
        merged, found_here = joined_content(span.content, events, policy)
        if merged != span.content:
            session.execute(
                update(SpanRow)
                .where(SpanRow.trace_id == span_key[0], SpanRow.span_id == span_key[1])
                .values(content=merged)
            )
        findings += _finding_rows(span, found_here)
        done += [r.id for r in rows]
    if findings:
        ingest_findings.insert_rows(session, findings)
    for start in range(0, len(done), _CHUNK):
        ids = done[start : start + _CHUNK]
        session.execute(delete(SpanLogEventRow).where(SpanLogEventRow.id.in_(ids)))
    return len(done)


_SPAN_COLUMNS = (
    SpanRow.trace_id,
    SpanRow.span_id,
    SpanRow.system_id,
    SpanRow.content,
    SpanRow.service_name,
    SpanRow.user_id,
    SpanRow.session_id,
    SpanRow.model,
    SpanRow.start_time,
)


def _finding_rows(span: Any, found: list[Finding]) -> list[dict[str, Any]]:
    """``content_findings`` rows of a stored span (a row of ``_SPAN_COLUMNS``)."""
    where = {
        "trace_id": span.trace_id,
        "span_id": span.span_id,
        "system_id": span.system_id,
        "service_name": span.service_name,
        "user_id": span.user_id,
        "session_id": span.session_id,
        "model": span.model,
        "seen_at": span.start_time,
    }
    return ingest_findings.rows_of(where, found)


def _system_policies(
    session: Session, system_ids: set[uuid.UUID], key: bytes
) -> dict[uuid.UUID, ContentPolicy]:
    if not system_ids:
        return {}
    rows = session.execute(
        select(SystemTelemetrySettingsRow).where(
            SystemTelemetrySettingsRow.system_id.in_(system_ids)
        )
    ).scalars()
    return {
        r.system_id: ContentPolicy(
            r.store_content,
            r.max_content_chars,
            ScanPolicy.of(r.scan_enabled, r.scan_types, r.redaction),
            key,
        )
        for r in rows
    }


def any_waiting(db: Database) -> bool:
    # One statement on a connection, without an ORM session: this read follows every stored
    # export request (``attach_after_store``).
    with db.engine.connect() as conn:
        return bool(conn.execute(_ANY_WAITING).scalar())


_ANY_WAITING = select(exists().select_from(SpanLogEventRow))


def attach_after_store(db: Database, keys: frozenset[SpanKey], key: bytes = b"") -> None:
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
            attach_waiting(session, keys, key)
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
