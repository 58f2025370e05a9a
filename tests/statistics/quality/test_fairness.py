"""Fairness against Fairlearn (min group size 0), and the deliberate differences from it."""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pytest
from fairlearn import metrics as flm
from hypothesis import given, settings
from hypothesis import strategies as st
from sklearn.metrics import accuracy_score

from aitower.core.errors import InvalidInput
from aitower.statistics.quality.fairness import (
    DEFAULT_MIN_GROUP_SIZE,
    fairness_by_group,
    fairness_report,
)

TOL = 1e-9
RNG = np.random.default_rng(5)
N = 2000


def credit_data() -> tuple[np.ndarray, np.ndarray, dict[str, np.ndarray]]:
    sex = RNG.choice(["F", "M"], N)
    age = RNG.choice(["<25", "25-60", ">60"], N, p=[0.2, 0.6, 0.2])
    y_true = (RNG.uniform(0, 1, N) < 0.4).astype(int)
    # Approvals biased against young women, so the gaps are real.
    bias = np.where((sex == "F") & (age == "<25"), -0.25, 0.0)
    y_pred = (RNG.uniform(0, 1, N) < 0.3 + 0.4 * y_true + bias).astype(int)
    return y_true, y_pred, {"sex": sex, "age": age}


def metric_frame(y_true: np.ndarray, y_pred: np.ndarray, features: pd.DataFrame) -> flm.MetricFrame:
    return flm.MetricFrame(
        metrics={
            "selection_rate": flm.selection_rate,
            "tpr": flm.true_positive_rate,
            "fpr": flm.false_positive_rate,
            "accuracy": accuracy_score,
        },
        y_true=y_true,
        y_pred=y_pred,
        sensitive_features=features,
    )


@pytest.mark.parametrize("attributes", [["sex"], ["age"], ["sex", "age"]])
def test_equals_fairlearn_with_min_group_size_zero(attributes: list[str]) -> None:
    y_true, y_pred, sensitive = credit_data()
    chosen = {name: sensitive[name] for name in attributes}
    result = fairness_by_group(y_true, y_pred, chosen, min_group_size=0)
    features = pd.DataFrame(chosen)
    frame = metric_frame(y_true, y_pred, features)
    by_group = frame.by_group
    assert len(result.groups) == len(by_group) == result.groups_judged
    for group in result.groups:
        key = tuple(group.group[name] for name in attributes)
        row = by_group.loc[key if len(key) > 1 else key[0]]
        assert group.selection_rate == pytest.approx(row["selection_rate"], abs=TOL)
        assert group.true_positive_rate == pytest.approx(row["tpr"], abs=TOL)
        assert group.false_positive_rate == pytest.approx(row["fpr"], abs=TOL)
        assert group.accuracy == pytest.approx(row["accuracy"], abs=TOL)
    args = {"y_true": y_true, "y_pred": y_pred, "sensitive_features": features}
    assert result.demographic_parity_difference == pytest.approx(
        flm.demographic_parity_difference(**args), abs=TOL
    )
    assert result.demographic_parity_ratio == pytest.approx(
        flm.demographic_parity_ratio(**args), abs=TOL
    )
    assert result.equalized_odds_difference == pytest.approx(
        flm.equalized_odds_difference(**args), abs=TOL
    )
    assert result.equalized_odds_ratio == pytest.approx(flm.equalized_odds_ratio(**args), abs=TOL)
    assert result.demographic_parity_difference == pytest.approx(
        frame.difference(method="between_groups")["selection_rate"], abs=TOL
    )


def test_intersection_reveals_the_gap_and_fails_the_four_fifths_rule() -> None:
    y_true, y_pred, sensitive = credit_data()
    by_sex, by_age, both = fairness_report(y_true, y_pred, sensitive)
    assert by_sex.attributes == ("sex",) and both.attributes == ("sex", "age")
    assert len(both.groups) == 6
    assert both.demographic_parity_difference > by_sex.demographic_parity_difference  # type: ignore[operator]
    assert both.four_fifths_rule_met is False
    assert both.demographic_parity_ratio < 0.8  # type: ignore[operator]
    json.dumps([r.to_dict() for r in (by_sex, by_age, both)])


