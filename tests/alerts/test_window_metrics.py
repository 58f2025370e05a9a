"""metric_value over hand-built rollups: sums, ratios and means against hand-computed values;
percentiles against the nearest-rank percentile of the raw durations (within 1 %)."""

from __future__ import annotations

import math
import random
import uuid
from datetime import UTC, datetime, timedelta

import pytest

from aitower.alerts.metric_catalog import METRIC_NAMES
from aitower.alerts.metric_values import metric_value
from aitower.core.db.engine import Database
from aitower.telemetry.window_metrics import WindowValue
from alerts.helpers import add_minute, add_score

T0 = datetime(2025, 3, 1, 12, 0, tzinfo=UTC)
SYS = uuid.UUID("00000000-0000-4000-8000-000000000001")
OTHER = "service:shadow-bot"


def minute(n: int) -> datetime:
    return T0 + timedelta(minutes=n)


def nearest_rank(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[max(1, math.ceil(q * len(ordered))) - 1]


@pytest.fixture
def filled(db: Database) -> dict[str, list[float]]:
    rng = random.Random(7)
    a1 = [rng.lognormvariate(6, 0.8) for _ in range(40)]
    a2 = [rng.lognormvariate(6.5, 0.5) for _ in range(25)]
    b1 = [rng.lognormvariate(5, 0.3) for _ in range(10)]
    add_minute(db, minute(0), str(SYS), durations=a1, errors=4)
    add_minute(
        db,
        minute(0),
        str(SYS),
        model="gpt-4o",
        llm_calls=50,
        input_tokens=10_000,
        output_tokens=2_000,
        cost=0.75,
    )
    add_minute(db, minute(1), str(SYS), durations=a2, errors=1)
    add_minute(
        db,
        minute(1),
        str(SYS),
        model="mystery",
        llm_calls=5,
        input_tokens=300,
        output_tokens=100,
        unpriced_tokens=400,
    )
    add_minute(db, minute(1), OTHER, durations=b1, errors=10)
    add_minute(db, minute(5), str(SYS), durations=[99_999.0], errors=1)  # outside the window
    return {"sys": a1 + a2, "all": a1 + a2 + b1}


def value(db: Database, metric: str, key: str | None, **kw: str) -> WindowValue:
    with db.reading() as session:
        return metric_value(session, metric, key, minute(0), minute(5), **kw)  # type: ignore[arg-type]


def test_sums_and_ratios_by_hand(db: Database, filled: dict[str, list[float]]) -> None:
    key = str(SYS)
    assert value(db, "requests", key) == WindowValue(65.0, 65)
    assert value(db, "error_rate", key) == WindowValue(5 / 65, 65)
    assert value(db, "cost", key) == WindowValue(0.75, 55)
    assert value(db, "cost_per_request", key).value == pytest.approx(0.75 / 65)
    assert value(db, "tokens", key) == WindowValue(12_400.0, 55)
    assert value(db, "input_tokens", key) == WindowValue(10_300.0, 55)
    assert value(db, "output_tokens", key) == WindowValue(2_100.0, 55)
    assert value(db, "llm_calls", key) == WindowValue(55.0, 55)
    assert value(db, "unpriced_tokens", key) == WindowValue(400.0, 55)
    # Portfolio: every system key; the error rate is pooled, not a mean of per-row rates.
    assert value(db, "requests", None) == WindowValue(75.0, 75)
    assert value(db, "error_rate", None).value == pytest.approx(15 / 75)
    assert value(db, "error_rate", OTHER) == WindowValue(1.0, 10)


@pytest.mark.parametrize(
    ("metric", "q"), [("latency_p50", 0.5), ("latency_p95", 0.95), ("latency_p99", 0.99)]
)
def test_percentiles_within_one_percent_of_nearest_rank(
    db: Database, filled: dict[str, list[float]], metric: str, q: float
) -> None:
    for key, raw in ((str(SYS), filled["sys"]), (None, filled["all"])):
        got = value(db, metric, key)
        assert got.samples == len(raw)
        assert got.value is not None
        assert got.value == pytest.approx(nearest_rank(raw, q), rel=0.01)


def test_empty_window(db: Database) -> None:
    assert value(db, "requests", str(SYS)) == WindowValue(0.0, 0)
    for metric in ("error_rate", "latency_p95", "cost_per_request", "feedback_score"):
        assert value(db, metric, str(SYS)) == WindowValue(None, 0)


def test_scores_by_kind_system_and_evaluation_name(db: Database) -> None:
    add_score(db, SYS, "feedback", 1.0, minute(0))
    add_score(db, SYS, "feedback", 0.0, minute(2))
    add_score(db, SYS, "feedback", 0.0, minute(4) + timedelta(seconds=59))
    add_score(db, SYS, "feedback", 1.0, minute(5))  # at the window's end: excluded
    add_score(db, None, "feedback", 1.0, minute(1))
    add_score(db, SYS, "evaluation", 0.9, minute(1), name="faithfulness")
    add_score(db, SYS, "evaluation", 0.5, minute(1), name="relevance")
    assert value(db, "feedback_score", str(SYS)) == WindowValue(pytest.approx(1 / 3), 3)  # type: ignore[arg-type]
    assert value(db, "feedback_score", None) == WindowValue(0.5, 4)
    assert value(db, "evaluation_score", str(SYS)).value == pytest.approx(0.7)
    assert value(db, "evaluation_score", str(SYS), evaluation="relevance") == WindowValue(0.5, 1)
    assert value(db, "feedback_score", OTHER) == WindowValue(None, 0)


def test_every_catalogued_metric_answers(db: Database, filled: dict[str, list[float]]) -> None:
    for metric in METRIC_NAMES:
        assert value(db, metric, str(SYS)).samples >= 0
    with pytest.raises(KeyError):
        value(db, "nope", None)
