"""The demo histories tell the stories they promise, measured with aitower's own statistics."""

from __future__ import annotations

from datetime import UTC, datetime

import numpy as np

from aitower.predictions.demo_data import (
    DemoHistory,
    credit_history,
    fraud_history,
    sales_history,
)
from aitower.statistics.drift.check import check_drift
from aitower.statistics.drift.columns import Categorical
from aitower.statistics.drift.profile import build_profile
from aitower.statistics.quality.classification import classification_metrics
from aitower.statistics.quality.fairness import fairness_by_group
from aitower.statistics.quality.regression import regression_metrics

NOW = datetime(2026, 11, 1, tzinfo=UTC)
DAY_NS = 86_400 * 10**9


def _days(history: DemoHistory, first: int, last: int) -> np.ndarray:
    start = int(NOW.timestamp()) * 10**9 - 90 * DAY_NS
    t = history.timestamps_ns
    return (t >= start + first * DAY_NS) & (t < start + last * DAY_NS)


def _dataset(history: DemoHistory, rows: np.ndarray) -> dict[str, object]:
    data: dict[str, object] = {k: v[rows] for k, v in history.numeric.items()}
    data.update({k: Categorical.from_values(v[rows]) for k, v in history.categorical.items()})
    return data


def test_fraud_features_drift_in_the_episode_and_auc_falls_after_it() -> None:
    fraud = fraud_history(NOW, per_day=300)
    reference = build_profile(_dataset(fraud, _days(fraud, 0, 30)))  # type: ignore[arg-type]
    calm = check_drift(reference, _dataset(fraud, _days(fraud, 30, 50)))  # type: ignore[arg-type]
    storm = check_drift(reference, _dataset(fraud, _days(fraud, 58, 72)))  # type: ignore[arg-type]
    assert not calm.dataset_drifted
    assert storm.dataset_drifted
    drifted = {f.name for f in storm.features if f.drifted}
    assert {"amount", "distance_km", "merchant_category"} <= drifted

    def auc(first: int, last: int) -> float:
        rows = _days(fraud, first, last)
        result = classification_metrics(
            fraud.labels[rows],
            fraud.outputs[rows],
            fraud.scores[rows],  # type: ignore[index]
            labels=fraud.classes,
            positive_label="fraud",
        )
        assert result.roc_auc is not None
        return result.roc_auc

    assert auc(0, 50) - auc(58, 72) > 0.05


def test_credit_approvals_fail_the_four_fifths_rule_by_age_band() -> None:
    credit = credit_history(NOW, per_day=150)
    result = fairness_by_group(
        credit.labels,
        credit.outputs,
        {"age_band": credit.sensitive["age_band"]},
        positive_label="approve",
    )
    assert result.demographic_parity_ratio is not None
    assert result.demographic_parity_ratio < 0.8
    assert result.four_fifths_rule_met is False


def test_sales_forecast_error_grows_after_the_price_change() -> None:
    sales = sales_history(NOW)
    before, after = _days(sales, 0, 70), _days(sales, 70, 90)

    def rmse(rows: np.ndarray) -> float:
        return regression_metrics(sales.labels[rows], sales.outputs[rows]).rmse  # type: ignore[return-value]

    assert rmse(after) > 2 * rmse(before)


def test_labels_arrive_late_and_recent_predictions_are_mostly_unlabelled() -> None:
    fraud = fraud_history(NOW, per_day=100)
    known = fraud.labelled_at_ns >= 0
    assert known[_days(fraud, 0, 40)].mean() > 0.99
    assert known[_days(fraud, 85, 90)].mean() < 0.05
    delays = (fraud.labelled_at_ns[known] - fraud.timestamps_ns[known]) / DAY_NS
    assert delays.min() >= 5 and delays.max() <= 40


def test_the_same_seed_gives_the_same_history() -> None:
    a, b = credit_history(NOW, per_day=20), credit_history(NOW, per_day=20)
    assert a.prediction_ids == b.prediction_ids
    assert np.array_equal(a.scores, b.scores)  # type: ignore[arg-type]
