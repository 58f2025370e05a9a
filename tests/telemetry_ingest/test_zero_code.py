"""The zero-code set-up a user follows: ``opentelemetry-instrument`` with the documented settings.

A tiny app calls the real ``openai`` client against the fake provider, run by
``opentelemetry-instrument`` (``opentelemetry-distro``, ``opentelemetry-exporter-otlp``) with
only ``OTEL_EXPORTER_OTLP_ENDPOINT``, ``OTEL_EXPORTER_OTLP_HEADERS`` and ``OTEL_SERVICE_NAME``
(and ``OTEL_EXPORTER_OTLP_PROTOCOL`` for HTTP): once with the default protocol, gRPC, to the gRPC
port, once with http/protobuf to the web port. Traces, metrics and logs are all exported (the
distro turns on all three); the app must log no export error and the call must be stored under
its system with the provider's token counts.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import httpx2 as httpx
import pytest
from prometheus_client.parser import text_string_to_metric_families
from sqlalchemy import select

from aitower.core.access.roles import Role
from aitower.core.db.engine import Database
from aitower.telemetry.tables import SpanRow, TraceRow
from fake_providers import OPENAI_USAGE as USAGE
from servers import free_port, running, serve_command
from support import SECRET, make_key, seed_units
from support_inventory import add_system

pytestmark = pytest.mark.slow

APP = """
import sys

import openai
from opentelemetry._logs import LogRecord, get_logger

get_logger("shop").emit(LogRecord(body="order lookup started"))  # a plain log: no GenAI meaning
llm = openai.OpenAI(base_url=sys.argv[1], api_key="sk-test", max_retries=0)
answer = llm.chat.completions.create(
    model="gpt-4o", messages=[{"role": "user", "content": "Where is my order?"}]
)
print(answer.choices[0].message.content)
"""
INSTRUMENT = str(Path(sys.executable).with_name("opentelemetry-instrument"))
EXPORT_TROUBLE = ("Failed to export", "Transient error", "Traceback", "StatusCode.", "Exception")


def _app_env(endpoint: str, key: str, protocol: str | None) -> dict[str, str]:
    """The test process's environment without any OTEL_ setting, plus the documented ones."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("OTEL_")}
    env |= {
        "OTEL_EXPORTER_OTLP_ENDPOINT": endpoint,
        "OTEL_EXPORTER_OTLP_HEADERS": f"x-api-key={key}",
        "OTEL_SERVICE_NAME": "support-bot",
    }
    if protocol is not None:
        env["OTEL_EXPORTER_OTLP_PROTOCOL"] = protocol
    return env


@pytest.mark.parametrize("protocol", ["grpc (default)", "http/protobuf"])
def test_opentelemetry_instrument_with_the_documented_settings(
    sqlite_database_url: str, tmp_path: Path, fake_openai: str, protocol: str
) -> None:
    db = Database(sqlite_database_url)
    seed_units(db)
    key = make_key(db, Role.engineer)
    system = add_system(db, name="Support bot", services=["support-bot"])
    app = tmp_path / "app.py"
    app.write_text(APP)
    port, grpc_port = free_port(), free_port()
    env = {
        "AITOWER_DATABASE_URL": sqlite_database_url,
        "AITOWER_SECRET_KEY": SECRET,
        "AITOWER_OTLP_GRPC_PORT": str(grpc_port),
    }
    with running(serve_command(port), env, port, cwd=tmp_path) as base:
        if protocol == "http/protobuf":
            app_env = _app_env(base, key, protocol)
        else:
            app_env = _app_env(f"http://127.0.0.1:{grpc_port}", key, None)
        ran = subprocess.run(
            [INSTRUMENT, sys.executable, str(app), fake_openai],
            env=app_env,
            cwd=tmp_path,
            capture_output=True,
            text=True,
            timeout=120,
            check=False,
        )
        received = _received(base, make_key(db, Role.admin))
    assert ran.returncode == 0, ran.stderr
    assert ran.stdout.strip() == "Your order ships today."
    trouble = [line for line in ran.stderr.splitlines() if any(t in line for t in EXPORT_TROUBLE)]
    assert not trouble, ran.stderr
    with db.reading() as session:
        spans = session.execute(
            select(
                SpanRow.system_id, SpanRow.model, SpanRow.input_tokens, SpanRow.output_tokens
            ).where(SpanRow.input_tokens.is_not(None))
        ).all()
        traces = session.execute(
            select(
                TraceRow.system_id,
                TraceRow.llm_calls,
                TraceRow.input_tokens,
                TraceRow.output_tokens,
            )
        ).all()
    db.dispose()
    # opentelemetry-instrument loads every installed OpenAI instrumentation (the contrib
    # openai-v2, OpenLLMetry's and OpenInference's are all dev dependencies): each reports the
    # one call in a span of its own, all stored, the call counted once, under the model asked.
    call = (system.id, "gpt-4o", USAGE["prompt_tokens"], USAGE["completion_tokens"])
    assert spans and set(spans) == {call}
    assert traces == [(system.id, 1, USAGE["prompt_tokens"], USAGE["completion_tokens"])]
    # All three signals reached the server: the plain log dropped, the GenAI metrics counted
    # (each instrumentation records token usage, input and output, and the duration).
    assert received["aitower_otlp_log_records"] == {"dropped": 1}
    metrics = received["aitower_otlp_metric_points"]
    assert metrics["gen_ai.client.token.usage"] >= 2
    assert metrics["gen_ai.client.operation.duration"] >= 1


def _received(base: str, key: str) -> dict[str, dict[str, float]]:
    text = httpx.get(f"{base}/metrics", headers={"authorization": f"Bearer {key}"}).text
    return {
        family.name: {next(iter(s.labels.values()), ""): s.value for s in family.samples}
        for family in text_string_to_metric_families(text)
        if family.name in ("aitower_otlp_log_records", "aitower_otlp_metric_points")
    }
