"""The SQL of ingest: insert new spans once, add to traces, rollups, counters and sources.

Runs inside the caller's write transaction. A re-sent span must neither be stored nor counted
twice: on SQLite the write transaction holds the database lock (``BEGIN IMMEDIATE``), so reading
which ids exist and then inserting the rest is safe; on PostgreSQL several replicas may insert
at once, so ``INSERT … ON CONFLICT DO NOTHING RETURNING`` says which rows this transaction
stored. Rollup rows carry a histogram that SQL cannot add: SQLite adds it in an upsert through
a function of ours (``HIST_ADD``); PostgreSQL's rows are created if missing, locked
(``FOR UPDATE``), merged in Python and written back.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, fields
from typing import Any

import orjson
from sqlalchemy import Dialect, Table, bindparam, case, func, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from aitower.core.db.keyed import among_keys
from aitower.telemetry import fast_sql, histogram
from aitower.telemetry.aggregate import (
    KeyKey,
    KeySums,
    RollupKey,
    RollupSums,
    SourceSums,
    TraceSums,
    system_id,
)
from aitower.telemetry.tables import (
    DayRollupRow,
    HourRollupRow,
    KeyRollupRow,
    MinuteRollupRow,
    SixHourRollupRow,
    SourceRow,
    SpanRow,
    TraceNameRow,
    TraceRow,
)

SPANS: Table = SpanRow.__table__  # type: ignore[assignment]
TRACES: Table = TraceRow.__table__  # type: ignore[assignment]
TRACE_NAMES: Table = TraceNameRow.__table__  # type: ignore[assignment]
KEYS: Table = KeyRollupRow.__table__  # type: ignore[assignment]
SOURCES: Table = SourceRow.__table__  # type: ignore[assignment]
MINUTE_ROLLUPS: Table = MinuteRollupRow.__table__  # type: ignore[assignment]
HOUR_ROLLUPS: Table = HourRollupRow.__table__  # type: ignore[assignment]
SIX_HOUR_ROLLUPS: Table = SixHourRollupRow.__table__  # type: ignore[assignment]
DAY_ROLLUPS: Table = DayRollupRow.__table__  # type: ignore[assignment]
_ROLLUP_SUMS = tuple(f.name for f in fields(RollupSums) if f.name != "latency_hist")


def _dialect_insert(dialect: str, table: Table) -> Any:
    """An INSERT that can take ON CONFLICT clauses, in the dialect's own construct."""
    return (postgresql.insert if dialect == "postgresql" else sqlite.insert)(table)


def _insert(session: Session, table: Table) -> Any:
    return _dialect_insert(session.get_bind().dialect.name, table)


def _is_postgres(session: Session) -> bool:
    return session.get_bind().dialect.name == "postgresql"


def span_params(dialect: Dialect, rows: Sequence[Mapping[str, Any]]) -> tuple[str, list[Any]]:
    """The span insert for ``dialect`` and ``rows`` as its driver parameters (built before the
    write lock is taken; see ``insert_new_spans``)."""
    return fast_sql.driver_params(dialect, "spans.insert", SPANS, _spans_insert, rows)


def _spans_insert(dialect: str) -> Any:
    if dialect != "postgresql":
        return SPANS.insert()
    stmt = postgresql.insert(SPANS).on_conflict_do_nothing()
    return stmt.returning(SPANS.c.trace_id, SPANS.c.span_id)


# Any constant: the key of the advisory lock that lets one ingest transaction write at a time.
INGEST_LOCK_KEY = 0x61697477_0001  # "aitw", 1


def lock_for_ingest(session: Session) -> None:
    """Let one ingest transaction at a time write on PostgreSQL, as SQLite does by itself.

    Ingest workers and server replicas prepare their spans in parallel, and only their writes
    take turns: two transactions that add to the same traces and rollup rows in different orders
    could otherwise deadlock. Held until the transaction ends.
    """
    if _is_postgres(session):
        session.execute(select(func.pg_advisory_xact_lock(INGEST_LOCK_KEY)))