def test_small_groups_are_flagged_and_left_out_of_the_aggregates() -> None:
    y_true, y_pred, sensitive = credit_data()
    group = sensitive["sex"].astype(object)
    group[:5] = "X"  # a five-row group
    y_pred = y_pred.copy()
    y_pred[:5] = [1, 1, 1, 1, 1]  # selected at 100 %: Fairlearn's verdict hangs on it
    y_true = y_true.copy()
    y_true[:5] = [1, 0, 1, 0, 1]
    result = fairness_by_group(y_true, y_pred, {"group": group})
    small = next(g for g in result.groups if g.group == {"group": "X"})
    assert small.too_small and small.count == 5 and small.selection_rate == 1.0
    assert result.groups_judged == 2 and result.min_group_size == DEFAULT_MIN_GROUP_SIZE
    large = [g for g in result.groups if not g.too_small]
    rates = [g.selection_rate for g in large]
    assert result.demographic_parity_difference == pytest.approx(max(rates) - min(rates), abs=TOL)
    fairlearn_dpd = flm.demographic_parity_difference(y_true, y_pred, sensitive_features=group)
    assert fairlearn_dpd == pytest.approx(1.0 - min(rates), abs=TOL)  # the 5 rows decide there
    assert result.demographic_parity_difference < fairlearn_dpd  # type: ignore[operator]
    everything = fairness_by_group(y_true, y_pred, {"group": group}, min_group_size=0)
    assert everything.demographic_parity_difference == pytest.approx(fairlearn_dpd, abs=TOL)


def test_group_without_positives_has_no_tpr_where_fairlearn_says_zero() -> None:
    y_true = np.array([1, 0, 1, 0, 0, 0, 0, 0])
    y_pred = np.array([1, 0, 0, 1, 0, 1, 0, 0])
    group = np.array(["a", "a", "a", "a", "b", "b", "b", "b"])  # "b" has no actual positive
    result = fairness_by_group(y_true, y_pred, {"g": group}, min_group_size=0)
    b = result.groups[1]
    assert b.true_positive_rate is None and b.false_positive_rate == 0.25
    frame = metric_frame(y_true, y_pred, pd.DataFrame({"g": group}))
    assert frame.by_group.loc["b", "tpr"] == 0.0  # Fairlearn: 0/0 becomes 0
    assert result.true_positive_rate_difference is None
    assert "true_positive_rate" in result.undefined
    assert result.equalized_odds_difference is None
    assert flm.equalized_odds_difference(y_true, y_pred, sensitive_features=group) == 0.5


def test_one_row_groups_and_empty_input_give_answers() -> None:
    one_each = fairness_by_group([1, 0, 1], [1, 1, 0], {"g": ["a", "b", "c"]})
    assert all(g.too_small for g in one_each.groups) and one_each.groups_judged == 0
    assert one_each.demographic_parity_difference is None
    assert one_each.four_fifths_rule_met is None
    assert "fewer than two groups" in one_each.undefined["demographic_parity"]
    empty = fairness_by_group([], [], {"g": []})
    assert empty.count == 0 and empty.groups == () and empty.demographic_parity_ratio is None


def test_nobody_selected_has_no_ratio() -> None:
    result = fairness_by_group(
        [1, 0, 1, 0], [0, 0, 0, 0], {"g": ["a", "a", "b", "b"]}, min_group_size=0
    )
    assert result.demographic_parity_difference == 0.0
    assert result.demographic_parity_ratio is None
    assert "every group's rate is 0" in result.undefined["demographic_parity_ratio"]


def test_missing_sensitive_values_form_their_own_group() -> None:
    result = fairness_by_group(
        [1, 0, 1, 0], [1, 0, 0, 0], {"g": ["a", None, float("nan"), "a"]}, min_group_size=0
    )
    assert [g.group["g"] for g in result.groups] == ["a", None]
    assert result.groups[1].count == 2


def test_invalid_inputs_are_refused() -> None:
    with pytest.raises(InvalidInput, match="sensitive"):
        fairness_by_group([1], [1], {})
    with pytest.raises(InvalidInput, match="g"):
        fairness_by_group([1, 0], [1, 0], {"g": ["a"]})
    with pytest.raises(InvalidInput, match="min_group_size"):
        fairness_by_group([1], [1], {"g": ["a"]}, min_group_size=-1)


@settings(max_examples=50, deadline=None)
@given(
    st.lists(
        st.tuples(st.sampled_from("ab"), st.integers(0, 1), st.integers(0, 1)),
        min_size=8,
        max_size=60,
    )
)
def test_demographic_parity_equals_fairlearn_on_random_data(
    rows: list[tuple[str, int, int]],
) -> None:
    group = np.array([r[0] for r in rows])
    y_true = np.array([r[1] for r in rows])
    y_pred = np.array([r[2] for r in rows])
    result = fairness_by_group(y_true, y_pred, {"g": group}, min_group_size=0)
    expected = flm.demographic_parity_difference(y_true, y_pred, sensitive_features=group)
    if len(set(group)) < 2:
        assert result.demographic_parity_difference is None
    else:
        assert result.demographic_parity_difference == pytest.approx(expected, abs=TOL)
