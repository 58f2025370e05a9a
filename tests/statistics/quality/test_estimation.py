"""CBPE against scikit-learn on the expanded dataset, calibration against sklearn's isotonic."""

from __future__ import annotations

import json

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from sklearn import metrics as skm
from sklearn.isotonic import IsotonicRegression

from aitower.core.errors import InvalidInput
from aitower.statistics.quality.classification import classification_metrics
from aitower.statistics.quality.estimation import (
    Calibration,
    estimate_binary_performance,
    fit_histogram,
    fit_isotonic,
)

TOL = 1e-9
RNG = np.random.default_rng(11)


def expanded_reference(proba: np.ndarray, predicted: np.ndarray) -> dict[str, float]:
    """sklearn on a dataset where each row appears once as a positive (weight p) and once as a
    negative (weight 1 − p): its weighted metrics are the expectations CBPE computes."""
    n = len(proba)
    y = np.r_[np.ones(n), np.zeros(n)]
    pred = np.r_[predicted, predicted].astype(int)
    weight = np.r_[proba, 1 - proba]
    return {
        "accuracy": skm.accuracy_score(y, pred, sample_weight=weight),
        "precision": skm.precision_score(y, pred, sample_weight=weight, zero_division=0),
        "recall": skm.recall_score(y, pred, sample_weight=weight, zero_division=0),
        "f1": skm.f1_score(y, pred, sample_weight=weight, zero_division=0),
        "roc_auc": skm.roc_auc_score(y, np.r_[proba, proba], sample_weight=weight),
    }


def test_estimates_equal_sklearn_on_the_expanded_dataset() -> None:
    proba = np.round(RNG.beta(2, 5, 600), 3)
    result = estimate_binary_performance(proba, threshold=0.3)
    expected = expanded_reference(proba, proba >= 0.3)
    assert result.estimated is True and result.to_dict()["estimated"] is True
    for name, value in expected.items():
        assert getattr(result, name) == pytest.approx(value, abs=TOL), name
    (tn, fp), (fn, tp) = result.expected_confusion_matrix  # type: ignore[misc]
    assert tp + fp + fn + tn == pytest.approx(600)
    json.dumps(result.to_dict())


def test_logged_predictions_win_over_the_threshold() -> None:
    proba = RNG.uniform(0, 1, 200)
    y_pred = np.where(RNG.uniform(0, 1, 200) < 0.5, "yes", "no")
    result = estimate_binary_performance(proba, y_pred, positive_label="yes")
    expected = expanded_reference(proba, y_pred == "yes")
    assert result.threshold is None
    assert result.precision == pytest.approx(expected["precision"], abs=TOL)


def test_certain_scores_give_the_measured_metrics() -> None:
    y_true = RNG.integers(0, 2, 100)
    y_pred = RNG.integers(0, 2, 100)
    estimate = estimate_binary_performance(y_true.astype(float), y_pred)
    measured = classification_metrics(y_true, y_pred, y_true.astype(float))
    for name in ("accuracy", "precision", "recall", "f1", "roc_auc"):
        assert getattr(estimate, name) == pytest.approx(getattr(measured, name), abs=TOL)


def test_estimate_tracks_the_realised_accuracy_of_calibrated_scores() -> None:
    proba = RNG.beta(2, 2, 50_000)
    labels = RNG.uniform(0, 1, 50_000) < proba  # labels drawn from the calibrated scores
    estimate = estimate_binary_performance(proba)
    measured = classification_metrics(labels.astype(int), (proba >= 0.5).astype(int), proba)
    assert estimate.accuracy == pytest.approx(measured.accuracy, abs=0.01)
    assert estimate.f1 == pytest.approx(measured.f1, abs=0.01)
    assert estimate.roc_auc == pytest.approx(measured.roc_auc, abs=0.01)


