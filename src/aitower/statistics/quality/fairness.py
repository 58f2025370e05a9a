"""Group fairness of a binary classifier, with Fairlearn's definitions (0.15), to 1e-9.

Rows are grouped by the values of one sensitive attribute, or by the combination of values of
several (an intersection: ("F", "under 25") is one group), only combinations that occur. Per
group g, with ŷ the prediction and y the label (positive = ``positive_label``):

    selection rate  SR_g  = P(ŷ = 1)              (``fairlearn.metrics.selection_rate``)
    true pos. rate  TPR_g = P(ŷ = 1 | y = 1)      (``true_positive_rate``)
    false pos. rate FPR_g = P(ŷ = 1 | y = 0)      (``false_positive_rate``)
    accuracy        ACC_g = P(ŷ = y)

Aggregates over groups, Fairlearn's ``method="between_groups"`` and ``agg="worst_case"``:

    demographic parity difference = max_g SR_g − min_g SR_g
    demographic parity ratio      = min_g SR_g / max_g SR_g
    equalized odds difference     = max(max TPR − min TPR, max FPR − min FPR)
    equalized odds ratio          = min(min TPR / max TPR, min FPR / max FPR)
    four-fifths rule              = demographic parity ratio ≥ 0.8 (US EEOC Uniform Guidelines
                                    on Employee Selection Procedures, 29 CFR 1607.4(D): every
                                    group selected at ≥ 4/5 of the most selected group's rate)

Deliberate differences from Fairlearn (with ``min_group_size=0`` and every group holding both
classes, the numbers are Fairlearn's exactly; the tests check both statements):

* **Small groups**: a group with fewer than ``min_group_size`` rows (default 30) is reported
  with its numbers but flagged ``too_small`` and left out of every aggregate: with 30 rows a
  rate's standard error is up to 0.09, so a smaller group's gap is mostly noise, and one
  three-row group would otherwise decide the verdict. Fairlearn includes every group.
* **Undefined rates**: a group without actual positives has no TPR (``None``), one without
  actual negatives no FPR, and it is left out of that rate's aggregate. Fairlearn reports 0
  there (scikit-learn's normalised confusion matrix turns 0/0 into 0), which can fake a gap.
* **No answer from too little**: fewer than two groups to compare, or a ratio with a zero
  maximum, gives ``None`` with the reason in ``undefined`` where Fairlearn gives 0 or NaN.

**Late labels** (``labelled``, optional): the selection rate and demographic parity need only
predictions, so they use every row; TPR, FPR, accuracy and equalized odds need the label, so
they use the labelled rows only (a group with fewer than ``min_group_size`` labelled rows is
left out of those aggregates). Without the mask every row counts as labelled: Fairlearn's case.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import asdict, dataclass, field
from typing import Any

import numpy as np

from aitower.core.errors import InvalidInput
from aitower.statistics.quality.inputs import (
    ArrayLike,
    BoolArray,
    FloatArray,
    IntArray,
    LabelValue,
    as_label_array,
    check_same_length,
)

DEFAULT_MIN_GROUP_SIZE = 30
FOUR_FIFTHS = 0.8
GroupValue = LabelValue | None


@dataclass(frozen=True, slots=True)
class GroupMetrics:
    group: dict[str, GroupValue]
    count: int
    actual_positives: int
    predicted_positives: int
    selection_rate: float
    true_positive_rate: float | None
    false_positive_rate: float | None
    accuracy: float | None  # None when the group has no labelled row
    too_small: bool
    labelled_count: int = 0


@dataclass(frozen=True, slots=True)
class FairnessResult:
    """Per-group rates and the between-group gaps of one attribute or intersection."""

    attributes: tuple[str, ...]
    count: int
    min_group_size: int
    groups: tuple[GroupMetrics, ...]
    groups_judged: int
    demographic_parity_difference: float | None
    demographic_parity_ratio: float | None
    true_positive_rate_difference: float | None
    false_positive_rate_difference: float | None
    equalized_odds_difference: float | None
    equalized_odds_ratio: float | None
    four_fifths_rule_met: bool | None
    undefined: dict[str, str] = field(default_factory=dict)
    labelled_count: int = 0  # rows behind TPR, FPR, accuracy and equalized odds

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


def _sort_key(value: GroupValue) -> tuple[bool, str, Any]:
    return (value is None, type(value).__name__, value if value is not None else 0)


def _factorize(values: list[GroupValue]) -> tuple[IntArray, list[GroupValue]]:
    """Codes of ``values`` in the sorted order of their distinct values (None last)."""
    distinct = sorted(set(values), key=_sort_key)
    position = {value: index for index, value in enumerate(distinct)}
    return np.fromiter((position[v] for v in values), dtype=np.int64, count=len(values)), distinct


def _group_codes(
    sensitive: Mapping[str, ArrayLike], n: int
) -> tuple[IntArray, list[dict[str, GroupValue]]]:
    """One code per row for the combination of its attribute values, and each code's key."""
    if not sensitive:
        raise InvalidInput.on("sensitive", "give at least one sensitive attribute")
    columns, names = [], list(sensitive)
    per_attribute: list[list[GroupValue]] = []
    for name in names:
        values = np.asarray(sensitive[name])
        if values.ndim != 1 or len(values) != n:
            raise InvalidInput.on(name, f"expected {n} values, one per row")
        if values.dtype.kind in "biuUS":  # no missing value possible: numpy's fast path
            uniques, codes = np.unique(values, return_inverse=True)
            distinct: list[GroupValue] = [_plain(v) for v in uniques.tolist()]
            codes = codes.reshape(-1).astype(np.int64)
        else:
            codes, distinct = _factorize([_plain(v) for v in values.tolist()])
        columns.append(codes)
        per_attribute.append(distinct)
    # Combine attribute by attribute into one integer per combination, re-ranked after each
    # step so it stays below n (no overflow); sorting integers is far cheaper than rows.
    combined = np.zeros(n, dtype=np.int64)
    for codes, distinct in zip(columns, per_attribute, strict=True):
        _, combined = np.unique(combined * len(distinct) + codes, return_inverse=True)
        combined = combined.reshape(-1).astype(np.int64)
    _, first = np.unique(combined, return_index=True)
    keys = [
        {name: per_attribute[a][int(columns[a][row])] for a, name in enumerate(names)}
        for row in first.tolist()
    ]
    return combined, keys


