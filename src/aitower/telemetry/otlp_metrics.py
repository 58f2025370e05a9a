"""OTLP metrics (HTTP ``/v1/metrics`` and gRPC): acknowledged, counted by family, not stored.

Why not stored: every instrumentation that records the GenAI metrics below also sends the span
of the same call, and aitower counts calls, tokens, latency and cost from spans (rollups built
at ingest). Adding the metrics would count each call twice, and telling a call reported both
ways from one reported only as a metric is not possible from a histogram's aggregated points.
So metrics are acknowledged (an exporter must not log an error at every interval) and their data
points counted per family on ``/metrics`` (``aitower_otlp_metric_points_total{family}``), so an
operator sees what arrives. An application that sends metrics but no traces shows nothing on the
dashboards: send traces.

``METRIC_FAMILIES`` is the one table of names, shown in docs/telemetry.md (a test keeps the two
equal). The conventions move: names ending in ``*`` match by prefix.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from google.protobuf.message import DecodeError
from opentelemetry.proto.collector.metrics.v1 import metrics_service_pb2

from aitower.core.settings import Settings
from aitower.telemetry import otlp
from aitower.telemetry.meters import meters_of
from aitower.telemetry.otlp_logs import refusing


@dataclass(frozen=True, slots=True)
class MetricFamily:
    name: str  # a metric name, or a prefix ending in "*"
    conventions: str  # where the name is defined
    handling: str  # what aitower does with its points


_SPAN_HAS_IT = "counted, not stored: the call's span carries the same"
METRIC_FAMILIES = (
    MetricFamily(
        "gen_ai.client.token.usage",
        "GenAI conventions v1.27-v1.36 and later",
        f"{_SPAN_HAS_IT} tokens",
    ),
    MetricFamily(
        "gen_ai.client.operation.duration",
        "GenAI conventions v1.27-v1.36 and later",
        f"{_SPAN_HAS_IT} duration",
    ),
    MetricFamily(
        "gen_ai.client.operation.time_to_first_chunk",
        "later GenAI conventions (streaming)",
        "counted, not stored",
    ),
    MetricFamily(
        "gen_ai.client.operation.time_per_output_chunk",
        "later GenAI conventions (streaming)",
        "counted, not stored",
    ),
    MetricFamily(
        "gen_ai.client.inference.*",
        "the GenAI conventions' own repository (newest names)",
        f"{_SPAN_HAS_IT} call (`gen_ai.client.inference` spans)",
    ),
    MetricFamily(
        "gen_ai.server.*",
        "GenAI conventions (model servers)",
        "counted, not stored: a model server's view, not an application's call",
    ),
    MetricFamily("gen_ai.*", "other GenAI names", "counted, not stored"),
    MetricFamily("*", "any other metric", "counted as `other`, not stored"),
)
_EXACT = {f.name: f.name for f in METRIC_FAMILIES if not f.name.endswith("*")}
_PREFIXES = [(f.name[:-1], f.name) for f in METRIC_FAMILIES if f.name.endswith("*")]


def family_of(name: str) -> str:
    """The family a metric name counts under: its own name if the table lists it, else the
    first prefix that matches; ``other`` for non-GenAI names (bounded label values)."""
    found = _EXACT.get(name)
    if found is not None:
        return found
    for prefix, family in _PREFIXES:
        if name.startswith(prefix):
            return "other" if family == "*" else family
    return "other"  # pragma: no cover - "*" matches everything


def _points_protobuf(raw: bytes) -> dict[str, int]:
    try:
        request = metrics_service_pb2.ExportMetricsServiceRequest.FromString(raw)
    except DecodeError as exc:
        raise otlp.BadPayload("body is not an OTLP metrics request (protobuf)") from exc
    counts: dict[str, int] = {}
    for resource_metrics in request.resource_metrics:
        for scope_metrics in resource_metrics.scope_metrics:
            for metric in scope_metrics.metrics:
                which = metric.WhichOneof("data")
                points = len(getattr(metric, which).data_points) if which else 0
                family = family_of(metric.name)
                counts[family] = counts.get(family, 0) + points
    return counts


_DATA_KINDS = ("gauge", "sum", "histogram", "exponentialHistogram", "summary")


def _points_json(raw: bytes) -> dict[str, int]:
    try:
        document = json.loads(raw.decode("utf-8", "replace"))
        counts: dict[str, int] = {}
        for resource_metrics in document.get("resourceMetrics") or ():
            for scope_metrics in resource_metrics.get("scopeMetrics") or ():
                for metric in scope_metrics.get("metrics") or ():
                    family = family_of(str(metric.get("name") or ""))
                    points = sum(
                        len(metric[kind].get("dataPoints") or ())
                        for kind in _DATA_KINDS
                        if isinstance(metric.get(kind), dict)
                    )
                    counts[family] = counts.get(family, 0) + points
    except (ValueError, AttributeError, TypeError, RecursionError) as exc:
        raise otlp.BadPayload("body is not an OTLP metrics request (JSON)") from exc
    return counts


def count_metrics(
    app: Any, body: bytes, encoding: str, content_encoding: str | None
) -> dict[str, int]:
    """Decode a metrics export request and count its data points per family; nothing is
    stored. ``OtlpRefusal`` (400, 413, 415) for a body that is not one."""
    settings: Settings = app.state.settings
    with refusing():
        raw = otlp.decompress(
            body, content_encoding, max_bytes=settings.otlp_max_decompressed_bytes
        )
        counts = _points_json(raw) if encoding == "json" else _points_protobuf(raw)
    meters_of(app).count_metric_points(counts)
    return counts


def protobuf_response(_counts: dict[str, int]) -> bytes:
    """An empty ``ExportMetricsServiceResponse``: accepted (dropping is by design)."""
    return metrics_service_pb2.ExportMetricsServiceResponse().SerializeToString()
