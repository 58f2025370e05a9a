"""The background pass of a server: evaluate due alert rules, send due notifications, then run
due model monitors (``model_monitors.running``; their results feed the next pass's rules);
about once an hour also apply telemetry retention (``telemetry.retention.purge``).

A daemon thread per server process, started by the app's lifespan only when
``AITOWER_ALERTS_INTERVAL_SECONDS`` is above zero. Several replicas may each run one: rule
leases and delivery claims (``evaluator``, ``notify``) keep their work apart. The first pass
comes one interval after start, so a server that starts and stops at once does nothing.
"""

from __future__ import annotations

import logging
import os
import socket
import threading
import time
import uuid
from collections.abc import AsyncIterator, Callable
from contextlib import AbstractAsyncContextManager, asynccontextmanager
from typing import Any

from aitower.core.db.base import utcnow
from aitower.core.db.engine import Database
from aitower.model_monitors.running import run_due_monitors
from aitower.monitoring.evaluator import evaluate_due_rules
from aitower.monitoring.notify import deliver_due
from aitower.telemetry.retention import purge

log = logging.getLogger("aitower.monitoring.runner")


def replica_name() -> str:
    """Names this process among replicas: host, pid and a random suffix."""
    return f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:6]}"


def run_once(db: Database, owner: str) -> None:
    now = utcnow()
    evaluate_due_rules(db, now, owner)
    deliver_due(db, utcnow())
    # One indexed query when no monitor is due; each due one is leased to one replica.
    run_due_monitors(db, utcnow(), owner)


PURGE_EVERY_SECONDS = 3600.0


class AlertRunner:
    def __init__(self, db: Database, interval_seconds: float) -> None:
        self.db = db
        self.interval = interval_seconds
        self._last_purge = time.monotonic()
        self.owner = replica_name()
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._loop, name="aitower-alerts", daemon=True)

    def start(self) -> None:
        self._thread.start()

    def stop(self, timeout: float = 10.0) -> None:
        self._stop.set()
        self._thread.join(timeout)

    def _loop(self) -> None:
        while not self._stop.wait(self.interval):
            try:
                run_once(self.db, self.owner)
            except Exception:  # a bad pass must not end the loop; the next one retries
                log.exception("alert evaluation pass failed")
            if time.monotonic() - self._last_purge >= PURGE_EVERY_SECONDS:
                self._last_purge = time.monotonic()
                try:  # deletes are idempotent: replicas purging at once only repeat work
                    purge(self.db, utcnow())
                except Exception:
                    log.exception("telemetry retention pass failed")


def lifespan(
    db: Database, interval_seconds: float
) -> Callable[[Any], AbstractAsyncContextManager[None]]:
    """The app lifespan that runs an ``AlertRunner`` while the server is up (if enabled)."""

    @asynccontextmanager
    async def _lifespan(_app: Any) -> AsyncIterator[None]:
        runner = AlertRunner(db, interval_seconds) if interval_seconds > 0 else None
        if runner is not None:
            runner.start()
        try:
            yield
        finally:
            if runner is not None:
                runner.stop()

    return _lifespan
