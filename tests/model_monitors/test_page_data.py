"""What the model pages choose to show, pure: the headline metric (measured when the window
is mostly labelled, else the marked estimate), the minimum rows behind a point, the worst
signal as a sentence."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime

from aitower.model_monitors.evaluate import SUMMARY_FIELDS
from aitower.model_monitors.page_data import (
    MIN_ROWS,
    describe_signal,
    fairness_value,
    headline,
    headline_metric,
    measured_value,
    metric_title,
)
from aitower.model_monitors.results import ResultPoint
from aitower.predictions.window import Task

T0 = datetime(2026, 11, 1, tzinfo=UTC)


def point(rows: int, labelled: int, **summary: float | None) -> ResultPoint:
    values: dict[str, float | None] = dict.fromkeys(SUMMARY_FIELDS)
    values.update(summary)
    ids = uuid.uuid4()
    return ResultPoint(ids, ids, ids, ids, T0, T0, T0, "schedule", "ok", rows, labelled, 1.0,
                       values, [])  # fmt: skip


def test_mostly_labelled_windows_show_the_measurement() -> None:
    figure = headline_metric(Task.binary, point(1000, 600, roc_auc=0.8, estimated_roc_auc=0.9,
                                                estimated_rows=400))  # fmt: skip
    assert figure is not None and (figure.metric, figure.value, figure.rows) == (
        "roc_auc",
        0.8,
        600,
    )
    assert not figure.estimated and figure.title == "ROC AUC"


def test_mostly_unlabelled_windows_show_the_estimate_marked() -> None:
    figure = headline_metric(Task.binary, point(1000, 20, roc_auc=0.5, estimated_roc_auc=0.9,
                                                estimated_rows=980))  # fmt: skip
    assert figure is not None and figure.estimated and figure.value == 0.9
    assert figure.title == "ROC AUC (estimated)" and figure.rows == 980


def test_without_an_estimate_the_few_labelled_rows_are_shown_with_their_count() -> None:
    figure = headline_metric(Task.regression, point(1000, 3, rmse=12.0))
    assert figure is not None and (figure.metric, figure.rows, figure.estimated) == (
        "rmse",
        3,
        False,
    )
    assert headline_metric(Task.multiclass, point(10, 0)) is None


def test_points_need_enough_rows_behind_them() -> None:
    assert measured_value(point(1000, MIN_ROWS - 1, roc_auc=0.0), "roc_auc") is None
    assert measured_value(point(1000, MIN_ROWS, roc_auc=0.7), "roc_auc") == 0.7
    # Fairness: enough labelled rows, and at least half of the window.
    assert fairness_value(point(1000, 400, fairness_rows=400, demographic_parity_ratio=0.9),
                          "demographic_parity_ratio") is None  # fmt: skip
    assert fairness_value(point(700, 400, fairness_rows=400, demographic_parity_ratio=0.5),
                          "demographic_parity_ratio") == 0.5  # fmt: skip


def test_the_worst_signal_reads_as_a_sentence() -> None:
    signal = {"metric": "demographic_parity_ratio", "value": 0.0523, "limit": 0.8}
    assert describe_signal(signal) == "demographic parity ratio 0.0523 under 0.8"
    assert (
        describe_signal({"metric": "mape", "value": 0.41, "limit": 0.15}) == "MAPE 0.41 over 0.15"
    )
    assert describe_signal(None) == "" and metric_title("estimated_f1") == "F1 (estimated)"
    line = headline(Task.binary, point(100, 0, drift_share=0.5, drifted_features=4.0,
                                       judged_features=8.0), signal)  # fmt: skip
    assert (line.drifted, line.judged, line.window_coverage) == (4, 8, 0.0)
    assert line.worst.startswith("demographic parity ratio")
    assert headline(Task.binary, None, None).status == "none"
