"""Spend's metrics that alert rules can watch: names, titles, units (pure; ``alert_metrics``
reads their values, ``alerts.metric_catalog`` lists them with the others)."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class SpendMetric:
    name: str
    title: str
    unit: str
    description: str


SPEND_METRICS: tuple[SpendMetric, ...] = (
    SpendMetric("spend", "Spend", "USD", "Cost of every source (LLM usage, bills) in the window"),
    SpendMetric(
        "budget_forecast_percent",
        "Budget forecast",
        "percent",
        "Forecast at the period's end ÷ budget × 100, the worst budget of the system",
    ),
)
BY_NAME: dict[str, SpendMetric] = {m.name: m for m in SPEND_METRICS}
