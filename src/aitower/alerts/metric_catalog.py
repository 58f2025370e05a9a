"""The metrics an alert rule, a chart or an API can ask for over a time window.

Telemetry's metrics are read from its minute rollups and scores (``telemetry.window_metrics``),
the model monitors' from their latest results (``model_monitors.alert_metrics``), the findings'
from the detections stored at ingest (``guardrails.alert_metrics``), spend and budget forecasts
from the cost readers (``spend.alert_metrics``), new unsanctioned AI use from discovery's findings
(``discovery.alert_metrics``);
``alerts.metric_values`` asks the right one. One list, so the rule form, the API and the window
reader agree on names, units and on what ``samples`` (the amount of data behind a value, which
a rule's minimum of data is compared to) counts for each metric.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from aitower.discovery.metrics import DISCOVERY_METRICS
from aitower.guardrails.finding_metrics import FINDING_METRICS
from aitower.model_monitors.model_metrics import MODEL_METRICS
from aitower.spend.budget_metrics import SPEND_METRICS


class SampleKind(StrEnum):
    requests = "requests"  # root spans (one per trace)
    llm_calls = "llm_calls"
    scores = "scores"  # feedback or evaluation scores
    predictions = "predictions"  # model predictions behind a monitor result (model_monitors)
    days = "days"  # days with cost, or of a budget's period (spend.alert_metrics)
    discoveries = "discoveries"  # findings first seen in the window (discovery.alert_metrics)


@dataclass(frozen=True, slots=True)
class MetricInfo:
    name: str
    title: str
    unit: str
    samples: SampleKind
    description: str


METRICS: tuple[MetricInfo, ...] = (
    MetricInfo("requests", "Requests", "count", SampleKind.requests, "Root spans in the window"),
    MetricInfo(
        "error_rate",
        "Error rate",
        "ratio",
        SampleKind.requests,
        "Failed requests / requests (0..1)",
    ),
    MetricInfo("latency_p50", "Latency p50", "ms", SampleKind.requests, "Median request latency"),
    MetricInfo("latency_p95", "Latency p95", "ms", SampleKind.requests, "95th percentile latency"),
    MetricInfo("latency_p99", "Latency p99", "ms", SampleKind.requests, "99th percentile latency"),
    MetricInfo("cost", "Cost", "USD", SampleKind.llm_calls, "Cost of the LLM calls (priced ones)"),
    MetricInfo(
        "cost_per_request",
        "Cost per request",
        "USD",
        SampleKind.requests,
        "Cost / requests",
    ),
    MetricInfo("tokens", "Tokens", "tokens", SampleKind.llm_calls, "Input + output tokens"),
    MetricInfo("input_tokens", "Input tokens", "tokens", SampleKind.llm_calls, "Prompt tokens"),
    MetricInfo("output_tokens", "Output tokens", "tokens", SampleKind.llm_calls, "Output tokens"),
    MetricInfo("llm_calls", "LLM calls", "count", SampleKind.llm_calls, "LLM calls in the window"),
    MetricInfo(
        "unpriced_tokens",
        "Unpriced tokens",
        "tokens",
        SampleKind.llm_calls,
        "Tokens of calls to models without a price",
    ),
    MetricInfo(
        "feedback_score",
        "Feedback score",
        "score",
        SampleKind.scores,
        "Mean user feedback score",
    ),
    MetricInfo(
        "evaluation_score",
        "Evaluation score",
        "score",
        SampleKind.scores,
        "Mean evaluation score (of one evaluation when named)",
    ),
)


def _model_metrics() -> tuple[MetricInfo, ...]:
    """The model monitors' metrics (``model_monitors.alert_metrics`` says how each is read)."""
    return tuple(
        MetricInfo(m.name, m.title, m.unit, SampleKind.predictions, m.description)
        for m in MODEL_METRICS
    )


def _finding_metrics() -> tuple[MetricInfo, ...]:
    """The findings' counts; their samples are the window's requests (``guardrails.alert_metrics``
    says why)."""
    return tuple(
        MetricInfo(m.name, m.title, "count", SampleKind.requests, m.description)
        for m in FINDING_METRICS
    )


def _spend_metrics() -> tuple[MetricInfo, ...]:
    """Spend and budget forecasts (``spend.alert_metrics`` says how each is read)."""
    return tuple(
        MetricInfo(m.name, m.title, m.unit, SampleKind.days, m.description) for m in SPEND_METRICS
    )


def _discovery_metrics() -> tuple[MetricInfo, ...]:
    """New unsanctioned AI use (``discovery.alert_metrics`` says how it is read)."""
    return tuple(
        MetricInfo(m.name, m.title, m.unit, SampleKind.discoveries, m.description)
        for m in DISCOVERY_METRICS
    )


METRICS = METRICS + _model_metrics() + _finding_metrics() + _spend_metrics() + _discovery_metrics()
BY_NAME: dict[str, MetricInfo] = {m.name: m for m in METRICS}
METRIC_NAMES: tuple[str, ...] = tuple(BY_NAME)


def metric_info(name: str) -> MetricInfo | None:
    return BY_NAME.get(name)
