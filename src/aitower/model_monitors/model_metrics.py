"""The model monitors' metrics that alert rules can watch: names, units and which way is worse
(pure; ``alert_metrics`` reads their values from the monitor results)."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class ModelMetric:
    name: str
    title: str
    unit: str
    higher_is_worse: bool
    samples: str  # the result column counting the predictions behind the value
    description: str


def _m(name: str, title: str, worse_high: bool, samples: str, text: str) -> ModelMetric:
    unit = "count" if name == "drifted_features" else "ratio"
    return ModelMetric(name, title, unit, worse_high, samples, text)


MODEL_METRICS: tuple[ModelMetric, ...] = (
    _m("drift_share", "Drift share", True, "rows", "Share of drifted features (0..1)"),
    _m("drifted_features", "Drifted features", True, "rows", "Features that drifted"),
    _m("accuracy", "Accuracy", False, "labelled_rows", "Measured accuracy (labelled rows)"),
    _m("precision", "Precision", False, "labelled_rows", "Measured precision"),
    _m("recall", "Recall", False, "labelled_rows", "Measured recall"),
    _m("f1", "F1", False, "labelled_rows", "Measured F1"),
    _m("roc_auc", "ROC AUC", False, "labelled_rows", "Measured ROC AUC"),
    _m("log_loss", "Log loss", True, "labelled_rows", "Measured log loss"),
    _m("mae", "MAE", True, "labelled_rows", "Mean absolute error (regression)"),
    _m("rmse", "RMSE", True, "labelled_rows", "Root mean squared error (regression)"),
    _m("mape", "MAPE", True, "labelled_rows", "Mean absolute percentage error, a fraction"),
    _m("r2", "R²", False, "labelled_rows", "Coefficient of determination (regression)"),
    _m("estimated_accuracy", "Estimated accuracy", False, "estimated_rows", "CBPE estimate"),
    _m("estimated_f1", "Estimated F1", False, "estimated_rows", "CBPE estimate, unlabelled"),
    _m("estimated_roc_auc", "Estimated ROC AUC", False, "estimated_rows", "CBPE estimate"),
    _m(
        "demographic_parity_ratio",
        "Demographic parity ratio",
        False,
        "fairness_rows",
        "Lowest selection-rate ratio between groups (four-fifths rule: 0.8)",
    ),
    _m(
        "demographic_parity_difference",
        "Demographic parity difference",
        True,
        "fairness_rows",
        "Largest selection-rate gap between groups",
    ),
    _m(
        "equalized_odds_difference",
        "Equalized odds difference",
        True,
        "labelled_rows",
        "Largest TPR or FPR gap between groups (labelled rows)",
    ),
)
BY_NAME: dict[str, ModelMetric] = {m.name: m for m in MODEL_METRICS}
