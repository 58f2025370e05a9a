"""A monitor's pure parts: the baseline built once, a run equal to the pure modules called by
hand, empty windows, the schedule, the settings' validation and the worst signal."""

from __future__ import annotations

import json
from dataclasses import replace
from datetime import UTC, datetime, timedelta

import numpy as np
import pytest
from sklearn.metrics import accuracy_score, roc_auc_score

from aitower.core.errors import InvalidInput
from aitower.model_monitors.baseline import Baseline, build_baseline, drift_columns
from aitower.model_monitors.dataset import window_from_records
from aitower.model_monitors.evaluate import evaluate, json_safe
from aitower.model_monitors.performance import measure
from aitower.model_monitors.results import worst_signal
from aitower.model_monitors.spec import (
    MonitorSpec,
    Schedule,
    check_spec,
    floor_time,
    next_run,
    scheduled_window,
)
from aitower.statistics.drift import FeatureRule, Method, build_profile, check_drift
from aitower.statistics.quality.classification import classification_metrics
from aitower.statistics.quality.estimation import estimate_binary_performance, fit_isotonic
from aitower.statistics.quality.fairness import fairness_report
from model_monitors.windows import MODEL, binary_window, empty_window

SPEC = MonitorSpec("fraud", sensitive=("gender", "age_band"), performance_limits={"roc_auc": 0.9})


def test_baseline_round_trips_through_json_and_holds_what_checks_need() -> None:
    reference = binary_window(3000, seed=1)
    baseline = build_baseline(reference)
    again = Baseline.from_dict(json.loads(json.dumps(baseline.to_dict())))
    assert again.features == ("amount", "country", "_prediction", "_score")
    assert again.rows == 3000 and again.labelled == 3000
    assert again.calibration is not None and again.calibration.method == "isotonic"
    truth = reference.labels.astype(str) == "fraud"
    assert again.performance["roc_auc"] == pytest.approx(
        roc_auc_score(truth, reference.scores), abs=1e-12
    )
    current = binary_window(2000, seed=2, shift=1.0)
    a = evaluate(baseline, current, SPEC)
    b = evaluate(again, current, SPEC)
    assert a.summary == b.summary


def test_a_run_equals_the_pure_modules_called_by_hand() -> None:
    reference = binary_window(4000, seed=3)
    current = binary_window(6000, seed=4, shift=0.5, labelled_share=0.6, bias=0.25)
    outcome = evaluate(build_baseline(reference), current, SPEC)
    # Drift: the engine on the same columns.
    drift = check_drift(build_profile(drift_columns(reference)), drift_columns(current))
    assert outcome.summary["drift_share"] == drift.share
    assert outcome.summary["drifted_features"] == drift.drifted
    by_name = {f["name"]: f for f in outcome.detail["drift"]["features"]}
    assert by_name["amount"]["statistic"] == next(
        f.statistic for f in drift.features if f.name == "amount"
    )
    # Measured: labelled rows only, checked against scikit-learn as well.
    labelled = current.labelled
    truth, pred = current.labels[labelled].astype(str), current.outputs[labelled].astype(str)
    measured = classification_metrics(
        truth, pred, current.scores[labelled], labels=["fraud", "legit"], positive_label="fraud"
    )
    assert outcome.summary["accuracy"] == measured.accuracy == accuracy_score(truth, pred)
    assert outcome.summary["roc_auc"] == pytest.approx(
        roc_auc_score(truth == "fraud", current.scores[labelled]), abs=1e-12
    )
    assert outcome.labelled_rows == int(labelled.sum())
    assert outcome.detail["performance"]["measured"] == json_safe(measured.to_dict())
    # Estimated: CBPE on the unlabelled rows only, with the reference's calibration.
    calibration = fit_isotonic(
        reference.scores, reference.labels.astype(str), positive_label="fraud"
    )
    estimated = estimate_binary_performance(
        current.scores[~labelled],
        current.outputs[~labelled].astype(str),
        calibration=calibration,
        positive_label="fraud",
    )
    assert outcome.summary["estimated_rows"] == int((~labelled).sum())
    assert outcome.summary["estimated_roc_auc"] == estimated.roc_auc
    assert outcome.summary["estimated_accuracy"] == estimated.accuracy
    # Fairness: by each attribute and their intersection, the worst of them; label rates from
    # the labelled rows.
    names = {
        a: np.array(current.sensitive[a].categories)[current.sensitive[a].codes[labelled]]
        for a in ("gender", "age_band")
    }
    fair = fairness_report(truth, pred, names, positive_label="fraud")
    # Demographic parity needs no label: every row (the truth argument is then unused).
    every = {
        a: np.array(current.sensitive[a].categories)[current.sensitive[a].codes]
        for a in ("gender", "age_band")
    }
    outputs = current.outputs.astype(str)
    by_all = fairness_report(outputs, outputs, every, positive_label="fraud")
    assert outcome.summary["demographic_parity_ratio"] == pytest.approx(
        min(r.demographic_parity_ratio for r in by_all if r.demographic_parity_ratio is not None)
    )
    assert outcome.summary["equalized_odds_difference"] == pytest.approx(
        max(r.equalized_odds_difference for r in fair if r.equalized_odds_difference is not None)
    )
    groups = outcome.detail["fairness"]["results"][0]["groups"]
    assert {g["group"]["gender"] for g in groups} == {"F", "M"}
    kinds = {s.metric for s in outcome.signals}
    assert "demographic_parity_ratio" in kinds and outcome.status == "alert"


