"""OTLP metrics are acknowledged over HTTP and gRPC, counted by family, and documented."""

from __future__ import annotations

import re
from pathlib import Path

from fastapi.testclient import TestClient
from opentelemetry.exporter.otlp.proto.common.metrics_encoder import encode_metrics
from opentelemetry.exporter.otlp.proto.grpc.metric_exporter import OTLPMetricExporter
from opentelemetry.sdk.metrics import MeterProvider
from opentelemetry.sdk.metrics.export import InMemoryMetricReader, MetricExportResult, MetricsData
from prometheus_client.parser import text_string_to_metric_families

from aitower.app import create_app
from aitower.core.access.roles import Role
from aitower.core.db.engine import Database
from aitower.core.settings import Settings
from aitower.telemetry.otlp_metrics import METRIC_FAMILIES, family_of
from servers import free_port
from support import make_key, seed_units

DOC = Path(__file__).parents[2] / "docs" / "telemetry.md"


def _recorded() -> MetricsData:
    """What the GenAI instrumentations record per call, from the real SDK: token usage (two
    points: input and output), the operation's duration, and an unrelated metric."""
    reader = InMemoryMetricReader()
    meter = MeterProvider(metric_readers=[reader]).get_meter("tests")
    usage = meter.create_histogram("gen_ai.client.token.usage", unit="{token}")
    usage.record(1234, {"gen_ai.token.type": "input", "gen_ai.request.model": "gpt-4o"})
    usage.record(321, {"gen_ai.token.type": "output", "gen_ai.request.model": "gpt-4o"})
    meter.create_histogram("gen_ai.client.operation.duration", unit="s").record(0.8)
    meter.create_counter("http.client.requests").add(3)
    data = reader.get_metrics_data()
    assert data is not None
    return data


EXPECTED = {
    "gen_ai.client.token.usage": 2,
    "gen_ai.client.operation.duration": 1,
    "other": 1,
}


def _points(client: TestClient, key: str) -> dict[str, float]:
    text = client.get("/metrics", headers={"authorization": f"Bearer {key}"}).text
    for family in text_string_to_metric_families(text):
        if family.name == "aitower_otlp_metric_points":
            return {s.labels["family"]: s.value for s in family.samples}
    return {}


def test_metrics_over_http_are_acknowledged_and_counted(client: TestClient, db: Database) -> None:
    seed_units(db)
    key = make_key(db, Role.engineer)
    body = encode_metrics(_recorded()).SerializeToString()
    headers = {"content-type": "application/x-protobuf", "x-api-key": key}
    answer = client.post("/v1/metrics", content=body, headers=headers)
    assert answer.status_code == 200, answer.text
    assert answer.content == b""  # an empty ExportMetricsServiceResponse: no partial success
    assert _points(client, make_key(db, Role.admin)) == EXPECTED
    refused = client.post("/v1/metrics", content=b"\x0a\xff", headers=headers)
    assert refused.status_code == 400


def test_metrics_over_json_are_counted(client: TestClient, db: Database) -> None:
    seed_units(db)
    metric = {
        "name": "gen_ai.client.inference.token.usage",
        "histogram": {"dataPoints": [{"count": "1"}, {"count": "2"}, {"count": "1"}]},
    }
    body = {"resourceMetrics": [{"scopeMetrics": [{"metrics": [metric]}]}]}
    headers = {"x-api-key": make_key(db, Role.engineer)}
    answer = client.post("/v1/metrics", json=body, headers=headers)
    assert (answer.status_code, answer.json()) == (200, {})
    assert _points(client, make_key(db, Role.admin)) == {"gen_ai.client.inference.*": 3}


def test_the_sdk_grpc_metric_exporter_succeeds(settings: Settings, db: Database) -> None:
    seed_units(db)
    key = make_key(db, Role.engineer)
    port = free_port()
    app = create_app(settings.model_copy(update={"otlp_grpc_port": port}), database=db)
    with TestClient(app) as client:
        exporter = OTLPMetricExporter(
            endpoint=f"http://127.0.0.1:{port}", insecure=True, headers={"x-api-key": key}
        )
        try:
            assert exporter.export(_recorded()) == MetricExportResult.SUCCESS
        finally:
            exporter.shutdown()
        assert _points(client, make_key(db, Role.admin)) == EXPECTED


def test_families_match_names_and_prefixes() -> None:
    assert family_of("gen_ai.client.token.usage") == "gen_ai.client.token.usage"
    assert family_of("gen_ai.client.inference.operation.duration") == "gen_ai.client.inference.*"
    assert family_of("gen_ai.server.time_to_first_token") == "gen_ai.server.*"
    assert family_of("gen_ai.agent.runs") == "gen_ai.*"
    assert family_of("process.cpu.time") == "other"


def test_the_docs_show_the_code_table() -> None:
    text = DOC.read_text()
    start = text.index("<!-- metric-families -->")
    end = text.index("<!-- /metric-families -->")
    rows = [
        [cell.strip() for cell in line.strip().strip("|").split("|")]
        for line in text[start:end].splitlines()
        if line.startswith("| `")
    ]
    documented = [
        (re.sub(r"^`|`$", "", name), conventions, handling) for name, conventions, handling in rows
    ]
    assert documented == [(f.name, f.conventions, f.handling) for f in METRIC_FAMILIES]