@dataclass(frozen=True, slots=True)
class NewSpans:
    inserted: set[tuple[str, str]]  # (trace id, span id) of the spans inserted
    # the traces among them that had spans stored before, where the insert tells (SQLite);
    # None where it does not (PostgreSQL inserts without reading first)
    earlier: frozenset[str] | None


def insert_new_spans(
    session: Session, keys: Sequence[tuple[str, str]], sql: str, params: Sequence[Any]
) -> NewSpans:
    """Insert the spans whose (trace id, span id) is new; say which keys were inserted.

    ``keys[i]`` is the key of ``params[i]`` (``span_params``); a key may repeat (the same span in
    two requests of one group): only its first row can be new.
    """
    if not keys:
        return NewSpans(set(), frozenset())
    if _is_postgres(session):
        return NewSpans({(t, s) for t, s in fast_sql.returning_many(session, sql, params)}, None)
    trace_ids = list({key[0] for key in keys})
    seen: set[tuple[str, str]] = set()
    for start in range(0, len(trace_ids), 500):
        part = trace_ids[start : start + 500]
        found = session.execute(
            select(SPANS.c.trace_id, SPANS.c.span_id).where(SPANS.c.trace_id.in_(part))
        )
        seen.update((t, s) for t, s in found.all())
    earlier = frozenset(t for t, _ in seen)
    fresh: list[Any] = []
    inserted: set[tuple[str, str]] = set()
    for key, values in zip(keys, params, strict=True):
        if key not in seen:
            seen.add(key)
            inserted.add(key)
            fresh.append(values)
    fast_sql.execute_params(session, sql, fresh)
    return NewSpans(inserted, earlier)


def add_to_traces(session: Session, sums: Mapping[str, TraceSums]) -> None:
    rows = [_trace_row(trace_id, s) for trace_id, s in sums.items()]
    fast_sql.execute_many(session, "traces.upsert", TRACES, _traces_upsert, rows)
    names = sorted({s.root_name for s in sums.values() if s.root_name})
    if names:
        fast_sql.execute_many(
            session, "trace_names.insert", TRACE_NAMES, _names_insert, [{"name": n} for n in names]
        )


def _names_insert(dialect: str) -> Any:
    return _dialect_insert(dialect, TRACE_NAMES).on_conflict_do_nothing(index_elements=["name"])


def _traces_upsert(dialect: str) -> Any:
    stmt = _dialect_insert(dialect, TRACES)
    old, new = TRACES.c, stmt.excluded
    least, greatest = (
        (func.least, func.greatest) if dialect == "postgresql" else (func.min, func.max)
    )
    return stmt.on_conflict_do_update(
        index_elements=[old.trace_id],
        set_={
            "start_time": least(old.start_time, new.start_time),
            "end_time": greatest(old.end_time, new.end_time),
            # The root span's duration once it is seen; before that, the longest seen so far.
            "duration_ms": case(
                (new.root_name.is_not(None), new.duration_ms),
                (old.root_name.is_not(None), old.duration_ms),
                (new.duration_ms > old.duration_ms, new.duration_ms),
                else_=old.duration_ms,
            ),
            "root_name": func.coalesce(new.root_name, old.root_name),
            "span_count": old.span_count + new.span_count,
            "llm_calls": old.llm_calls + new.llm_calls,
            "input_tokens": old.input_tokens + new.input_tokens,
            "output_tokens": old.output_tokens + new.output_tokens,
            "cost": old.cost + new.cost,
            "unpriced_calls": old.unpriced_calls + new.unpriced_calls,
            "error": old.error | new.error,
            "model": func.coalesce(old.model, new.model),
            "user_id": func.coalesce(old.user_id, new.user_id),
            "session_id": func.coalesce(old.session_id, new.session_id),
        },
    )