def _plain(value: Any) -> GroupValue:
    """A JSON scalar for a sensitive value; NaN counts as missing (None)."""
    if isinstance(value, float) and np.isnan(value):
        return None
    if isinstance(value, np.generic):
        return _plain(value.item())
    if value is None or isinstance(value, str | int | float | bool):
        return value
    return str(value)


def _rate(numerator: IntArray, denominator: IntArray) -> list[float | None]:
    return [float(a / b) if b else None for a, b in zip(numerator, denominator, strict=True)]


def group_metrics(
    is_true: BoolArray,
    is_pred: BoolArray,
    codes: IntArray,
    keys: list[dict[str, GroupValue]],
    min_group_size: int,
    labelled: BoolArray | None = None,
) -> tuple[GroupMetrics, ...]:
    """Counts and rates per group code (see the module docstring for the definitions):
    selection rate over every row, the label-dependent rates over ``labelled`` rows only."""
    size = len(keys)
    lab = np.ones(codes.size, dtype=np.bool_) if labelled is None else labelled
    count = np.bincount(codes, minlength=size)
    known = np.bincount(codes, weights=lab, minlength=size).astype(np.int64)
    positives = np.bincount(codes, weights=is_true & lab, minlength=size).astype(np.int64)
    selected = np.bincount(codes, weights=is_pred, minlength=size).astype(np.int64)
    hits = np.bincount(codes, weights=is_true & is_pred & lab, minlength=size).astype(np.int64)
    alarms = np.bincount(codes, weights=~is_true & is_pred & lab, minlength=size).astype(np.int64)
    correct = np.bincount(codes, weights=(is_true == is_pred) & lab, minlength=size)
    tpr, fpr = _rate(hits, positives), _rate(alarms, known - positives)
    accuracy = _rate(correct.astype(np.int64), known)
    return tuple(
        GroupMetrics(
            group=keys[g],
            count=int(count[g]),
            actual_positives=int(positives[g]),
            predicted_positives=int(selected[g]),
            selection_rate=float(selected[g] / count[g]),
            true_positive_rate=tpr[g],
            false_positive_rate=fpr[g],
            accuracy=accuracy[g],
            too_small=bool(count[g] < min_group_size),
            labelled_count=int(known[g]),
        )
        for g in range(size)
    )


def _spread(values: list[float | None], name: str, undefined: dict[str, str]) -> FloatArray:
    defined = np.array([v for v in values if v is not None], dtype=np.float64)
    if len(defined) < 2:
        undefined[name] = "fewer than two groups large enough to judge with this rate defined"
    return defined


