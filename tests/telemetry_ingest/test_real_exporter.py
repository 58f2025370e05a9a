"""A real server process fed by the real OpenTelemetry exporter, and killed mid-load."""

from __future__ import annotations

import os
import signal
import subprocess
import threading
import time
from pathlib import Path

import httpx2 as httpx
import pytest
from opentelemetry.exporter.otlp.proto.http.trace_exporter import OTLPSpanExporter
from opentelemetry.sdk.resources import Resource
from opentelemetry.sdk.trace import TracerProvider
from opentelemetry.sdk.trace.export import BatchSpanProcessor
from sqlalchemy import func, select

from aitower.core.access.roles import Role
from aitower.core.db.engine import Database
from aitower.telemetry.tables import MinuteRollupRow, SpanRow
from servers import AITOWER, free_port, running, serve_command, wait_ready
from support import SECRET, make_key, seed_units
from support_otlp import sdk_traces
from support_telemetry import protobuf_body

pytestmark = pytest.mark.slow


def _stored_keys(url: str) -> set[tuple[str, str]]:
    db = Database(url)
    try:
        with db.reading() as session:
            return {(t, s) for t, s in session.execute(select(SpanRow.trace_id, SpanRow.span_id))}
    finally:
        db.dispose()


def _count(url: str) -> tuple[int, int]:
    db = Database(url)
    try:
        with db.reading() as session:
            spans = int(session.scalar(select(func.count()).select_from(SpanRow)) or 0)
            counted = int(session.scalar(select(func.sum(MinuteRollupRow.spans))) or 0)
    finally:
        db.dispose()
    return spans, counted


def test_the_sdk_exporter_delivers_complete_traces(database_url: str, tmp_path: Path) -> None:
    db = Database(database_url)
    seed_units(db)
    key = make_key(db, Role.engineer)
    db.dispose()
    port = free_port()
    env = {"AITOWER_DATABASE_URL": database_url, "AITOWER_SECRET_KEY": SECRET}
    with running(serve_command(port), env, port, cwd=tmp_path) as base:
        exporter = OTLPSpanExporter(
            endpoint=f"{base}/v1/traces", headers={"authorization": f"Bearer {key}"}
        )
        provider = TracerProvider(resource=Resource.create({"service.name": "support-bot"}))
        provider.add_span_processor(BatchSpanProcessor(exporter, max_export_batch_size=64))
        tracer = provider.get_tracer("tests")
        for i in range(100):
            with tracer.start_as_current_span("invoke_agent") as agent:
                agent.set_attribute("gen_ai.operation.name", "invoke_agent")
                with tracer.start_as_current_span("chat gpt-4o") as chat:
                    chat.set_attributes(
                        {
                            "gen_ai.operation.name": "chat",
                            "gen_ai.provider.name": "openai",
                            "gen_ai.request.model": "gpt-4o",
                            "gen_ai.usage.input_tokens": 10 + i,
                            "gen_ai.usage.output_tokens": 5,
                        }
                    )
        assert provider.force_flush(30_000)
        provider.shutdown()
    assert _count(database_url) == (200, 200)


def _post_until_killed(
    base: str, key: str, bodies: list[tuple[bytes, int]], acked: list[int]
) -> None:
    headers = {"content-type": "application/x-protobuf", "authorization": f"Bearer {key}"}
    with httpx.Client(base_url=base, timeout=10) as client:
        for index, (body, _) in enumerate(bodies):
            try:
                answer = client.post("/v1/traces", content=body, headers=headers)
            except httpx.TransportError:
                return
            if answer.status_code == 200:
                acked.append(index)


@pytest.mark.parametrize("workers", ["0", "2"], ids=["in-process", "2-workers"])
def test_every_acknowledged_span_survives_a_kill(
    database_url: str, tmp_path: Path, workers: str
) -> None:
    db = Database(database_url)
    seed_units(db)
    key = make_key(db, Role.engineer)
    db.dispose()
    bodies, keys = [], []
    for _ in range(120):
        spans = sdk_traces(10)
        bodies.append((protobuf_body(spans), len(spans)))
        keys.append({(f"{s.context.trace_id:032x}", f"{s.context.span_id:016x}") for s in spans})
    port = free_port()
    settings = {
        "AITOWER_DATABASE_URL": database_url,
        "AITOWER_SECRET_KEY": SECRET,
        "AITOWER_INGEST_WORKERS": workers,
    }
    env = {**os.environ, **settings}
    log = (tmp_path / "server.log").open("wb")
    proc = subprocess.Popen(
        [*AITOWER, "serve", "--host", "127.0.0.1", "--port", str(port)],
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    base = f"http://127.0.0.1:{port}"
    wait_ready(base, proc)
    acked: list[int] = []
    sender = threading.Thread(target=_post_until_killed, args=(base, key, bodies, acked))
    sender.start()
    while len(acked) < 30:
        time.sleep(0.01)
    os.killpg(proc.pid, signal.SIGKILL)
    proc.wait()
    sender.join()
    assert 0 < len(acked) < len(bodies)
    acknowledged = set().union(*(keys[i] for i in acked))
    assert acknowledged <= _stored_keys(database_url)  # nothing acknowledged is lost
    stored, counted = _count(database_url)
    assert counted == stored  # and nothing is counted twice

    # The exporter re-sends what was not acknowledged, and some of what was: stored once.
    with running(
        serve_command(port),
        settings,
        port,
        cwd=tmp_path,
    ) as base2:
        done: list[int] = []
        _post_until_killed(base2, key, bodies, done)
        assert len(done) == len(bodies)
    total = sum(n for _, n in bodies)
    assert _count(database_url) == (total, total)