def _trace_row(trace_id: str, s: TraceSums) -> dict[str, Any]:
    return {
        "trace_id": trace_id,
        "system_id": system_id(s.system_key),
        "service_name": s.service_name[:200],
        "root_name": s.root_name,
        "start_time": s.start,
        "end_time": s.end,
        "duration_ms": s.duration_ms,
        "span_count": s.span_count,
        "llm_calls": s.llm_calls,
        "input_tokens": s.input_tokens,
        "output_tokens": s.output_tokens,
        "cost": s.cost,
        "unpriced_calls": s.unpriced_calls,
        "error": s.error,
        "model": s.model[:200] if s.model else None,
        "user_id": s.user_id[:200] if s.user_id else None,
        "session_id": s.session_id[:200] if s.session_id else None,
    }


def add_to_rollups(session: Session, table: Table, sums: Mapping[RollupKey, RollupSums]) -> None:
    """Add ``sums`` to their rollup rows (created when missing), histograms merged.

    SQLite: one upsert, which merges histograms with ``HIST_ADD``, a function of ours (the
    lookup, update and insert of a row take the key's index once). PostgreSQL has no such
    function: its rows are created, locked, added to here and written back.
    """
    if not sums:
        return
    if _is_postgres(session):
        _add_to_locked_rollups(session, table, sums)
        return
    _with_hist_add(session)
    rows = [
        {
            "bucket_start": bucket,
            "system_key": system_key,
            "model": model,
            **{name: getattr(add, name) for name in _ROLLUP_SUMS},
            "latency_hist": histogram.stored(add.latency_hist),
        }
        for (bucket, system_key, model), add in sums.items()
    ]
    fast_sql.execute_many(session, f"{table.name}.add", table, _rollup_upsert(table), rows)


HIST_ADD = "aitower_hist_add"


def _rollup_upsert(table: Table) -> Callable[[str], Any]:
    def build(dialect: str) -> Any:
        stmt = _dialect_insert(dialect, table)
        old, new = table.c, stmt.excluded
        return stmt.on_conflict_do_update(
            index_elements=[old.bucket_start, old.system_key, old.model],
            set_={
                **{name: old[name] + new[name] for name in _ROLLUP_SUMS},
                "latency_hist": getattr(func, HIST_ADD)(old.latency_hist, new.latency_hist),
            },
        )

    return build


def _with_hist_add(session: Session) -> None:
    """Give the session's SQLite connection ``HIST_ADD``; again at every call, as registering
    costs less than tracking which pooled connections have it."""
    dbapi = session.connection().connection.dbapi_connection
    dbapi.create_function(HIST_ADD, 2, _hist_added, deterministic=True)  # type: ignore[union-attr]


def _hist_added(stored: str | None, added: str) -> str:
    """``HIST_ADD``: a rollup row's stored histogram (JSON, either form) plus ``added``'s."""
    hist = histogram.unpack(orjson.loads(stored) if stored else None)
    histogram.merge_into(hist, histogram.unpack(orjson.loads(added)))
    return orjson.dumps(histogram.stored(hist)).decode()


def _add_to_locked_rollups(
    session: Session, table: Table, sums: Mapping[RollupKey, RollupSums]
) -> None:
    """Create missing rows, lock them, add ``sums`` (histograms merged) and write them back."""
    c = table.c
    blank = dict.fromkeys(_ROLLUP_SUMS, 0)
    seed = [
        {"bucket_start": b, "system_key": k, "model": m, **blank, "latency_hist": {}}
        for (b, k, m) in sums
    ]
    session.execute(_insert(session, table).on_conflict_do_nothing(), seed)
    # By bucket and system (the key's index); rows of other models in them are passed over.
    query = select(table).where(among_keys((c.bucket_start, c.system_key), sums))
    query = query.with_for_update()
    updates = []
    for row in session.execute(query).mappings():
        key = (row["bucket_start"], row["system_key"], row["model"])
        add = sums.get(key)
        if add is None:
            continue
        values = {name: row[name] + getattr(add, name) for name in _ROLLUP_SUMS}
        hist = histogram.unpack(row["latency_hist"])
        histogram.merge_into(hist, add.latency_hist)
        updates.append(
            {
                "k_b": key[0],
                "k_s": key[1],
                "k_m": key[2],
                **values,
                "latency_hist": histogram.stored(hist),
            }
        )
    stmt = (
        update(table)
        .where(c.bucket_start == _param(table, "bucket_start", "k_b"))
        .where(c.system_key == bindparam("k_s"))
        .where(c.model == bindparam("k_m"))
        .values({name: _param(table, name) for name in (*_ROLLUP_SUMS, "latency_hist")})
    )
    session.connection().execute(stmt, updates)


