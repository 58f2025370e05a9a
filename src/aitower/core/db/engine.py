"""Engines and transactions for both dialects.

SQLite is the embedded default: WAL so readers never block the writer, a busy timeout so
concurrent writers wait instead of failing, foreign keys on (off by default in SQLite), and
``BEGIN IMMEDIATE`` for write transactions so a transaction that read first can still write
(a deferred WAL transaction that read an old snapshot fails with SQLITE_BUSY_SNAPSHOT).
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, contextmanager, nullcontext
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session, sessionmaker

from aitower.core.db.write_lock import WriteLock, sqlite_lock_file

SQLITE_BUSY_TIMEOUT_MS = 15_000
# ``sqlite3`` binds an int, float or str as it is, but passes every other value, None (NULL)
# included, through its adapter registry, and on a miss looks for ``__adapt__`` on its protocol
# type, which formats an AttributeError message each time: some 3,300 instructions per NULL,
# 7 NULLs a stored span. A registered adapter ends the search at the registry; ``{}.get`` is a
# C callable that answers None for any value, so NULL stays NULL.
_NO_VALUES: dict[object, None] = {}
_NULL_ADAPTER: Callable[[object], None] = _NO_VALUES.get


def _unicode_lower(value: str | int | float | bytes | None) -> str | int | float | bytes | None:
    """SQLite's own ``lower()`` folds ASCII only, so 'Énergie' and 'énergie' stayed two names
    where PostgreSQL (and Python) see one; every case-blind lookup and uniqueness check uses
    ``lower()``, so it is replaced on each connection by Python's full Unicode folding."""
    return value.lower() if isinstance(value, str) else value


def _configure_sqlite(engine: Engine) -> None:
    sqlite3.register_adapter(type(None), _NULL_ADAPTER)  # process-wide; see ``_NULL_ADAPTER``

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection: sqlite3.Connection, _record: Any) -> None:
        # Let SQLAlchemy emit BEGIN itself (pysqlite's implicit BEGIN would defeat IMMEDIATE).
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute(f"PRAGMA busy_timeout={SQLITE_BUSY_TIMEOUT_MS}")
        cursor.execute("PRAGMA foreign_keys=ON")
        # FULL: a committed transaction survives power loss too, not only a crash of the
        # process; the audit trail and acknowledged telemetry rely on that.
        cursor.execute("PRAGMA synchronous=FULL")
        cursor.close()
        dbapi_connection.create_function("lower", 1, _unicode_lower, deterministic=True)

    @event.listens_for(engine, "begin")
    def _on_begin(conn: Any) -> None:
        immediate = conn.get_execution_options().get("write", False)
        conn.exec_driver_sql("BEGIN IMMEDIATE" if immediate else "BEGIN")


def make_engine(url: str) -> Engine:
    """Create the engine for ``url``, creating the SQLite folder when needed."""
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite":
        if parsed.database and parsed.database != ":memory:":
            Path(parsed.database).parent.mkdir(parents=True, exist_ok=True)
        engine = create_engine(url, connect_args={"timeout": SQLITE_BUSY_TIMEOUT_MS / 1000})
        _configure_sqlite(engine)
        return engine
    engine = create_engine(url, pool_pre_ping=True, pool_size=10, max_overflow=10)
    _configure_postgres(engine)
    return engine


def _configure_postgres(engine: Engine) -> None:
    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        # psycopg prepares a statement on the server after five runs, and PostgreSQL then
        # may switch to one generic plan for all parameter values. For the dashboards' "this
        # day's busiest keys" and "these keys' rows" that generic plan was 40x slower (2.9 s
        # instead of 70 ms at a million spans). Plan each execution for its own values.
        with dbapi_connection.cursor() as cursor:
            cursor.execute("SET plan_cache_mode = force_custom_plan")
        dbapi_connection.commit()


class Database:
    """The engine plus two kinds of transaction: read-only and write (serialised where needed)."""

    def __init__(self, url: str) -> None:
        self.url = url
        self.engine = make_engine(url)
        self.dialect = self.engine.dialect.name
        # Reads see one snapshot for the whole transaction: PostgreSQL's default READ COMMITTED
        # gives each statement its own, so a count and its page, or the audit head and its
        # events, could disagree. SQLite's WAL read transaction is one snapshot already.
        reader = (
            self.engine.execution_options(isolation_level="REPEATABLE READ")
            if self.dialect == "postgresql"
            else self.engine
        )
        self._read = sessionmaker(reader, expire_on_commit=False)
        self._write = sessionmaker(
            self.engine.execution_options(write=True), expire_on_commit=False
        )
        # SQLite has one writer at a time: writers of every thread and process of this server
        # queue on a lock that hands over at once (see ``write_lock``).
        lock_file = sqlite_lock_file(make_url(url).database) if self.dialect == "sqlite" else None
        self._write_lock: AbstractContextManager[Any] = (
            WriteLock(lock_file) if self.dialect == "sqlite" else nullcontext()
        )
        # Whether another process can open this same database (not an in-memory SQLite).
        self.shared_with_other_processes = self.dialect != "sqlite" or lock_file is not None

    @contextmanager
    def reading(self) -> Iterator[Session]:
        with self._read() as session, session.begin():
            yield session

    @contextmanager
    def writing(self) -> Iterator[Session]:
        """One transaction: commits when the block ends, rolls back everything on error."""
        with self._write_lock, self._write() as session, session.begin():
            yield session

    def dispose(self) -> None:
        self.engine.dispose()