def test_an_empty_window_is_an_empty_result_not_a_crash() -> None:
    outcome = evaluate(build_baseline(binary_window(500)), empty_window(), SPEC)
    assert outcome.status == "empty" and outcome.rows == 0
    assert all(v is None for v in outcome.summary.values())


def test_a_window_without_labels_is_estimated_never_measured() -> None:
    current = binary_window(3000, seed=5, labelled_share=0.0)
    outcome = evaluate(build_baseline(binary_window(3000)), current, MonitorSpec("m"))
    assert outcome.summary["accuracy"] is None and outcome.summary["roc_auc"] is None
    assert outcome.summary["estimated_accuracy"] is not None
    assert outcome.detail["performance"]["measured"] is None
    assert outcome.detail["performance"]["estimated"]["estimated"] is True


def test_per_feature_override_of_method_and_threshold() -> None:
    spec = MonitorSpec("m", drift_rules={"amount": FeatureRule(Method.psi, 5.0)})
    outcome = evaluate(build_baseline(binary_window(3000)), binary_window(3000, shift=1.0), spec)
    amount = outcome.feature_scores["amount"]
    assert amount["method"] == "psi" and amount["drifted"] is False


def test_records_upload_reads_into_the_same_shape() -> None:
    records = [
        {
            "features": {"amount": 10.0 + i, "country": "DE" if i % 2 else "FR"},
            "output": "fraud" if i % 3 == 0 else "legit",
            "score": (i % 10) / 10,
            "label": "fraud" if i % 4 == 0 else None,
            "sensitive": {"gender": "F" if i % 2 else "M"},
        }
        for i in range(50)
    ]
    window = window_from_records(MODEL, records)
    assert len(window) == 50 and window.labelled_count == 13
    assert np.isnan(np.asarray(window.features["amount"])).sum() == 0
    baseline = build_baseline(window)
    assert baseline.rows == 50
    with pytest.raises(InvalidInput, match=r"records\[1\]\.features\.amount"):
        window_from_records(MODEL, [records[0], {**records[1], "features": {"amount": "x"}}])


def test_schedule_boundaries_and_windows() -> None:
    now = datetime(2026, 3, 5, 13, 20, tzinfo=UTC)
    assert floor_time(now, Schedule.hourly) == datetime(2026, 3, 5, 13, tzinfo=UTC)
    assert next_run(now, Schedule.daily) == datetime(2026, 3, 6, tzinfo=UTC)
    assert next_run(datetime(2026, 3, 6, tzinfo=UTC), Schedule.daily) == datetime(
        2026, 3, 7, tzinfo=UTC
    )
    start, end = scheduled_window(now, MonitorSpec("m", Schedule.daily, window_hours=168))
    assert end == datetime(2026, 3, 5, tzinfo=UTC) and end - start == timedelta(days=7)


@pytest.mark.parametrize(
    ("spec", "field"),
    [
        (MonitorSpec(" "), "name"),
        (MonitorSpec("m", window_hours=0), "window_hours"),
        (MonitorSpec("m", drift_share=0.0), "drift_share"),
        (MonitorSpec("m", drift_rules={"nope": FeatureRule()}), "drift_rules.nope"),
        (MonitorSpec("m", drift_rules={"amount": FeatureRule(Method.ks, 2.0)}), "amount"),
        (MonitorSpec("m", performance_limits={"vibes": 1.0}), "performance_limits.vibes"),
        (MonitorSpec("m", sensitive=("race",)), "sensitive"),
        (MonitorSpec("m", fairness_floor=1.5), "fairness_floor"),
    ],
)
def test_settings_are_refused_naming_the_field(spec: MonitorSpec, field: str) -> None:
    with pytest.raises(InvalidInput) as caught:
        check_spec(spec, ("amount", "country"), ("gender",))
    assert caught.value.issues[0].field.startswith(field) or field in caught.value.detail


def test_worst_signal_is_the_furthest_beyond_its_limit() -> None:
    signals = [
        {"metric": "roc_auc", "value": 0.68, "limit": 0.7, "estimated": False},
        {"metric": "demographic_parity_ratio", "value": 0.5, "limit": 0.8, "estimated": False},
    ]
    assert worst_signal(signals) == signals[1]
    assert worst_signal([]) is None


def test_measured_on_class_codes_equals_the_metrics_on_names_at_the_edges() -> None:
    window = binary_window(400, seed=9)
    # A stray class nobody declared, and a window where "fraud" is never predicted.
    labels = window.labels.copy()
    labels[:5] = "chargeback"
    outputs = np.full(400, "legit", dtype=object)
    for labels_, outputs_ in ((labels, window.outputs), (window.labels, outputs)):
        odd = replace(window, labels=labels_, outputs=outputs_)
        rows = odd.labelled
        got = measure(odd, rows).classification
        truth = odd.labels[rows].astype(str)
        pred = odd.outputs[rows].astype(str)
        order = ["fraud", "legit", *sorted(set(truth.tolist()) - {"fraud", "legit"})]
        binary = len(order) == 2
        expected = classification_metrics(
            truth,
            pred,
            odd.scores[rows] if binary else None,
            labels=order,
            positive_label="fraud" if binary else None,
        )
        assert got == expected
