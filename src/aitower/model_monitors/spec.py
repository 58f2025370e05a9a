"""What a monitor checks and when: its settings, their validation and its schedule (pure).

Schedule: ``hourly`` or ``daily``, aligned on UTC hour or day boundaries. A scheduled run at
``now`` judges the window that ends at the last boundary (``floor(now)``) and reaches back
``window_hours``; the next run is due at the following boundary. A server that was down for
three days runs a daily monitor once, for the latest boundary, and does not backfill: the
missed windows are visible as gaps in the history. "Run now" judges ``[now − window, now)``.

Drift: every feature (and the prediction itself, ``_prediction``, and for binary models the
score, ``_score``) uses the drift engine's default method for its type and the reference's
size (see ``monitoring.drift.check``) unless ``drift_rules`` names its own method and/or
threshold. The dataset drifts when the share of drifted features reaches ``drift_share``.

Performance limits: a floor for metrics where higher is better (accuracy, precision, recall,
f1, roc_auc, r2) and a ceiling where lower is better (log_loss, mae, rmse, mape). A measured
value beyond its limit is an alert signal; an estimated (CBPE) one too, marked as estimated.

Fairness: binary models only, by each sensitive attribute and by their intersection; groups
under ``min_group_size`` rows are not judged; a demographic parity ratio below
``fairness_floor`` (default 0.8, the four-fifths rule) is a signal.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from enum import StrEnum
from typing import Any

from aitower.core.errors import InvalidInput
from aitower.statistics.drift import DEFAULT_THRESHOLDS, FeatureRule, Method
from aitower.statistics.quality.fairness import DEFAULT_MIN_GROUP_SIZE, FOUR_FIFTHS

MAX_WINDOW_HOURS = 90 * 24
PREDICTION = "_prediction"
SCORE = "_score"
HIGHER_IS_BETTER = frozenset({"accuracy", "precision", "recall", "f1", "roc_auc", "r2"})
LOWER_IS_BETTER = frozenset({"log_loss", "mae", "rmse", "mape"})
P_VALUE_METHODS = frozenset({Method.ks, Method.chi_square, Method.z_test})


class Schedule(StrEnum):
    hourly = "hourly"
    daily = "daily"

    @property
    def step(self) -> timedelta:
        return timedelta(hours=1) if self is Schedule.hourly else timedelta(days=1)


@dataclass(frozen=True, slots=True)
class MonitorSpec:
    """A monitor's settings; see the module docstring for what each one decides."""

    name: str
    schedule: Schedule = Schedule.daily
    window_hours: int = 24
    drift_share: float = 0.5
    drift_rules: Mapping[str, FeatureRule] = field(default_factory=dict)
    performance_limits: Mapping[str, float] = field(default_factory=dict)
    sensitive: tuple[str, ...] = ()
    min_group_size: int = DEFAULT_MIN_GROUP_SIZE
    fairness_floor: float = FOUR_FIFTHS
    estimate: bool = True


EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


