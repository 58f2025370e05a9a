"""The alert state machine: every edge, and properties over random observation sequences."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from aitower.alerts.alert_domain import (
    AlertState,
    Comparator,
    Notice,
    Observation,
    RuleSpec,
    RuleState,
    breached,
    check_rule,
    next_state,
)
from aitower.core.errors import InvalidInput

T0 = datetime(2025, 3, 1, 12, 0, tzinfo=UTC)
RULE = RuleSpec("errors", "error_rate", Comparator.gt, 0.1, min_samples=10)
BAD = Observation(0.5, 100)
GOOD = Observation(0.01, 100)
THIN = Observation(0.9, 3)  # breach, but fewer samples than the minimum


def at(minutes: int) -> datetime:
    return T0 + timedelta(minutes=minutes)


def test_comparators() -> None:
    assert breached(Comparator.gt, 2, 1) and not breached(Comparator.gt, 1, 1)
    assert breached(Comparator.ge, 1, 1) and not breached(Comparator.ge, 0.9, 1)
    assert breached(Comparator.lt, 0, 1) and not breached(Comparator.lt, 1, 1)
    assert breached(Comparator.le, 1, 1) and not breached(Comparator.le, 1.1, 1)


def test_fires_immediately_without_pending_time_then_stays_quiet_then_resolves() -> None:
    t = next_state(RULE, RuleState(), BAD, at(0))
    assert (t.after, t.notice, t.since) == (AlertState.firing, Notice.fired, at(0))
    t2 = next_state(RULE, t.state, BAD, at(1))
    assert (t2.after, t2.notice, t2.since) == (AlertState.firing, None, at(0))
    t3 = next_state(RULE, t2.state, GOOD, at(2))
    assert (t3.after, t3.notice) == (AlertState.resolved, Notice.resolved)
    t4 = next_state(RULE, t3.state, GOOD, at(3))
    assert (t4.after, t4.notice) == (AlertState.ok, None)


def test_pending_for_the_configured_minutes_before_firing() -> None:
    rule = RuleSpec("lat", "latency_p95", Comparator.ge, 800, for_minutes=3)
    slow = Observation(800, 5)
    t = next_state(rule, RuleState(), slow, at(0))
    assert (t.after, t.notice) == (AlertState.pending, None)
    t = next_state(rule, t.state, slow, at(2))
    assert (t.after, t.since) == (AlertState.pending, at(0))
    t = next_state(rule, t.state, Observation(900, 5), at(3))
    assert (t.after, t.notice) == (AlertState.firing, Notice.fired)


def test_pending_returns_to_ok_when_the_breach_ends_and_never_notifies() -> None:
    rule = RuleSpec("lat", "latency_p95", Comparator.gt, 800, for_minutes=5)
    t = next_state(rule, RuleState(), Observation(900, 5), at(0))
    t = next_state(rule, t.state, Observation(100, 5), at(1))
    assert (t.after, t.notice, t.since) == (AlertState.ok, None, at(1))


def test_not_enough_data_never_fires_and_keeps_a_firing_rule_firing() -> None:
    assert next_state(RULE, RuleState(), THIN, at(0)).after is AlertState.ok
    assert next_state(RULE, RuleState(), Observation(None, 50), at(0)).after is AlertState.ok
    firing = RuleState(AlertState.firing, at(0))
    t = next_state(RULE, firing, THIN, at(1))
    assert (t.after, t.notice) == (AlertState.firing, None)
    pending = RuleState(AlertState.pending, at(0))
    assert next_state(RULE, pending, THIN, at(1)).after is AlertState.ok


def test_a_resolved_rule_can_fire_again() -> None:
    t = next_state(RULE, RuleState(AlertState.resolved, at(0)), BAD, at(1))
    assert (t.after, t.notice) == (AlertState.firing, Notice.fired)


def test_zero_min_samples_lets_a_traffic_drop_fire() -> None:
    rule = RuleSpec("quiet", "requests", Comparator.lt, 1, min_samples=0)
    t = next_state(rule, RuleState(), Observation(0.0, 0), at(0))
    assert t.notice is Notice.fired


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"name": "  "}, "name"),
        ({"metric": "nope"}, "metric"),
        ({"threshold": float("nan")}, "threshold"),
        ({"window_minutes": 0}, "window_minutes"),
        ({"min_samples": -1}, "min_samples"),
        ({"for_minutes": 100_000}, "for_minutes"),
        ({"evaluation_name": "faithfulness"}, "evaluation_name"),
    ],
)
def test_check_rule_names_the_field(change: dict[str, object], field: str) -> None:
    from dataclasses import replace

    with pytest.raises(InvalidInput) as caught:
        check_rule(replace(RULE, **change))  # type: ignore[arg-type]
    assert caught.value.issues[0].field == field


observations = st.lists(
    st.tuples(
        st.one_of(st.none(), st.floats(0, 1, allow_nan=False)),
        st.integers(0, 40),
        st.integers(0, 5),  # minutes to the next evaluation
    ),
    max_size=60,
)
rules = st.builds(
    RuleSpec,
    name=st.just("r"),
    metric=st.just("error_rate"),
    comparator=st.sampled_from(list(Comparator)),
    threshold=st.floats(0, 1, allow_nan=False),
    min_samples=st.integers(0, 30),
    for_minutes=st.integers(0, 6),
)


@given(rules, observations)
def test_properties_over_any_sequence(
    rule: RuleSpec, seq: list[tuple[float | None, int, int]]
) -> None:
    """Fired and resolved alternate (never two fired while firing); fired only on a breach
    backed by enough data; firing only after fired; the state is consistent with notices."""
    state, now, last_notice = RuleState(), T0, None
    for value, samples, step in seq:
        now += timedelta(minutes=step)
        obs = Observation(value, samples)
        t = next_state(rule, state, obs, now)
        if t.notice is Notice.fired:
            assert last_notice in (None, Notice.resolved)
            assert value is not None and samples >= rule.min_samples
            assert breached(rule.comparator, value, rule.threshold)
            assert t.after is AlertState.firing and state.state is not AlertState.firing
        if t.notice is Notice.resolved:
            assert last_notice is Notice.fired and state.state is AlertState.firing
        if t.after is AlertState.firing:
            assert t.notice is Notice.fired or state.state is AlertState.firing
        if value is None or samples < rule.min_samples:
            assert t.notice is None
        if t.notice is not None:
            last_notice = t.notice
        assert t.before is state.state
        state = t.state
