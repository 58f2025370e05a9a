"""Time windows: alignment, empty and unlabelled windows, measured and estimated kept apart."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta

import numpy as np
import pytest

from aitower.core.errors import InvalidInput
from aitower.statistics.quality.classification import ClassificationResult, classification_metrics
from aitower.statistics.quality.estimation import (
    EstimatedClassification,
    estimate_binary_performance,
)
from aitower.statistics.quality.windows import evaluate_windows, time_windows

T0 = datetime(2025, 3, 1, 0, 0, tzinfo=UTC)


def test_hourly_windows_are_utc_aligned_and_contiguous() -> None:
    stamps = [T0 + timedelta(minutes=m) for m in (5, 30, 61, 200)]
    windows = time_windows(stamps, size="hour")
    assert [w.start for w in windows] == [T0 + timedelta(hours=h) for h in range(4)]
    assert [w.count for w in windows] == [2, 1, 0, 1]
    assert windows[0].rows.tolist() == [0, 1] and windows[3].rows.tolist() == [3]
    assert windows[2].labelled_share is None


def test_daily_windows_with_explicit_range_drop_rows_outside() -> None:
    stamps = [T0 - timedelta(hours=1), T0 + timedelta(hours=3), T0 + timedelta(days=2, hours=1)]
    windows = time_windows(stamps, size="day", start=T0, end=T0 + timedelta(days=2))
    assert [w.count for w in windows] == [1, 0]
    assert windows[1].end == T0 + timedelta(days=2)


def test_numpy_datetimes_are_taken_as_utc() -> None:
    stamps = np.array(["2025-03-01T00:10", "2025-03-01T23:59", "2025-03-02T00:00"], "datetime64[s]")
    windows = time_windows(stamps, size="day")
    assert [(w.start, w.count) for w in windows] == [(T0, 2), (T0 + timedelta(days=1), 1)]


def test_evaluate_gives_measured_estimated_and_status_per_window() -> None:
    stamps = [T0 + timedelta(minutes=m) for m in (1, 2, 3, 4, 125, 126)]
    y_true = np.array([1, 0, 1, -1, -1, -1])  # -1: no label yet
    scores = np.array([0.9, 0.2, 0.4, 0.7, 0.8, 0.1])
    windows = time_windows(stamps, size="hour", labelled=y_true >= 0)

    def measure(rows: np.ndarray) -> ClassificationResult:
        return classification_metrics(y_true[rows], scores[rows] >= 0.5, scores[rows])

    def estimate(rows: np.ndarray) -> EstimatedClassification:
        return estimate_binary_performance(scores[rows])

    results = evaluate_windows(windows, measure, estimate)
    assert [r.status for r in results] == ["ok", "empty", "unlabelled"]
    first, empty, unlabelled = results
    assert first.count == 4 and first.labelled == 3 and first.labelled_share == 0.75
    assert first.measured is not None and first.measured.count == 3
    assert first.estimated is not None and first.estimated.count == 1
    assert empty.measured is None and empty.estimated is None and empty.count == 0
    assert unlabelled.measured is None and unlabelled.estimated.accuracy == pytest.approx(0.85)  # type: ignore[union-attr]
    encoded = json.loads(json.dumps([r.to_dict() for r in results]))
    assert encoded[0]["measured"]["estimated"] is False
    assert encoded[2]["estimated"]["estimated"] is True


def test_no_rows_no_windows_and_naive_time_refused() -> None:
    assert time_windows([], size="hour") == []
    assert len(time_windows([], size="hour", start=T0, end=T0 + timedelta(hours=2))) == 2
    with pytest.raises(InvalidInput, match="timestamps"):
        time_windows([datetime(2025, 3, 1)], size="hour")
    with pytest.raises(InvalidInput, match="size"):
        time_windows([T0], size="week")  # type: ignore[arg-type]
