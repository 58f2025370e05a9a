"""Discovery's alert-rule metric: its name, title and unit (pure; ``alert_metrics`` reads it)."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class DiscoveryMetric:
    name: str
    title: str
    unit: str
    description: str


NEW_UNSANCTIONED = "discovery_new_unsanctioned"
DISCOVERY_METRICS: tuple[DiscoveryMetric, ...] = (
    DiscoveryMetric(
        NEW_UNSANCTIONED,
        "New unsanctioned AI services",
        "count",
        "Findings first seen in the window of services not sanctioned for their unit",
    ),
)
BY_NAME: dict[str, DiscoveryMetric] = {m.name: m for m in DISCOVERY_METRICS}