def add_to_key_rollups(session: Session, sums: Mapping[KeyKey, KeySums]) -> None:
    rows = [
        {"day": d, "system_key": s, "key_kind": kind, "key": value, **_key_values(v)}
        for (d, s, kind, value), v in sums.items()
    ]
    fast_sql.execute_many(session, "keys.upsert", KEYS, keys_upsert, rows)


KEY_COLUMNS = ("day", "system_key", "key_kind", "key", "requests", "llm_calls", "tokens", "cost")


def keys_upsert(dialect: str, source: Any = None) -> Any:
    """Add to the users' and sessions' day counters (created when missing): the rows bound at
    execution, or those ``source`` selects (``KEY_COLUMNS`` in order)."""
    stmt = _dialect_insert(dialect, KEYS)
    if source is not None:
        stmt = stmt.from_select(KEY_COLUMNS, source)
    old, new = KEYS.c, stmt.excluded
    return stmt.on_conflict_do_update(
        index_elements=[old.day, old.system_key, old.key_kind, old.key],
        set_={
            "requests": old.requests + new.requests,
            "llm_calls": old.llm_calls + new.llm_calls,
            "tokens": old.tokens + new.tokens,
            "cost": old.cost + new.cost,
        },
    )


def _key_values(v: KeySums) -> dict[str, Any]:
    return {"requests": v.requests, "llm_calls": v.llm_calls, "tokens": v.tokens, "cost": v.cost}


def note_sender_unit(
    session: Session, sources: Mapping[str, SourceSums], unit: uuid.UUID | None
) -> None:
    """Remember ``unit`` as the sender's unit of ``sources`` (a key limited to one unit sent
    them); organisation-wide senders (``unit`` None) leave what was noted."""
    if unit is None or not sources:
        return
    session.execute(
        update(SOURCES).where(SOURCES.c.service_name.in_(list(sources))).values(sender_unit_id=unit)
    )


def add_to_sources(session: Session, sums: Mapping[str, SourceSums]) -> None:
    """Count each service's telemetry; models are few, so they are merged in Python."""
    if not sums:
        return
    names = list(sums)
    seed = [
        {
            "service_name": n,
            "first_seen": s.first_seen,
            "last_seen": s.last_seen,
            "spans": 0,
            "llm_calls": 0,
            "tokens": 0,
            "models": [],
        }
        for n, s in sums.items()
    ]
    session.execute(_insert(session, SOURCES).on_conflict_do_nothing(), seed)
    query = select(SOURCES).where(SOURCES.c.service_name.in_(names))
    if _is_postgres(session):
        query = query.with_for_update()
    updates = []
    for row in session.execute(query).mappings():
        add = sums[row["service_name"]]
        models = sorted(set(row["models"] or []) | add.models)[:50]
        updates.append(
            {
                "k_name": row["service_name"],
                "first_seen": min(row["first_seen"], add.first_seen),
                "last_seen": max(row["last_seen"], add.last_seen),
                "spans": row["spans"] + add.spans,
                "llm_calls": row["llm_calls"] + add.llm_calls,
                "tokens": row["tokens"] + add.tokens,
                "models": models,
            }
        )
    stmt = (
        update(SOURCES)
        .where(SOURCES.c.service_name == bindparam("k_name"))
        .values(
            {
                n: _param(SOURCES, n)
                for n in ("first_seen", "last_seen", "spans", "llm_calls", "tokens", "models")
            }
        )
    )
    session.connection().execute(stmt, updates)


def _param(table: Table, column: str, name: str | None = None) -> Any:
    """A bound parameter with its column's type (UTC times and JSON need their conversion)."""
    return bindparam(name or column, type_=table.c[column].type)
