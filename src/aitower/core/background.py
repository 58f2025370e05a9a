"""The server's background pass: every capability's jobs, one after another, on an interval.

A capability declares its ``BackgroundJob``s (alert rules and notifications, due model
monitors, telemetry retention); the composition root hands them here in the order of its
capability list. A daemon thread per server process runs the pass, started by the app's
lifespan only when ``AITOWER_ALERTS_INTERVAL_SECONDS`` is above zero. Several replicas may each
run one: the jobs themselves keep their work apart (rule leases, delivery claims, monitor
leases), so this module knows nothing of what they do. The first pass comes one interval after
start, so a server that starts and stops at once does nothing; a job that fails is logged and
the next job still runs (the next pass retries it).
"""

from __future__ import annotations

import logging
import os
import socket
import threading
import time
import uuid
from collections.abc import AsyncIterator, Callable, Sequence
from contextlib import AbstractAsyncContextManager, asynccontextmanager
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from aitower.core.db.base import utcnow
from aitower.core.db.engine import Database

log = logging.getLogger("aitower.background")


@dataclass(frozen=True, slots=True)
class BackgroundJob:
    """One piece of a capability's background work: ``run(db, now, owner)``.

    ``every_seconds`` 0 runs it at every pass; a period runs it at most once per period, the
    first time one period after the server started (retention, hourly, say).
    """

    name: str
    run: Callable[[Database, datetime, str], object]
    every_seconds: float = 0.0


def replica_name() -> str:
    """Names this process among replicas: host, pid and a random suffix."""
    return f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:6]}"


def run_once(db: Database, owner: str, jobs: Sequence[BackgroundJob]) -> None:
    """Run ``jobs`` once, in order, each at the current time; a failure does not stop the rest."""
    for job in jobs:
        try:
            job.run(db, utcnow(), owner)
        except Exception:  # a bad job must not end the pass; the next pass retries it
            log.exception("background job %r failed", job.name)


class BackgroundRunner:
    def __init__(self, db: Database, interval_seconds: float, jobs: Sequence[BackgroundJob]):
        self.db = db
        self.interval = interval_seconds
        self.jobs = tuple(jobs)
        self.owner = replica_name()
        started = time.monotonic()
        self._last_run = {job.name: started for job in self.jobs if job.every_seconds > 0}
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._loop, name="aitower-background", daemon=True)

    def start(self) -> None:
        self._thread.start()

    def stop(self, timeout: float = 10.0) -> None:
        self._stop.set()
        self._thread.join(timeout)

    def due_jobs(self) -> list[BackgroundJob]:
        now = time.monotonic()
        due = []
        for job in self.jobs:
            if job.every_seconds <= 0:
                due.append(job)
            elif now - self._last_run[job.name] >= job.every_seconds:
                self._last_run[job.name] = now
                due.append(job)
        return due

    def _loop(self) -> None:
        while not self._stop.wait(self.interval):
            run_once(self.db, self.owner, self.due_jobs())


def lifespan(
    db: Database, interval_seconds: float, jobs: Sequence[BackgroundJob]
) -> Callable[[Any], AbstractAsyncContextManager[None]]:
    """The app lifespan that runs a ``BackgroundRunner`` while the server is up (if enabled)."""

    @asynccontextmanager
    async def _lifespan(_app: Any) -> AsyncIterator[None]:
        runner = BackgroundRunner(db, interval_seconds, jobs) if interval_seconds > 0 else None
        if runner is not None:
            runner.start()
        try:
            yield
        finally:
            if runner is not None:
                runner.stop()

    return _lifespan
