"""Classification metrics against scikit-learn on fixed data, properties, and edge cases."""

from __future__ import annotations

import json
import warnings

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from sklearn import metrics as skm

from aitower.core.errors import InvalidInput
from aitower.statistics.quality.classification import classification_metrics
from aitower.statistics.quality.score_metrics import LOG_LOSS_EPS

TOL = 1e-9
RNG = np.random.default_rng(20250301)


def binary_data(n: int = 400) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    y_true = RNG.integers(0, 2, n)
    # Scores rounded to two decimals so many ties occur, as they do with real models.
    scores = np.round(np.clip(0.35 * y_true + RNG.normal(0.35, 0.2, n), 0.0, 1.0), 2)
    return y_true, (scores >= 0.5).astype(int), scores


def multiclass_data(n: int = 500) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    labels = np.array(["bird", "cat", "dog"])
    codes = RNG.integers(0, 3, n)
    logits = RNG.normal(0.0, 1.0, (n, 3))
    logits[np.arange(n), codes] += 1.2
    proba = np.exp(logits) / np.exp(logits).sum(axis=1, keepdims=True)
    return labels[codes], labels[proba.argmax(axis=1)], proba


def test_binary_matches_sklearn() -> None:
    y_true, y_pred, scores = binary_data()
    result = classification_metrics(y_true, y_pred, scores)
    assert result.task == "binary" and result.positive_label == 1 and result.average == "binary"
    assert result.count == 400 and result.scored_count == 400
    assert result.accuracy == pytest.approx(skm.accuracy_score(y_true, y_pred), abs=TOL)
    assert result.precision == pytest.approx(skm.precision_score(y_true, y_pred), abs=TOL)
    assert result.recall == pytest.approx(skm.recall_score(y_true, y_pred), abs=TOL)
    assert result.f1 == pytest.approx(skm.f1_score(y_true, y_pred), abs=TOL)
    assert result.roc_auc == pytest.approx(skm.roc_auc_score(y_true, scores), abs=TOL)
    assert result.log_loss == pytest.approx(skm.log_loss(y_true, scores), abs=TOL)
    assert np.array_equal(result.confusion_matrix, skm.confusion_matrix(y_true, y_pred))
    assert result.undefined == {} and result.notes == {}


def test_binary_string_labels_with_a_chosen_positive_label() -> None:
    y_true, y_pred, scores = binary_data()
    names = np.array(["legit", "fraud"])
    truth, pred = names[y_true], names[y_pred]
    result = classification_metrics(truth, pred, scores, positive_label="fraud")
    assert result.labels == ("fraud", "legit")
    assert result.precision == pytest.approx(
        skm.precision_score(truth, pred, pos_label="fraud"), abs=TOL
    )
    assert result.recall == pytest.approx(skm.recall_score(truth, pred, pos_label="fraud"), abs=TOL)
    assert result.roc_auc == pytest.approx(skm.roc_auc_score(y_true, scores), abs=TOL)
    proba = np.column_stack([scores, 1 - scores])  # columns in sklearn's sorted order
    assert result.log_loss == pytest.approx(skm.log_loss(truth, proba), abs=TOL)
    two_columns = classification_metrics(truth, pred, proba, positive_label="fraud")
    assert two_columns.roc_auc == result.roc_auc and two_columns.log_loss == result.log_loss


