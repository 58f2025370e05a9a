"""Cost over time, pure: periods of each grain, a report's cells and totals, the top groups,
the CSV (formulas made inert), budget specs and states, and vendors from model names."""

from __future__ import annotations

from datetime import date

import pytest

from aitower.core.errors import InvalidInput
from aitower.spend.budget_rules import BudgetPeriod as P
from aitower.spend.budget_rules import BudgetState, parse_spec, period_bounds, state_of
from aitower.spend.over_time import Grain, GroupBy, build_report, periods, report_csv
from aitower.spend.vendors import vendor_of


def test_periods_of_each_grain() -> None:
    assert periods(date(2026, 1, 30), date(2026, 2, 2), Grain.daily) == [
        date(2026, 1, 30), date(2026, 1, 31), date(2026, 2, 1),
    ]  # fmt: skip
    assert periods(date(2026, 11, 15), date(2027, 2, 1), Grain.monthly) == [
        date(2026, 11, 1), date(2026, 12, 1), date(2027, 1, 1),
    ]  # fmt: skip
    assert periods(date(2026, 2, 10), date(2026, 10, 1), Grain.quarterly) == [
        date(2026, 1, 1), date(2026, 4, 1), date(2026, 7, 1),
    ]  # fmt: skip


def test_a_report_sums_cells_per_period_and_group_largest_first() -> None:
    cells = [
        (date(2026, 1, 5), "a", 10.0),
        (date(2026, 1, 20), "a", 5.0),
        (date(2026, 2, 1), "b", 40.0),
        (date(2026, 3, 31), "a", 1.0),
        (date(2026, 4, 1), "a", 99.0),  # outside [start, end)
    ]
    r = build_report(cells, {"a": "Alpha"}, date(2026, 1, 1), date(2026, 4, 1), Grain.monthly,
                     GroupBy.system)  # fmt: skip
    assert r.labels == ["2026-01", "2026-02", "2026-03"]
    assert [(g.label, g.amounts) for g in r.groups] == [
        ("b", (0.0, 40.0, 0.0)), ("Alpha", (15.0, 0.0, 1.0)),
    ]  # fmt: skip
    assert r.totals == [15.0, 40.0, 1.0] and r.total == 56.0
    quarterly = build_report(cells, {}, date(2026, 1, 1), date(2026, 7, 1), Grain.quarterly,
                             GroupBy.system)  # fmt: skip
    assert quarterly.labels == ["2026-Q1", "2026-Q2"]
    assert quarterly.totals == [56.0, 99.0]


def test_top_keeps_the_largest_groups_and_sums_the_rest() -> None:
    cells = [(date(2026, 1, 1), f"g{i}", float(i)) for i in range(1, 11)]
    r = build_report(cells, {}, date(2026, 1, 1), date(2026, 1, 2), Grain.daily, GroupBy.model)
    top = r.top(4)
    assert [g.label for g in top[:3]] == ["g10", "g9", "g8"]
    assert top[3].label == "Other groups (7)" and top[3].total == sum(range(1, 8))


def test_the_csv_has_a_row_per_group_and_period_and_no_formula() -> None:
    cells = [(date(2026, 1, 1), "k", 1.5)]
    r = build_report(cells, {"k": "=HYPERLINK()"}, date(2026, 1, 1), date(2026, 1, 3),
                     Grain.daily, GroupBy.vendor)  # fmt: skip
    lines = report_csv(r).splitlines()
    assert lines == [
        "period,vendor,key,amount_usd",
        "2026-01-01,'=HYPERLINK(),k,1.5000",
        "2026-01-02,'=HYPERLINK(),k,0.0000",
    ]


def _values(**changes: object) -> dict[str, object]:
    base: dict[str, object] = {"name": "b", "scope_kind": "system", "scope_value": "x",
                               "period": "monthly", "amount": 100,
                               "starts_on": "2026-01-01"}  # fmt: skip
    return {**base, **changes}


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"amount": 0}, "amount"),
        ({"amount": "lots"}, "amount"),
        ({"amount": float("nan")}, "amount"),
        ({"scope_kind": "team"}, "scope_kind"),
        ({"period": "weekly"}, "period"),
        ({"soft_percent": 120, "hard_percent": 100}, "soft_percent"),
        ({"hard_percent": -1}, "hard_percent"),
        ({"starts_on": "1 Jan"}, "starts_on"),
        ({"name": " "}, "name"),
    ],
)
def test_a_bad_budget_names_its_field(changes: dict[str, object], field: str) -> None:
    with pytest.raises(InvalidInput) as caught:
        parse_spec(_values(**changes))
    assert [i.field for i in caught.value.issues] == [field]


def test_budget_periods_and_states() -> None:
    assert period_bounds(date(2026, 2, 14), P.monthly) == (date(2026, 2, 1), date(2026, 3, 1))
    assert period_bounds(date(2026, 12, 31), P.quarterly) == (date(2026, 10, 1), date(2027, 1, 1))
    assert state_of(10, 70, 100, 80, 100) is BudgetState.ok
    assert state_of(10, 85, 100, 80, 100) is BudgetState.soft_forecast
    assert state_of(10, 101, 100, 80, 100) is BudgetState.hard_forecast
    assert state_of(90, 95, 100, 80, 100) is BudgetState.soft_breached
    assert state_of(101, 120, 100, 80, 100) is BudgetState.hard_breached


@pytest.mark.parametrize(
    ("model", "vendor"),
    [
        ("gpt-4o-mini-2024-07-18", "OpenAI"),
        ("o3-mini", "OpenAI"),
        ("openai/gpt-4.1", "OpenAI"),
        ("azure/gpt-4o", "Azure OpenAI"),
        ("claude-sonnet-4-5", "Anthropic"),
        ("eu.anthropic.claude-3-7-sonnet-20250219-v1:0", "AWS Bedrock"),
        ("models/gemini-2.5-pro", "Google"),
        ("mistral-large-2512", "Mistral"),
        ("grok-4", "xAI"),
        ("llama-3.3-70b", "Meta"),
        ("my-finetune", "Other"),
    ],
)
def test_the_vendor_of_a_model(model: str, vendor: str) -> None:
    assert vendor_of(model) == vendor
