"""Many-row statements without the ORM's per-value work, for the ingest hot path.

SQLAlchemy's type processing costs more than the insert itself at thousands of spans per second.
Here a Core statement is compiled once per dialect, each value is converted by one small
function per column (UTC time, UUID, JSON, boolean, as the portable types store them), and the
rows go to the driver's ``executemany``. Values read back through the models are identical.
"""

from __future__ import annotations

import operator
import re
import uuid
from collections.abc import Callable, Mapping, Sequence
from datetime import date, datetime
from typing import Any

import orjson
from sqlalchemy import JSON, Boolean, Date, Dialect, String, Table, Uuid
from sqlalchemy.orm import Session
from sqlalchemy.sql.expression import ClauseElement

from aitower.core.db.base import UTCDateTime

Convert = Callable[[Any], Any]
# Non-string dict keys (rare in attributes) become strings, as json.dumps would make them.
_ORJSON = orjson.OPT_NON_STR_KEYS
_COMPILED: dict[tuple[str, str], tuple[str, tuple[str, ...] | None]] = {}


def _same(value: Any) -> Any:
    return value


def _sqlite_time(value: datetime | None) -> str | None:
    # SQLAlchemy's SQLite DATETIME text, for a time that is already UTC: the first 26
    # characters of the ISO form, without its "+00:00".
    return None if value is None else value.isoformat(" ", "microseconds")[:26]


def _sqlite_uuid(value: uuid.UUID | None) -> str | None:
    return None if value is None else value.hex


def _sqlite_date(value: date | None) -> str | None:
    return None if value is None else value.isoformat()


def _json_text(value: Any) -> str | None:
    # orjson: the JSON columns are the largest part of a span row, and it is ~5x json.dumps.
    return None if value is None else orjson.dumps(value, option=_ORJSON).decode()


def _sqlite_bool(value: bool | None) -> int | None:
    return None if value is None else int(value)


def _postgres_json(value: Any) -> Any:
    from psycopg.types.json import Jsonb

    return None if value is None else Jsonb(value, dumps=_postgres_json_text)


# An escaped NUL (``\u0000``) not itself preceded by an escaping backslash.
_JSON_NUL = re.compile(r"(?<!\\)((?:\\\\)*)\\u0000")


def _postgres_json_text(value: Any) -> str:
    """JSON text PostgreSQL accepts: ``jsonb`` refuses the NUL character, which OTLP strings
    may carry; it becomes U+FFFD, as invalid UTF-8 does."""
    text = orjson.dumps(value, option=_ORJSON).decode()
    return _JSON_NUL.sub(r"\1\\ufffd", text) if "\\u0000" in text else text


def _postgres_text(value: Any) -> Any:
    """PostgreSQL text cannot hold NUL either."""
    if isinstance(value, str) and "\x00" in value:
        return value.replace("\x00", "\ufffd")
    return value


def _converter(column_type: Any, dialect: str) -> Convert:
    if dialect == "sqlite":
        if isinstance(column_type, UTCDateTime):
            return _sqlite_time
        if isinstance(column_type, Uuid):
            return _sqlite_uuid
        if isinstance(column_type, JSON):
            return _json_text
        if isinstance(column_type, Boolean):
            return _sqlite_bool
        if isinstance(column_type, Date):
            return _sqlite_date
        return _same
    if isinstance(column_type, JSON) or isinstance(getattr(column_type, "impl", None), JSON):
        return _postgres_json
    if isinstance(column_type, String):
        return _postgres_text
    return _same


def converters(table: Table, dialect: str) -> dict[str, Convert]:
    return {c.name: _converter(c.type, dialect) for c in table.columns}


def compiled(
    dialect: Dialect, name: str, statement: Callable[[str], ClauseElement]
) -> tuple[str, tuple[str, ...] | None]:
    """The statement's SQL and, for qmark dialects (SQLite), its parameters' order; compiled
    once per dialect."""
    key = (name, dialect.name)
    found = _COMPILED.get(key)
    if found is None:
        done = statement(dialect.name).compile(dialect=dialect)
        positions = getattr(done, "positiontup", None)
        found = _COMPILED[key] = (done.string, tuple(positions) if positions else None)
    return found


def driver_params(
    dialect: Dialect,
    name: str,
    table: Table,
    statement: Callable[[str], ClauseElement],
    rows: Sequence[Mapping[str, Any]],
) -> tuple[str, list[Any]]:
    """The statement's SQL and ``rows`` as the driver's parameters (tuples in SQLite's order,
    dicts for PostgreSQL), each value converted as its column's type stores it. Needs no
    connection: ingest builds them before it takes the write lock."""
    sql, order = compiled(dialect, name, statement)
    if not rows:
        return sql, []
    convert = converters(table, dialect.name)
    names = order if order is not None else tuple(rows[0])
    # Only the columns whose type needs it are converted: most values pass as they are.
    changed = [(i, convert[n]) for i, n in enumerate(names) if convert[n] is not _same]
    take = operator.itemgetter(*names)
    params: list[Any] = []
    for row in rows:
        values = list(take(row)) if len(names) > 1 else [take(row)]
        for index, function in changed:
            values[index] = function(values[index])
        params.append(tuple(values) if order is not None else dict(zip(names, values, strict=True)))
    return sql, params


def returning_many(session: Session, sql: str, params: Sequence[Any]) -> list[tuple[Any, ...]]:
    """PostgreSQL only: run an INSERT … RETURNING for every parameter set, and collect what it
    returned (psycopg's ``executemany(returning=True)``: one round trip, pipelined)."""
    if not params:
        return []
    cursor = session.connection().connection.dbapi_connection.cursor()  # type: ignore[union-attr]
    try:
        cursor.executemany(sql, params, returning=True)  # type: ignore[call-arg]
        returned: list[tuple[Any, ...]] = []
        while True:
            returned.extend(cursor.fetchall())
            if not cursor.nextset():
                return returned
    finally:
        cursor.close()


def execute_many(
    session: Session,
    name: str,
    table: Table,
    statement: Callable[[str], ClauseElement],
    rows: Sequence[Mapping[str, Any]],
) -> None:
    """Run the INSERT of ``table``'s columns (maybe with ON CONFLICT) that ``statement`` builds
    for a dialect, for ``rows``. ``name`` identifies the statement: it is compiled once."""
    if not rows:
        return
    sql, params = driver_params(session.connection().dialect, name, table, statement, rows)
    execute_params(session, sql, params)


def execute_params(session: Session, sql: str, params: Sequence[Any]) -> None:
    """Run ``sql`` for each of ``params`` (from ``driver_params``) in one ``executemany``."""
    if params:
        session.connection().exec_driver_sql(sql, list(params))
