"""The value of a catalogued metric over a time window, read from the capability measuring it:
telemetry's minute rollups and scores, the model monitors' latest results, the findings,
spend (cost and budget forecasts) or discovery (new unsanctioned AI use)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy.orm import Session

from aitower.alerts.metric_catalog import BY_NAME, SampleKind
from aitower.discovery.alert_metrics import discovery_metric_value
from aitower.guardrails.alert_metrics import finding_metric_value
from aitower.guardrails.finding_metrics import BY_NAME as FINDING_METRICS
from aitower.model_monitors.alert_metrics import model_metric_value
from aitower.spend.alert_metrics import spend_metric_value
from aitower.telemetry import window_metrics
from aitower.telemetry.window_metrics import WindowValue


def metric_value(
    session: Session,
    metric: str,
    system_key: str | None,
    start: datetime,
    end: datetime,
    *,
    evaluation: str | None = None,
) -> WindowValue:
    """``metric`` over ``[start, end)`` for one system key (None: the whole portfolio), read
    from the capability that measures it.

    ``evaluation`` narrows ``evaluation_score`` to one evaluation name. Raises KeyError for a
    metric not in the catalogue.
    """
    info = BY_NAME[metric]
    if metric in FINDING_METRICS:
        count, requests = finding_metric_value(session, metric, system_key, start, end)
        return WindowValue(count, requests)
    if info.samples is SampleKind.days:
        value, samples = spend_metric_value(session, metric, system_key, start, end)
        return WindowValue(value, samples)
    if info.samples is SampleKind.discoveries:
        value, samples = discovery_metric_value(session, metric, system_key, start, end)
        return WindowValue(value, samples)
    if info.samples is SampleKind.predictions:
        value, samples = model_metric_value(session, metric, system_key, start, end)
        return WindowValue(value, samples)
    return window_metrics.metric_value(
        session, metric, system_key, start, end, evaluation=evaluation
    )