def floor_time(moment: datetime, schedule: Schedule) -> datetime:
    """The schedule's last boundary at or before ``moment`` (UTC hour or day)."""
    step = schedule.step
    return EPOCH + ((moment - EPOCH) // step) * step


def next_run(moment: datetime, schedule: Schedule) -> datetime:
    """The first boundary strictly after ``moment``."""
    return floor_time(moment, schedule) + schedule.step


def scheduled_window(now: datetime, spec: MonitorSpec) -> tuple[datetime, datetime]:
    """``[start, end)`` judged by a scheduled run at ``now``: ends at the last boundary."""
    end = floor_time(now, spec.schedule)
    return end - timedelta(hours=spec.window_hours), end


def rule_to_dict(rule: FeatureRule) -> dict[str, Any]:
    return {
        "method": None if rule.method is None else rule.method.value,
        "threshold": rule.threshold,
    }


def rule_from_dict(name: str, data: Mapping[str, Any]) -> FeatureRule:
    unknown = set(data) - {"method", "threshold"}
    if unknown:
        raise InvalidInput.on(f"drift_rules.{name}", f"unknown key {sorted(unknown)[0]!r}")
    method = data.get("method")
    threshold = data.get("threshold")
    try:
        chosen = None if method is None else Method(method)
    except ValueError:
        allowed = ", ".join(m.value for m in Method)
        raise InvalidInput.on(f"drift_rules.{name}.method", f"one of: {allowed}") from None
    if threshold is not None and not isinstance(threshold, int | float):
        raise InvalidInput.on(f"drift_rules.{name}.threshold", "must be a number")
    return FeatureRule(chosen, None if threshold is None else float(threshold))


def _check_rule(name: str, rule: FeatureRule) -> None:
    where = f"drift_rules.{name}.threshold"
    if rule.threshold is None:
        return
    if not math.isfinite(rule.threshold) or rule.threshold <= 0:
        raise InvalidInput.on(where, "must be a positive number")
    method = rule.method
    if method is not None and method in P_VALUE_METHODS and not rule.threshold < 1:
        raise InvalidInput.on(where, "a p-value threshold must lie between 0 and 1")


def _check_limits(limits: Mapping[str, float]) -> dict[str, float]:
    checked: dict[str, float] = {}
    for metric, value in limits.items():
        if metric not in HIGHER_IS_BETTER | LOWER_IS_BETTER:
            known = ", ".join(sorted(HIGHER_IS_BETTER | LOWER_IS_BETTER))
            raise InvalidInput.on(
                f"performance_limits.{metric}", f"unknown metric; one of: {known}"
            )
        if not isinstance(value, int | float) or not math.isfinite(value):
            raise InvalidInput.on(f"performance_limits.{metric}", "must be a finite number")
        checked[metric] = float(value)
    return checked


def check_spec(spec: MonitorSpec, features: Iterable[str], sensitive: Iterable[str]) -> MonitorSpec:
    """The spec with its name trimmed, or ``InvalidInput`` naming the first field at fault.

    ``features`` are the reference profile's drift columns, ``sensitive`` the model's
    sensitive attributes.
    """
    name = spec.name.strip()
    if not name or len(name) > 200:
        raise InvalidInput.on("name", "must be 1 to 200 characters")
    if not 1 <= spec.window_hours <= MAX_WINDOW_HOURS:
        raise InvalidInput.on("window_hours", f"must be between 1 and {MAX_WINDOW_HOURS}")
    if not 0 < spec.drift_share <= 1:
        raise InvalidInput.on("drift_share", "must lie in (0, 1]")
    known = set(features)
    for feature, rule in spec.drift_rules.items():
        if feature not in known:
            raise InvalidInput.on(f"drift_rules.{feature}", "no such feature in the reference")
        _check_rule(feature, rule)
    allowed = set(sensitive)
    for attribute in spec.sensitive:
        if attribute not in allowed:
            raise InvalidInput.on("sensitive", f"{attribute!r} is not a sensitive attribute")
    if len(set(spec.sensitive)) != len(spec.sensitive):
        raise InvalidInput.on("sensitive", "names an attribute twice")
    if not 0 <= spec.min_group_size <= 1_000_000:
        raise InvalidInput.on("min_group_size", "must be between 0 and 1000000")
    if not 0 < spec.fairness_floor <= 1:
        raise InvalidInput.on("fairness_floor", "must lie in (0, 1]")
    return MonitorSpec(
        name=name,
        schedule=Schedule(spec.schedule),
        window_hours=spec.window_hours,
        drift_share=float(spec.drift_share),
        drift_rules=dict(spec.drift_rules),
        performance_limits=_check_limits(spec.performance_limits),
        sensitive=tuple(spec.sensitive),
        min_group_size=spec.min_group_size,
        fairness_floor=float(spec.fairness_floor),
        estimate=bool(spec.estimate),
    )


def default_threshold(method: Method) -> float:
    return DEFAULT_THRESHOLDS[method]
