"""Discovery as an alert-rule metric, read by alerting's evaluator like spend's.

``discovery_new_unsanctioned``: findings first seen in the rule's window whose service is not
sanctioned for their unit (unregistered telemetry sources included); ``samples``: every
finding first seen in the window. Findings belong to units, not systems: a rule on one
system reads nothing (None, 0); a portfolio rule reads the organisation's.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy.orm import Session

from aitower.discovery.metrics import BY_NAME
from aitower.discovery.trend import new_unsanctioned


def discovery_metric_value(
    session: Session, metric: str, system_key: str | None, start: datetime, end: datetime
) -> tuple[float | None, int]:
    """``metric``'s value and samples (module docstring). Raises KeyError for another name."""
    BY_NAME[metric]
    if system_key is not None or end <= start:
        return None, 0
    count, seen = new_unsanctioned(session, start, end)
    return float(count), seen