def _difference(values: FloatArray) -> float | None:
    return float(values.max() - values.min()) if len(values) >= 2 else None


def _ratio(values: FloatArray, name: str, undefined: dict[str, str]) -> float | None:
    if len(values) < 2:
        return None
    if values.max() == 0.0:
        undefined[name] = "every group's rate is 0: the ratio is undefined"
        return None
    return float(values.min() / values.max())


def _worst(a: float | None, b: float | None, pick: Any) -> float | None:
    return None if a is None or b is None else float(pick(a, b))


def fairness_by_group(
    y_true: ArrayLike,
    y_pred: ArrayLike,
    sensitive: Mapping[str, ArrayLike],
    *,
    positive_label: LabelValue = 1,
    min_group_size: int = DEFAULT_MIN_GROUP_SIZE,
    labelled: ArrayLike | None = None,
) -> FairnessResult:
    """Per-group rates and between-group gaps for the intersection of ``sensitive``'s attributes.

    ``sensitive`` maps an attribute name to one value per row; one attribute gives its groups,
    several give every combination that occurs. ``labelled`` (a boolean per row, default all)
    marks the rows whose ``y_true`` is known: the others count for the selection rate and
    demographic parity only. See the module docstring for the definitions and the deliberate
    differences from Fairlearn.
    """
    if min_group_size < 0:
        raise InvalidInput.on("min_group_size", "must not be negative")
    truth, pred = as_label_array(y_true, "y_true"), as_label_array(y_pred, "y_pred")
    n = check_same_length(y_true=truth, y_pred=pred)
    lab = None if labelled is None else np.asarray(labelled, dtype=np.bool_)
    if lab is not None and lab.shape != (n,):
        raise InvalidInput.on("labelled", f"expected {n} booleans, one per row")
    codes, keys = _group_codes(sensitive, n)
    is_true, is_pred = np.asarray(truth == positive_label), np.asarray(pred == positive_label)
    groups = group_metrics(is_true, is_pred, codes, keys, min_group_size, lab)
    judged = [g for g in groups if not g.too_small]
    by_label = [g for g in groups if g.labelled_count >= min_group_size and g.labelled_count]
    undefined: dict[str, str] = {}
    selection = _spread([g.selection_rate for g in judged], "demographic_parity", undefined)
    tpr = _spread([g.true_positive_rate for g in by_label], "true_positive_rate", undefined)
    fpr = _spread([g.false_positive_rate for g in by_label], "false_positive_rate", undefined)
    dp_ratio = _ratio(selection, "demographic_parity_ratio", undefined)
    tpr_diff, fpr_diff = _difference(tpr), _difference(fpr)
    eo_ratio = _worst(
        _ratio(tpr, "true_positive_rate_ratio", undefined),
        _ratio(fpr, "false_positive_rate_ratio", undefined),
        min,
    )
    return FairnessResult(
        attributes=tuple(sensitive),
        count=n,
        min_group_size=min_group_size,
        groups=groups,
        groups_judged=len(judged),
        demographic_parity_difference=_difference(selection),
        demographic_parity_ratio=dp_ratio,
        true_positive_rate_difference=tpr_diff,
        false_positive_rate_difference=fpr_diff,
        equalized_odds_difference=_worst(tpr_diff, fpr_diff, max),
        equalized_odds_ratio=eo_ratio,
        four_fifths_rule_met=None if dp_ratio is None else dp_ratio >= FOUR_FIFTHS,
        undefined=undefined,
        labelled_count=n if lab is None else int(lab.sum()),
    )


def fairness_report(
    y_true: ArrayLike,
    y_pred: ArrayLike,
    sensitive: Mapping[str, ArrayLike],
    *,
    positive_label: LabelValue = 1,
    min_group_size: int = DEFAULT_MIN_GROUP_SIZE,
    labelled: ArrayLike | None = None,
) -> list[FairnessResult]:
    """One result per attribute and, with two or more attributes, one for their intersection."""
    names = list(sensitive)
    selections = [[name] for name in names] + ([names] if len(names) > 1 else [])
    return [
        fairness_by_group(
            y_true,
            y_pred,
            {name: sensitive[name] for name in chosen},
            positive_label=positive_label,
            min_group_size=min_group_size,
            labelled=labelled,
        )
        for chosen in selections
    ]