def test_isotonic_calibration_equals_sklearn() -> None:
    scores = np.round(RNG.normal(0.0, 1.0, 800), 2)  # margins, not probabilities; with ties
    labels = (RNG.uniform(0, 1, 800) < 1 / (1 + np.exp(-2 * scores))).astype(int)
    calibration = fit_isotonic(scores, labels)
    reference = IsotonicRegression(y_min=0, y_max=1, out_of_bounds="clip").fit(scores, labels)
    probe = np.linspace(-5, 5, 301)
    assert np.allclose(calibration.apply(probe), reference.predict(probe), atol=TOL, rtol=0)
    assert np.allclose(calibration.apply(scores), reference.predict(scores), atol=TOL, rtol=0)
    restored = Calibration.from_dict(json.loads(json.dumps(calibration.to_dict())))
    assert np.array_equal(restored.apply(probe), calibration.apply(probe))


def test_calibrated_estimate_ranks_by_raw_score_and_weights_by_probability() -> None:
    scores = RNG.normal(0.0, 1.5, 1000)
    labels = (RNG.uniform(0, 1, 1000) < 1 / (1 + np.exp(-scores))).astype(int)
    calibration = fit_isotonic(scores, labels)
    current = RNG.normal(0.5, 1.5, 700)
    result = estimate_binary_performance(current, threshold=0.0, calibration=calibration)
    proba = calibration.apply(current)
    n = len(current)
    y = np.r_[np.ones(n), np.zeros(n)]
    expected_auc = skm.roc_auc_score(
        y, np.r_[current, current], sample_weight=np.r_[proba, 1 - proba]
    )
    assert result.calibration == "isotonic"
    assert result.roc_auc == pytest.approx(expected_auc, abs=TOL)
    assert result.accuracy == pytest.approx(expanded_reference(proba, current >= 0)["accuracy"])


def test_histogram_calibration_is_each_bins_positive_share() -> None:
    scores = np.arange(100, dtype=float)
    labels = (scores >= 70).astype(int)
    calibration = fit_histogram(scores, labels, bins=10)
    assert calibration.points == tuple(float(v) for v in range(9, 90, 10))
    # Bins (-inf, 9), [9, 19), …, [89, inf): the bin [69, 79) holds 69 (negative) and 70–78.
    assert calibration.values == pytest.approx((0, 0, 0, 0, 0, 0, 0, 0.9, 1, 1), abs=TOL)
    probe = [-50.0, 8.9, 9.0, 69.0, 79.0, 500.0]
    assert calibration.apply(probe).tolist() == pytest.approx([0, 0, 0, 0.9, 1, 1], abs=TOL)


def test_histogram_with_many_ties_has_no_empty_bin() -> None:
    scores = np.r_[np.zeros(90), np.ones(10)]
    labels = np.r_[np.zeros(80), np.ones(10), np.ones(10)]
    calibration = fit_histogram(scores, labels, bins=10)
    assert calibration.points == ()  # edges 0 and 1 only: one bin
    assert calibration.values == pytest.approx((0.2,))


def test_uncalibrated_margins_are_refused() -> None:
    with pytest.raises(InvalidInput, match="calibration"):
        estimate_binary_performance([-2.0, 0.5, 3.0])


def test_empty_and_non_finite_scores() -> None:
    empty = estimate_binary_performance([])
    assert empty.count == 0 and empty.accuracy is None and empty.undefined["roc_auc"] == "no rows"
    result = estimate_binary_performance([0.2, np.nan, 0.9, 0.7])
    assert result.count == 3 and result.excluded == 1
    assert result.accuracy == pytest.approx((0.8 + 0.9 + 0.7) / 3)


def test_scores_expecting_one_class_have_no_auc() -> None:
    result = estimate_binary_performance([1.0, 1.0, 1.0])
    assert result.roc_auc is None and "single class" in result.undefined["roc_auc"]
    assert result.accuracy == 1.0


@settings(max_examples=60, deadline=None)
@given(st.lists(st.integers(0, 20), min_size=1, max_size=40), st.integers(0, 20))
def test_estimates_equal_expanded_sklearn_for_any_scores(values: list[int], cut: int) -> None:
    proba = np.array(values) / 20
    result = estimate_binary_performance(proba, threshold=cut / 20)
    if proba.sum() == 0 or proba.sum() == len(proba):
        assert result.roc_auc is None
        return
    expected = expanded_reference(proba, proba >= cut / 20)
    for name, value in expected.items():
        assert getattr(result, name) == pytest.approx(value, abs=TOL), name
