"""Many-row reads and writes straight through the DB-API driver, for the prediction tables.

A logged file of a million predictions is a million key rows; through the ORM each costs a
dictionary and per-value type processing, which made logging a million rows take 22 s on
SQLite. Here rows are plain tuples: SQLite gets one ``executemany``, PostgreSQL a ``COPY``.
Only the types these tables use need converting (UUIDs as SQLite stores them, UTC times).
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable, Sequence
from datetime import datetime
from typing import Any

from sqlalchemy.orm import Session


def dialect_of(session: Session) -> str:
    return session.connection().dialect.name


def _cursor(session: Session) -> Any:
    return session.connection().connection.driver_connection.cursor()  # type: ignore[union-attr]


def model_key(session: Session, model_id: uuid.UUID) -> object:
    """The model id as the driver stores it (SQLite: 32 hex digits, PostgreSQL: uuid)."""
    return model_id.hex if dialect_of(session) == "sqlite" else model_id


def _sqlite_value(value: object) -> object:
    if isinstance(value, uuid.UUID):
        return value.hex
    if isinstance(value, datetime):  # already UTC: SQLAlchemy's SQLite DATETIME text
        return value.isoformat(" ", "microseconds")[:26]
    return value


def insert_rows(
    session: Session, table: str, columns: Sequence[str], rows: Sequence[tuple[Any, ...]]
) -> None:
    """Insert ``rows`` (tuples in ``columns`` order) into ``table`` in the current transaction."""
    if not rows:
        return
    cursor = _cursor(session)
    names = ", ".join(columns)
    try:
        if dialect_of(session) == "sqlite":
            marks = ", ".join("?" for _ in columns)
            converted = (tuple(_sqlite_value(v) for v in row) for row in rows)
            sql = f"INSERT INTO {table} ({names}) VALUES ({marks})"  # noqa: S608 (our names)
            cursor.executemany(sql, converted)
            return
        with cursor.copy(f"COPY {table} ({names}) FROM STDIN") as copy:
            for row in rows:
                copy.write_row(row)
    finally:
        cursor.close()


def select_rows(session: Session, sql: str, params: Iterable[object]) -> list[tuple[Any, ...]]:
    """Rows of ``sql`` (``?`` placeholders) as the driver returns them."""
    if dialect_of(session) != "sqlite":
        sql = sql.replace("?", "%s")
    cursor = _cursor(session)
    try:
        cursor.execute(sql, tuple(params))
        return list(cursor.fetchall())
    finally:
        cursor.close()
