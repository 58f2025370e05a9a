"""Alert rules and their state machine: pure, so every path is tested without a database.

A rule compares a metric over a trailing window with a threshold. Its state moves:

    ok --breach--> pending --breach for ``for_minutes``--> firing --no breach--> resolved --> ok

with ``for_minutes == 0`` going from ok straight to firing. Notifications happen on exactly two
edges: entering ``firing`` (event "fired") and entering ``resolved`` (event "resolved"), so a
rule that stays firing never notifies twice.

Not enough data (fewer samples than the rule's minimum, or an undefined value such as an error
rate over zero requests) is never a breach, and it is not evidence of health either: it sends
pending back to ok but keeps a firing rule firing, so a quiet night does not resolve an
incident that nothing showed to be over.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum

from aitower.alerts.metric_catalog import BY_NAME
from aitower.core.errors import InvalidInput

MAX_WINDOW_MINUTES = 7 * 24 * 60
MAX_FOR_MINUTES = 24 * 60


class Comparator(StrEnum):
    gt = ">"
    ge = ">="
    lt = "<"
    le = "<="


class AlertState(StrEnum):
    ok = "ok"
    pending = "pending"
    firing = "firing"
    resolved = "resolved"


class Severity(StrEnum):
    critical = "critical"
    high = "high"
    medium = "medium"
    low = "low"


class Notice(StrEnum):
    fired = "fired"
    resolved = "resolved"


@dataclass(frozen=True, slots=True)
class RuleSpec:
    """What a rule watches; ``system_id`` None watches the whole portfolio."""

    name: str
    metric: str
    comparator: Comparator
    threshold: float
    window_minutes: int = 5
    min_samples: int = 1
    for_minutes: int = 0
    severity: Severity = Severity.medium
    system_id: str | None = None
    evaluation_name: str | None = None


@dataclass(frozen=True, slots=True)
class RuleState:
    state: AlertState = AlertState.ok
    since: datetime | None = None  # when the current state was entered


@dataclass(frozen=True, slots=True)
class Observation:
    value: float | None
    samples: int


@dataclass(frozen=True, slots=True)
class Transition:
    before: AlertState
    after: AlertState
    since: datetime | None  # of ``after``
    value: float | None
    samples: int
    notice: Notice | None  # what to tell people; None: nothing

    @property
    def state(self) -> RuleState:
        return RuleState(self.after, self.since)


def breached(comparator: Comparator, value: float, threshold: float) -> bool:
    if comparator is Comparator.gt:
        return value > threshold
    if comparator is Comparator.ge:
        return value >= threshold
    if comparator is Comparator.lt:
        return value < threshold
    return value <= threshold


def has_enough_data(rule: RuleSpec, obs: Observation) -> bool:
    return obs.value is not None and obs.samples >= rule.min_samples


def _to(
    current: RuleState, after: AlertState, now: datetime, obs: Observation, notice: Notice | None
) -> Transition:
    since = current.since if after is current.state else now
    return Transition(current.state, after, since, obs.value, obs.samples, notice)


def _on_breach(rule: RuleSpec, current: RuleState, now: datetime, obs: Observation) -> Transition:
    state = current.state
    if state is AlertState.firing:
        return _to(current, AlertState.firing, now, obs, None)
    if state is AlertState.pending:
        started = current.since or now
        if now - started >= timedelta(minutes=rule.for_minutes):
            return _to(current, AlertState.firing, now, obs, Notice.fired)
        return _to(current, AlertState.pending, now, obs, None)
    if rule.for_minutes == 0:
        return _to(current, AlertState.firing, now, obs, Notice.fired)
    return _to(current, AlertState.pending, now, obs, None)


def next_state(rule: RuleSpec, current: RuleState, obs: Observation, now: datetime) -> Transition:
    """The state after observing ``obs`` at ``now``, and whether to notify."""
    if not has_enough_data(rule, obs):
        if current.state is AlertState.firing:
            return _to(current, AlertState.firing, now, obs, None)
        return _to(current, AlertState.ok, now, obs, None)
    assert obs.value is not None
    if breached(rule.comparator, obs.value, rule.threshold):
        return _on_breach(rule, current, now, obs)
    if current.state is AlertState.firing:
        return _to(current, AlertState.resolved, now, obs, Notice.resolved)
    return _to(current, AlertState.ok, now, obs, None)


def describe(rule: RuleSpec) -> str:
    """``error_rate > 0.05 over 5 min`` — how a rule reads in a title or a notification."""
    return (
        f"{rule.metric} {rule.comparator.value} {rule.threshold:g} over {rule.window_minutes} min"
    )


def _check_int(field: str, value: int, low: int, high: int) -> None:
    if not low <= value <= high:
        raise InvalidInput.on(field, f"must be between {low} and {high}")


def check_rule(rule: RuleSpec) -> RuleSpec:
    """The rule with its name trimmed, or InvalidInput naming the first field at fault."""
    name = rule.name.strip()
    if not name or len(name) > 200:
        raise InvalidInput.on("name", "must be 1 to 200 characters")
    if rule.metric not in BY_NAME:
        raise InvalidInput.on("metric", f"unknown metric; one of: {', '.join(BY_NAME)}")
    if not math.isfinite(rule.threshold):
        raise InvalidInput.on("threshold", "must be a finite number")
    _check_int("window_minutes", rule.window_minutes, 1, MAX_WINDOW_MINUTES)
    _check_int("min_samples", rule.min_samples, 0, 1_000_000_000)
    _check_int("for_minutes", rule.for_minutes, 0, MAX_FOR_MINUTES)
    evaluation = (rule.evaluation_name or "").strip() or None
    if evaluation is not None and rule.metric != "evaluation_score":
        raise InvalidInput.on("evaluation_name", "only for the evaluation_score metric")
    return RuleSpec(
        name=name,
        metric=rule.metric,
        comparator=Comparator(rule.comparator),
        threshold=float(rule.threshold),
        window_minutes=rule.window_minutes,
        min_samples=rule.min_samples,
        for_minutes=rule.for_minutes,
        severity=Severity(rule.severity),
        system_id=rule.system_id,
        evaluation_name=evaluation,
    )
