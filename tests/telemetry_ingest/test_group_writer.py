"""Group commit: requests that wait together share a transaction, each keeps its own counts."""

from __future__ import annotations

import threading
from dataclasses import replace

from sqlalchemy import func, select

from aitower.core.db.engine import Database
from aitower.telemetry import fast_sql, store
from aitower.telemetry.content import ContentPolicy
from aitower.telemetry.ingest import IngestOutcome, PreparedBatch, prepare_batch
from aitower.telemetry.tables import MinuteRollupRow, SpanRow
from aitower.telemetry.writer import GroupWriter, Job
from support_spans import agent_trace


def test_concurrent_requests_are_all_stored_once_with_their_own_counts(db: Database) -> None:
    writer = GroupWriter(db, ContentPolicy(store=True, max_chars=100))
    shared = agent_trace()
    batches = [[*agent_trace(), *shared] for _ in range(8)]  # every request re-sends `shared`
    outcomes: list[IngestOutcome] = []
    lock = threading.Lock()

    def send(spans: list) -> None:  # type: ignore[type-arg]
        outcome = writer.store(spans)
        with lock:
            outcomes.append(outcome)

    threads = [threading.Thread(target=send, args=(b,)) for b in batches]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    # Each request's own trace is new; the shared one is new for exactly one of them.
    assert sorted(o.accepted for o in outcomes) == [3] * 7 + [6]
    assert sum(o.duplicates for o in outcomes) == 7 * 3
    with db.reading() as session:
        assert session.scalar(select(func.count()).select_from(SpanRow)) == 27
        assert session.scalar(select(func.sum(MinuteRollupRow.spans))) == 27


def _refused_by_the_store(db: Database, batch: PreparedBatch) -> PreparedBatch:
    """The batch with its spans' names removed: a NOT NULL column the database refuses."""
    _, order = fast_sql.compiled(db.engine.dialect, "spans.insert", store._spans_insert)
    if order is None:  # PostgreSQL's parameters are dicts
        return replace(batch, params=[{**p, "name": None} for p in batch.params])
    at = order.index("name")
    return replace(batch, params=[(*p[:at], None, *p[at + 1 :]) for p in batch.params])


def test_a_refused_request_fails_alone_and_its_group_is_stored(db: Database) -> None:
    policy = ContentPolicy(store=True, max_chars=100)
    writer = GroupWriter(db, policy)
    bad, good_one, good_two = agent_trace(), agent_trace(), agent_trace()
    jobs = [Job(s, prepare_batch(db, s, policy)) for s in (good_one, bad, good_two)]
    jobs[1].batch = _refused_by_the_store(db, jobs[1].batch)
    writer.store_group(jobs)
    assert all(job.done.is_set() for job in jobs)
    assert jobs[1].error is not None and jobs[1].outcome is None
    assert [j.outcome.accepted for j in (jobs[0], jobs[2]) if j.outcome] == [3, 3]
    assert writer.store(agent_trace()).accepted == 3  # the writer lives on
    with db.reading() as session:
        assert session.scalar(select(func.count()).select_from(SpanRow)) == 9
