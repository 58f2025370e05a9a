"""Two monitoring gaps closed: a multiclass model's per-class scores reach ROC AUC and log loss
through the prediction store (SQLite and PostgreSQL), and demographic parity is judged on every
row of a window, labelled or not."""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta

import numpy as np
import pytest
from sklearn.metrics import log_loss, roc_auc_score

from aitower.core.db.engine import Database
from aitower.model_monitors.baseline import build_baseline
from aitower.model_monitors.evaluate import evaluate
from aitower.model_monitors.spec import MonitorSpec
from aitower.predictions import reading
from aitower.predictions.service import ModelKey
from aitower.predictions.window import Task
from model_monitors.windows import binary_window
from predictions.support_predictions import T0, label, log, new_system

CLASSES = ["cat", "dog", "fox"]


def _multiclass_rows(n: int) -> tuple[list[dict[str, object]], list[str], np.ndarray]:
    rng = np.random.default_rng(7)
    truth = rng.integers(0, 3, n)
    raw = rng.random((n, 3)) + np.eye(3)[truth] * 0.8  # informative, not perfect
    probs = raw / raw.sum(axis=1, keepdims=True)
    batch = [
        {
            "prediction_id": f"p{i}",
            "timestamp": (T0 + timedelta(seconds=30 * i)).isoformat(),
            "features": {"amount": float(i)},
            "output": CLASSES[int(np.argmax(probs[i]))],
            "score": {c: float(probs[i, k]) for k, c in enumerate(CLASSES)},
        }
        for i in range(n)
    ]
    return batch, [CLASSES[t] for t in truth], probs


def test_multiclass_scores_give_roc_auc_and_log_loss_like_scikit_learn(db: Database) -> None:
    new_system(db)
    key = ModelKey("fraud-detector", "animals", "1")
    batch, truth, probs = _multiclass_rows(300)
    model = log(db, key, batch, task=Task.multiclass, classes=CLASSES).model
    labelled = list(range(0, 300, 2))  # half the rows labelled
    label(db, key, [{"prediction_id": f"p{i}", "label": truth[i]} for i in labelled])
    with db.reading() as session:
        window = reading.load_window(session, model.id, T0, T0 + timedelta(days=1))
    assert window.class_scores is not None and window.class_scores.shape == (300, 3)
    np.testing.assert_allclose(window.class_scores, probs)
    outcome = evaluate(build_baseline(window), window, MonitorSpec("m"))
    y = [truth[i] for i in labelled]
    p = probs[labelled]
    expected_auc = roc_auc_score(y, p, multi_class="ovr", average="macro", labels=CLASSES)
    assert outcome.summary["roc_auc"] == pytest.approx(expected_auc, abs=1e-12)
    assert outcome.summary["log_loss"] == pytest.approx(log_loss(y, p, labels=CLASSES), abs=1e-12)


def test_a_window_without_labels_still_gets_demographic_parity() -> None:
    window = binary_window(2000, labelled_share=0.0, bias=0.3)
    assert window.labelled_count == 0
    spec = MonitorSpec("m", sensitive=("gender",), min_group_size=30)
    outcome = evaluate(build_baseline(binary_window(2000, seed=1)), window, spec)
    selected = np.asarray(window.outputs == "fraud")
    female = window.sensitive["gender"].codes == 0
    rates = [selected[female].mean(), selected[~female].mean()]
    assert outcome.summary["demographic_parity_ratio"] == pytest.approx(min(rates) / max(rates))
    diff = max(rates) - min(rates)
    assert outcome.summary["demographic_parity_difference"] == pytest.approx(diff)
    assert outcome.summary["equalized_odds_difference"] is None  # needs labels
    assert outcome.summary["fairness_rows"] == 2000
    (result,) = outcome.detail["fairness"]["results"]
    assert result["labelled_count"] == 0 and result["count"] == 2000
    assert all(g["accuracy"] is None and g["labelled_count"] == 0 for g in result["groups"])
    assert any(s.metric == "demographic_parity_ratio" for s in outcome.signals)


def test_label_rates_use_labelled_rows_and_selection_every_row() -> None:
    full = binary_window(3000, labelled_share=0.4, seed=3)
    spec = MonitorSpec("m", sensitive=("gender",), min_group_size=0)
    outcome = evaluate(build_baseline(binary_window(2000, seed=1)), full, spec)
    (result,) = outcome.detail["fairness"]["results"]
    # The labelled rows alone, as if the unlabelled ones were not there: same TPR/FPR/accuracy.
    keep = np.asarray(full.labelled)
    only = replace(
        full,
        prediction_ids=full.prediction_ids[keep],
        outputs=full.outputs[keep],
        labels=full.labels[keep],
        labelled=full.labelled[keep],
        sensitive={k: type(v)(v.codes[keep], v.categories) for k, v in full.sensitive.items()},
    )
    from aitower.model_monitors.performance import fairness, with_names

    named = with_names(only)
    (alone,), _, _ = fairness(named, np.asarray(named.labelled), ("gender",), 0)
    for group, other in zip(result["groups"], alone.groups, strict=True):
        assert group["labelled_count"] == other.count
        assert group["true_positive_rate"] == pytest.approx(other.true_positive_rate)
        assert group["false_positive_rate"] == pytest.approx(other.false_positive_rate)
        assert group["accuracy"] == pytest.approx(other.accuracy)
    assert result["equalized_odds_difference"] == pytest.approx(alone.equalized_odds_difference)
    assert result["count"] == 3000
