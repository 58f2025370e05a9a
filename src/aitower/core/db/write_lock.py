"""One SQLite writer at a time, across the threads and the processes of one server.

SQLite lets one transaction write at a time. A writer that finds the database locked waits in
SQLite's busy handler, which polls with growing sleeps (1 ms up to 100 ms): two processes
writing in turn (the server and its ingest workers, or a CLI command) each waited far longer
than the other's write took. Here a writer queues on a lock that hands over the moment it is
released: a re-entrant lock between the threads of a process, and an exclusive ``flock`` on a
file beside the database between processes. SQLite's own locking stays the safety net, for
writers that do not take this lock (another program, or a platform without ``flock``).
"""

from __future__ import annotations

import os
import threading
from pathlib import Path
from types import TracebackType

try:
    import fcntl
except ImportError:  # pragma: no cover - not POSIX: threads still queue, processes meet in SQLite
    fcntl = None  # type: ignore[assignment]


class WriteLock:
    """A re-entrant lock; the outermost holder in a process also holds the file lock."""

    def __init__(self, lock_file: Path | None) -> None:
        self._threads = threading.RLock()
        self._lock_file = lock_file if fcntl is not None else None
        self._depth = 0
        self._fd: int | None = None
        self._pid = 0

    def __enter__(self) -> WriteLock:
        self._threads.acquire()
        try:
            if self._depth == 0 and self._lock_file is not None:
                fcntl.flock(self._descriptor(), fcntl.LOCK_EX)  # waits without the GIL
        except BaseException:
            self._threads.release()
            raise
        self._depth += 1
        return self

    def __exit__(
        self,
        _type: type[BaseException] | None,
        _value: BaseException | None,
        _traceback: TracebackType | None,
    ) -> None:
        self._depth -= 1
        try:
            if self._depth == 0 and self._fd is not None:
                fcntl.flock(self._fd, fcntl.LOCK_UN)
        finally:
            self._threads.release()

    def _descriptor(self) -> int:
        # A forked child must not share its parent's open file: flock belongs to the open file,
        # so parent and child would both "hold" it.
        if self._fd is None or self._pid != os.getpid():
            assert self._lock_file is not None
            self._fd = os.open(self._lock_file, os.O_RDWR | os.O_CREAT, 0o600)
            self._pid = os.getpid()
        return self._fd


def sqlite_lock_file(database: str | None) -> Path | None:
    """The lock file of an SQLite database file; None for an in-memory database."""
    if not database or database == ":memory:" or database.startswith("file:"):
        return None
    return Path(database).with_name(Path(database).name + "-writer.lock")