def test_multiclass_matches_sklearn() -> None:
    y_true, y_pred, proba = multiclass_data()
    result = classification_metrics(y_true, y_pred, proba)
    assert result.task == "multiclass" and result.average == "macro"
    assert result.labels == ("bird", "cat", "dog")
    assert result.accuracy == pytest.approx(skm.accuracy_score(y_true, y_pred), abs=TOL)
    for average, precision, recall, f1 in [
        ("macro", result.precision, result.recall, result.f1),
        ("weighted", result.weighted.precision, result.weighted.recall, result.weighted.f1),  # type: ignore[union-attr]
    ]:
        assert precision == pytest.approx(
            skm.precision_score(y_true, y_pred, average=average), abs=TOL
        )
        assert recall == pytest.approx(skm.recall_score(y_true, y_pred, average=average), abs=TOL)
        assert f1 == pytest.approx(skm.f1_score(y_true, y_pred, average=average), abs=TOL)
    expected_auc = skm.roc_auc_score(y_true, proba, multi_class="ovr", average="macro")
    assert result.roc_auc == pytest.approx(expected_auc, abs=TOL)
    assert result.log_loss == pytest.approx(skm.log_loss(y_true, proba), abs=TOL)
    assert np.array_equal(result.confusion_matrix, skm.confusion_matrix(y_true, y_pred))
    per_class = skm.precision_recall_fscore_support(y_true, y_pred)
    for k, row in enumerate(result.per_class):
        assert (row.precision, row.recall, row.f1) == pytest.approx(
            (per_class[0][k], per_class[1][k], per_class[2][k]), abs=TOL
        )
        assert row.support == per_class[3][k]


def test_explicit_label_order_orders_the_confusion_matrix() -> None:
    y_true, y_pred, proba = multiclass_data()
    order = ["dog", "bird", "cat"]
    reordered = proba[:, [2, 0, 1]]
    result = classification_metrics(y_true, y_pred, reordered, labels=order)
    assert result.labels == tuple(order)
    assert np.array_equal(
        result.confusion_matrix, skm.confusion_matrix(y_true, y_pred, labels=order)
    )
    assert result.log_loss == pytest.approx(skm.log_loss(y_true, proba), abs=TOL)


def test_multiclass_class_never_predicted_has_precision_zero_like_sklearn() -> None:
    y_true = ["a", "b", "c", "a", "b", "c", "a"]
    y_pred = ["a", "b", "b", "a", "b", "b", "a"]  # "c" is never predicted
    result = classification_metrics(y_true, y_pred)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        expected = skm.precision_score(y_true, y_pred, average="macro", zero_division=0)
    assert result.precision == pytest.approx(expected, abs=TOL)
    assert result.per_class[2].precision == 0.0 and result.per_class[2].predicted == 0
    assert "'c'" in result.notes["precision"]


def test_binary_zero_division_gives_zero_and_a_note() -> None:
    result = classification_metrics([0, 1, 0, 1], [0, 0, 0, 0])
    assert result.precision == 0.0 and result.recall == 0.0 and result.f1 == 0.0
    assert skm.precision_score([0, 1, 0, 1], [0, 0, 0, 0], zero_division=0) == 0.0
    assert "no rows predicted 1" in result.notes["precision"]


def test_single_class_present_gives_auc_none_with_a_reason() -> None:
    result = classification_metrics([1, 1, 1], [1, 0, 1], [0.9, 0.2, 0.7])
    assert result.labels == (0, 1)
    assert result.roc_auc is None
    assert "only one class" in result.undefined["roc_auc"]
    assert result.recall == pytest.approx(2 / 3)
    assert result.log_loss == pytest.approx(
        skm.log_loss([1, 1, 1], [0.9, 0.2, 0.7], labels=[0, 1]), abs=TOL
    )


def test_only_zeros_stay_binary_with_positive_label_one() -> None:
    result = classification_metrics([0, 0], [0, 0])
    assert result.labels == (0, 1) and result.positive_label == 1
    assert result.accuracy == 1.0 and result.precision == 0.0
    assert result.confusion_matrix == ((2, 0), (0, 0))


def test_empty_input_gives_an_empty_result() -> None:
    result = classification_metrics([], [], [])
    assert result.count == 0 and result.accuracy is None and result.roc_auc is None
    assert result.undefined["accuracy"] == "no labelled rows"
    json.dumps(result.to_dict())


