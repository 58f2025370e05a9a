"""Ingest worker processes: a worker that dies costs one retried request, never a span, and
the workers stop with the server."""

from __future__ import annotations

import os
import signal
from types import SimpleNamespace

from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import func, select

from aitower.app import create_app
from aitower.core.access.roles import Role
from aitower.core.db.engine import Database
from aitower.core.settings import Settings
from aitower.telemetry.ingest_pool import IngestPool
from aitower.telemetry.otlp_http import ingest_pool_of
from aitower.telemetry.tables import SpanRow, TraceRow
from support import make_key, seed_units
from support_otlp import sdk_traces
from support_telemetry import protobuf_body


def _app(settings: Settings, db: Database, workers: int) -> FastAPI:
    return create_app(settings.model_copy(update={"ingest_workers": workers}), database=db)


def _headers(db: Database) -> dict[str, str]:
    seed_units(db)
    return {
        "content-type": "application/x-protobuf",
        "authorization": f"Bearer {make_key(db, Role.engineer)}",
    }


def _counts(db: Database) -> tuple[int, int]:
    with db.reading() as session:
        spans = session.scalar(select(func.count()).select_from(SpanRow))
        counted = session.scalar(select(func.sum(TraceRow.span_count)))
    return int(spans or 0), int(counted or 0)


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    # A child that exited but was not reaped yet is a zombie: gone for our purpose.
    with open(f"/proc/{pid}/stat") as stat:
        return stat.read().rsplit(")", 1)[1].split()[0] != "Z"


def test_a_dead_worker_costs_one_retried_request_and_is_replaced(
    settings: Settings, db: Database
) -> None:
    headers = _headers(db)
    app = _app(settings, db, 2)
    first, second = protobuf_body(sdk_traces(3)), protobuf_body(sdk_traces(4))
    with TestClient(app) as client:
        assert client.post("/v1/traces", content=first, headers=headers).status_code == 200
        pool: IngestPool = app.state.ingest_pool
        for pid in pool.pids():
            os.kill(pid, signal.SIGKILL)
            os.waitpid(pid, 0)
        refused = client.post("/v1/traces", content=second, headers=headers)
        assert refused.status_code == 503  # the exporter retries after Retry-After
        assert refused.headers["retry-after"] == "1"
        statuses = [
            client.post("/v1/traces", content=second, headers=headers).status_code for _ in range(3)
        ]
        # The second dead worker is found by the next request; replacements then store it.
        assert statuses[-1] == 200
        assert set(statuses) <= {200, 503}
        assert len(pool.pids()) == 2
    assert _counts(db) == (21, 21)  # 9 + 12 spans, each stored and counted once


def test_workers_stop_with_the_server(settings: Settings, db: Database) -> None:
    headers = _headers(db)
    app = _app(settings, db, 2)
    with TestClient(app) as client:
        body = protobuf_body(sdk_traces(2))
        assert client.post("/v1/traces", content=body, headers=headers).status_code == 200
        pids = app.state.ingest_pool.pids()
        assert len(pids) == 2 and all(_alive(pid) for pid in pids)
    assert not any(_alive(pid) for pid in pids)


def test_an_in_memory_database_is_stored_by_the_server_itself(settings: Settings) -> None:
    memory = Database("sqlite://")  # no other process could open it
    holder = SimpleNamespace(state=SimpleNamespace())
    try:
        wanted = settings.model_copy(update={"ingest_workers": 2})
        assert ingest_pool_of(holder, memory, wanted) is None
    finally:
        memory.dispose()
