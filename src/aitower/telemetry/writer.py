"""Group commit: concurrent export requests share one write transaction.

Every transaction pays a commit (an fsync with ``synchronous=FULL``) and the read-merge-write of
its rollup rows. Each request prepares its own spans in its own thread (``prepare_batch``: the
mapping, pricing, rows and sums, which hold the GIL), while one writer thread takes every
prepared request waiting (up to ``max_spans``), writes them in one transaction
(``write_batches``, mostly inside SQLite or the PostgreSQL driver, which release the GIL) and
wakes each request only after that commit: an acknowledged span is still never lost. If the
store refuses a group, each request is tried alone, so only the one whose spans it refuses fails.
"""

from __future__ import annotations

import contextlib
import queue
import threading
import uuid
from collections.abc import Sequence
from dataclasses import dataclass, field

from aitower.core.db.engine import Database
from aitower.telemetry.content import ContentPolicy
from aitower.telemetry.ingest import IngestOutcome, PreparedBatch, prepare_batch, write_batches
from aitower.telemetry.records import DecodedSpan


@dataclass
class Job:
    spans: Sequence[DecodedSpan]
    batch: PreparedBatch
    done: threading.Event = field(default_factory=threading.Event)
    outcome: IngestOutcome | None = None
    error: BaseException | None = None


class GroupWriter:
    def __init__(self, db: Database, policy: ContentPolicy, max_spans: int = 8192) -> None:
        self.db = db
        self.policy = policy
        self.max_spans = max_spans
        self._jobs: queue.SimpleQueue[Job] = queue.SimpleQueue()
        self._thread = threading.Thread(target=self._loop, name="aitower-ingest", daemon=True)
        self._thread.start()

    def store(
        self, spans: Sequence[DecodedSpan], units: frozenset[uuid.UUID] | None = None
    ) -> IngestOutcome:
        """Store ``spans`` (from a sender limited to ``units``, None: every unit); returns
        after the transaction that holds them committed."""
        if not spans:
            return IngestOutcome(0, 0)
        # Done here, in the request's thread, while the writer thread waits on the database.
        job = Job(spans, prepare_batch(self.db, spans, self.policy, units=units))
        self._jobs.put(job)
        job.done.wait()
        if job.error is not None:
            raise job.error
        assert job.outcome is not None
        return job.outcome

    def _take(self) -> list[Job]:
        jobs = [self._jobs.get()]
        size = len(jobs[0].batch.keys)
        while size < self.max_spans:
            try:
                job = self._jobs.get_nowait()
            except queue.Empty:
                break
            jobs.append(job)
            size += len(job.batch.keys)
        return jobs

    def _loop(self) -> None:
        while True:
            self.store_group(self._take())

    def store_group(self, jobs: list[Job]) -> None:
        """Store the jobs together; if that fails, each alone, so that only a request whose
        spans the store refuses fails, and the others are stored and answered."""
        try:
            self._store(jobs)
        except Exception:
            if len(jobs) == 1:
                return  # its request answers with the error
            for job in jobs:
                with contextlib.suppress(Exception):  # that request answers with its error
                    self._store([job])

    def _store(self, jobs: list[Job]) -> None:
        """One transaction for the jobs' spans, then wake each job with its own counts; a
        lone job that fails is woken with the error."""
        try:
            outcome = write_batches(self.db, [job.batch for job in jobs])
        except Exception as exc:
            if len(jobs) == 1:
                jobs[0].error = exc
                jobs[0].done.set()
            raise
        _share(jobs, outcome.stored)


def _share(jobs: list[Job], stored: frozenset[tuple[str, str]]) -> None:
    """Each request's own counts: a span new in this transaction counts for the first request
    that carried it; the rest of its copies are duplicates."""
    claimed: set[tuple[str, str]] = set()
    for job in jobs:
        keys = {(s.trace_id, s.span_id) for s in job.spans}
        mine = (keys & stored) - claimed
        claimed |= mine
        refused = job.batch.refused
        duplicates = len(job.spans) - len(refused) - len(mine)
        job.outcome = IngestOutcome(len(mine), duplicates, frozenset(mine), refused)
        job.done.set()