def test_non_finite_scores_are_left_out_of_score_metrics_only() -> None:
    y_true, y_pred, scores = binary_data()
    with_nan = scores.copy()
    with_nan[[3, 10, 50]] = [np.nan, np.inf, -np.inf]
    keep = np.isfinite(with_nan)
    result = classification_metrics(y_true, y_pred, with_nan)
    assert result.count == 400 and result.scored_count == 397
    assert result.accuracy == pytest.approx(skm.accuracy_score(y_true, y_pred), abs=TOL)
    expected = skm.roc_auc_score(y_true[keep], scores[keep])
    assert result.roc_auc == pytest.approx(expected, abs=TOL)
    assert "3 row(s)" in result.notes["scores"]


def test_scores_outside_zero_one_have_no_log_loss_but_an_auc() -> None:
    y_true, y_pred, scores = binary_data()
    margins = scores * 8 - 4
    result = classification_metrics(y_true, y_pred, margins)
    assert result.log_loss is None and "not probabilities" in result.undefined["log_loss"]
    assert result.roc_auc == pytest.approx(skm.roc_auc_score(y_true, margins), abs=TOL)


def test_log_loss_clips_like_sklearn() -> None:
    y_true = [0, 1, 1, 0]
    scores = [0.0, 1.0, 0.0, 1.0]  # two certain and wrong predictions
    result = classification_metrics(y_true, [0, 1, 0, 1], scores)
    assert result.log_loss == pytest.approx(skm.log_loss(y_true, scores), abs=TOL)
    assert result.log_loss == pytest.approx(-np.log(LOG_LOSS_EPS) / 2, abs=TOL)


def test_multiclass_with_a_class_absent_from_y_true_averages_the_others() -> None:
    y_true, y_pred, proba = multiclass_data()
    keep = y_true != "dog"
    result = classification_metrics(
        y_true[keep], y_pred[keep], proba[keep], labels=["bird", "cat", "dog"]
    )
    binary_aucs = [
        skm.roc_auc_score(y_true[keep] == name, proba[keep][:, k])
        for k, name in enumerate(["bird", "cat"])
    ]
    assert result.roc_auc == pytest.approx(np.mean(binary_aucs), abs=TOL)
    assert "'dog'" in result.notes["roc_auc"] and "'dog'" in result.notes["recall"]


def test_invalid_inputs_are_refused_naming_the_field() -> None:
    with pytest.raises(InvalidInput, match="y_true"):
        classification_metrics([0, 1], [0])
    with pytest.raises(InvalidInput, match="scores"):
        classification_metrics([0, 1], [0, 1], [0.5])
    with pytest.raises(InvalidInput, match="y_pred"):
        classification_metrics([0, 1], [0, 2], labels=[0, 1])
    with pytest.raises(InvalidInput, match="y_true"):
        classification_metrics([0, None], [0, 1])
    with pytest.raises(InvalidInput, match="missing label"):
        classification_metrics([0.0, float("nan")], [0.0, 1.0])


@settings(max_examples=60, deadline=None)
@given(
    st.lists(
        st.tuples(st.integers(0, 1), st.integers(0, 1), st.integers(0, 10)),
        min_size=1,
        max_size=60,
    )
)
def test_binary_agrees_with_sklearn_on_random_data(rows: list[tuple[int, int, int]]) -> None:
    y_true = np.array([r[0] for r in rows])
    y_pred = np.array([r[1] for r in rows])
    scores = np.array([r[2] / 10 for r in rows])
    result = classification_metrics(y_true, y_pred, scores)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        assert result.f1 == pytest.approx(
            skm.f1_score(y_true, y_pred, zero_division=0, labels=[0, 1]), abs=TOL
        )
        assert result.precision == pytest.approx(
            skm.precision_score(y_true, y_pred, zero_division=0, labels=[0, 1]), abs=TOL
        )
    if len(set(y_true)) == 2:
        assert result.roc_auc == pytest.approx(skm.roc_auc_score(y_true, scores), abs=TOL)
    else:
        assert result.roc_auc is None
    assert result.log_loss == pytest.approx(skm.log_loss(y_true, scores, labels=[0, 1]), abs=TOL)
    assert 0.0 <= result.accuracy <= 1.0  # type: ignore[operator]
