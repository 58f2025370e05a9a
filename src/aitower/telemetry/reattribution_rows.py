"""Moving sums between two keys' rollup rows, read and written by ranges and ``executemany``.

A chunk of a move touches a few hundred buckets in one time range. The rows of both keys in that
range are read with one range query each (the tables' keys start with the bucket or day), the
new values worked out in Python (histograms merged by bucket, emptied buckets dropped) and
written back as one ``executemany`` per kind of change: no IN lists of thousands of tuples, whose
compilation cost more than the work. Runs inside the caller's write transaction, which holds
ingest's write turn, so no other writer touches these rows meanwhile.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import fields
from typing import Any

from sqlalchemy import Table, bindparam, delete, insert, select, update
from sqlalchemy.orm import Session

from aitower.telemetry import histogram, store
from aitower.telemetry.aggregate import KeyKey, KeySums, RollupKey, RollupSums

_SUMS = tuple(f.name for f in fields(RollupSums) if f.name != "latency_hist")
_KEY_SUMS = tuple(f.name for f in fields(KeySums))


def _rows(session: Session, table: Table, key: str, when: str, span: list[Any]) -> dict[Any, Any]:
    """The rows of ``key`` whose ``when`` column lies within ``span``'s values, by the rest of
    their primary key."""
    c = table.c
    found = session.execute(
        select(table).where(c.system_key == key, c[when].between(min(span), max(span)))
    ).mappings()
    rest = [col.name for col in table.primary_key.columns if col.name != "system_key"]
    return {tuple(row[name] for name in rest): dict(row) for row in found}


def _less(row: dict[str, Any], sums: RollupSums) -> dict[str, Any]:
    out = {name: row[name] - getattr(sums, name) for name in _SUMS}
    hist = histogram.unpack(row["latency_hist"])
    for bucket, count in sums.latency_hist.items():
        left = hist.get(bucket, 0) - count
        if left > 0:
            hist[bucket] = left
        else:
            hist.pop(bucket, None)
    return {**out, "latency_hist": histogram.stored(hist)}


def _more(row: dict[str, Any] | None, sums: RollupSums) -> dict[str, Any]:
    if row is None:
        return {name: getattr(sums, name) for name in _SUMS} | {
            "latency_hist": histogram.stored(sums.latency_hist)
        }
    hist = histogram.unpack(row["latency_hist"])
    histogram.merge_into(hist, sums.latency_hist)
    return {name: row[name] + getattr(sums, name) for name in _SUMS} | {
        "latency_hist": histogram.stored(hist)
    }


def shift_rollups(
    session: Session, table: Table, sums: Mapping[RollupKey, RollupSums], source: str, target: str
) -> None:
    """Take ``sums`` (keyed by ``source``) out of ``source``'s rows and add them to ``target``'s.
    Buckets ``source`` no longer has (purged by retention) are left alone on both sides."""
    if not sums:
        return
    span = [bucket for bucket, _, _ in sums]
    old = _rows(session, table, source, "bucket_start", span)
    new = _rows(session, table, target, "bucket_start", span)
    kept = {(b, m): s for (b, _, m), s in sums.items() if (b, m) in old}
    lowered, emptied, raised, created = [], [], [], []
    for (bucket, model), part in kept.items():
        left = _less(old[(bucket, model)], part)
        ids = {"k_b": bucket, "k_m": model}
        if left["spans"] > 0:
            lowered.append({**ids, **left})
        else:
            emptied.append(ids)
        found = new.get((bucket, model))
        values = _more(found, part)
        if found is None:
            created.append({"bucket_start": bucket, "system_key": target, "model": model, **values})
        else:
            raised.append({**ids, **values})
    _write(session, table, source, lowered, emptied)
    _write(session, table, target, raised, [])
    if created:
        session.execute(insert(table), created)


def _write(session: Session, table: Table, key: str, changed: list[Any], gone: list[Any]) -> None:
    c = table.c
    match = (
        c.bucket_start == bindparam("k_b", type_=c.bucket_start.type),
        c.system_key == key,
        c.model == bindparam("k_m"),
    )
    if changed:
        names = (*_SUMS, "latency_hist")
        values = {name: bindparam(name, type_=c[name].type) for name in names}
        session.connection().execute(update(table).where(*match).values(values), changed)
    if gone:
        session.connection().execute(delete(table).where(*match), gone)


def shift_keys(session: Session, sums: Mapping[KeyKey, KeySums], source: str, target: str) -> None:
    """The users' and sessions' day counters, as ``shift_rollups`` moves the rollups."""
    if not sums:
        return
    table, c = store.KEYS, store.KEYS.c
    days = [day for day, _, _, _ in sums]
    old = _rows(session, table, source, "day", days)
    kept = {
        (d, kind, value): s for (d, _, kind, value), s in sums.items() if (d, kind, value) in old
    }
    lowered, emptied = [], []
    for (day, kind, value), part in kept.items():
        row = old[(day, kind, value)]
        left = {name: row[name] - getattr(part, name) for name in _KEY_SUMS}
        ids = {"k_d": day, "k_k": kind, "k_v": value}
        if left["requests"] > 0 or left["llm_calls"] > 0:
            lowered.append({**ids, **left})
        else:
            emptied.append(ids)
    match = (
        c.day == bindparam("k_d", type_=c.day.type),
        c.system_key == source,
        c.key_kind == bindparam("k_k"),
        c.key == bindparam("k_v"),
    )
    if lowered:
        values: dict[str, Any] = {name: bindparam(name) for name in _KEY_SUMS}
        session.connection().execute(update(table).where(*match).values(values), lowered)
    if emptied:
        session.connection().execute(delete(table).where(*match), emptied)
    store.add_to_key_rollups(
        session, {(d, target, kind, value): s for (d, kind, value), s in kept.items()}
    )


def set_span_systems(session: Session, keys: list[tuple[str, str]], target: Any) -> None:
    """Name ``target`` (a system id or None) on the spans with these (trace id, span id)."""
    c = store.SPANS.c
    stmt = (
        update(store.SPANS)
        .where(c.trace_id == bindparam("k_t"), c.span_id == bindparam("k_s"))
        .values(system_id=bindparam("k_sys", type_=c.system_id.type))
    )
    params = [{"k_t": t, "k_s": s, "k_sys": target} for t, s in keys]
    session.connection().execute(stmt, params)
