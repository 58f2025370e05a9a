"""Ingest worker processes: OTLP requests decoded and stored on every core (the server's side).

Decoding, mapping, pricing and building rows hold Python's GIL, so one server process ingests
on one core however many it has. The server therefore hands each export body to one of a few
worker processes (``Settings.ingest_workers``; by default one per core). A worker runs the same
``otlp_export.export`` as the server would, in one write transaction per request, and answers
only after its commit: an acknowledged span is still never lost. Writers queue on the store's
write lock (``core.db.write_lock`` for SQLite; PostgreSQL serialises them on an advisory lock,
see ``ingest.write_batches``), while the other workers go on decoding.

A worker imports only the ingest path (about 70 MB resident, not the web app's 140 MB), and
exits when the server's end of its pipe closes, the server having stopped or died. A worker that
dies is replaced, and the request it held answers 503 so the exporter retries it.
"""

from __future__ import annotations

import logging
import queue
import socket
import subprocess
import sys
import threading
import uuid
from dataclasses import dataclass
from multiprocessing.connection import Connection

from aitower.telemetry.content import ContentPolicy
from aitower.telemetry.otlp_export import ExportOutcome, OtlpRefusal

log = logging.getLogger("aitower.telemetry")


@dataclass(frozen=True, slots=True)
class WorkerConfig:
    database_url: str
    content: ContentPolicy
    max_decompressed_bytes: int
    log_level: int = logging.WARNING


@dataclass(slots=True)
class _Worker:
    process: subprocess.Popen[bytes]
    conn: Connection

    def close(self) -> None:
        self.conn.close()
        try:
            self.process.wait(timeout=5)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()


class IngestPool:
    """``size`` worker processes, each taking one export request at a time."""

    def __init__(self, size: int, config: WorkerConfig) -> None:
        self.size = size
        self.config = config
        self._idle: queue.SimpleQueue[_Worker] = queue.SimpleQueue()
        self._all: list[_Worker] = []
        self._lock = threading.Lock()
        for _ in range(size):
            self._idle.put(self._start())

    def _start(self) -> _Worker:
        # A new interpreter running this module, not multiprocessing's spawn: that would import
        # the server's ``__main__`` (the CLI) again and start a resource tracker process too.
        ours, theirs = socket.socketpair()
        process = subprocess.Popen(  # noqa: S603 - this interpreter, this package's module
            [sys.executable, "-m", "aitower.telemetry.ingest_worker", str(theirs.fileno())],
            pass_fds=[theirs.fileno()],
        )
        theirs.close()
        worker = _Worker(process, Connection(ours.detach()))
        worker.conn.send(self.config)
        with self._lock:
            self._all.append(worker)
        return worker

    def export(
        self,
        body: bytes,
        encoding: str,
        content_encoding: str | None,
        wait_seconds: float,
        units: frozenset[uuid.UUID] | None = None,
    ) -> ExportOutcome:
        """Have a worker store ``body`` (from a sender limited to ``units``, None: every unit);
        returns after its commit, or raises ``OtlpRefusal``."""
        try:
            worker = self._idle.get(timeout=wait_seconds)
        except queue.Empty:
            raise OtlpRefusal(503, "ingest is at capacity; retry later", retry=True) from None
        try:
            worker.conn.send((encoding, content_encoding, units))
            worker.conn.send_bytes(body)  # as it is: no pickled copy of a body of megabytes
            reply = worker.conn.recv()
        except (EOFError, OSError) as exc:
            log.error("ingest worker %s stopped: %s; starting another", worker.process.pid, exc)
            self._replace(worker)
            raise OtlpRefusal(503, "an ingest worker stopped; retry", retry=True) from exc
        self._idle.put(worker)
        if isinstance(reply, OtlpRefusal):
            raise reply
        assert isinstance(reply, ExportOutcome)
        return reply

    def _replace(self, worker: _Worker) -> None:
        with self._lock:
            self._all.remove(worker)
        worker.close()
        self._idle.put(self._start())

    def pids(self) -> list[int]:
        with self._lock:
            return [w.process.pid for w in self._all]

    def close(self) -> None:
        with self._lock:
            workers, self._all = self._all, []
        for worker in workers:
            worker.close()
