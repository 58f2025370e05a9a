"""The drivers of a cost change: an exact additive split (Shapley values over traffic, model
mix, tokens per call and price), checked on hand-computed cases and against a brute-force
average over every order in which the factors could change."""

from __future__ import annotations

import itertools
import math

import pytest

from aitower.spend.drivers import ModelUsage, decompose, sentence, shapley

U = ModelUsage


def test_traffic_alone_is_all_traffic() -> None:
    d = decompose({"m": U(100, 10_000, 10.0)}, {"m": U(300, 30_000, 30.0)}, {}, {})
    assert d.total == pytest.approx(20.0)
    assert d.traffic == pytest.approx(20.0)
    assert (d.model_mix, d.tokens_per_call, d.price) == pytest.approx((0.0, 0.0, 0.0))


def test_two_factors_split_their_interaction_evenly_by_hand() -> None:
    # Calls double (100 → 200) and the price per token rises half (1e-3 → 1.5e-3), 100 tokens
    # a call: cost 10 → 30. Traffic alone: +10; price alone: +5; together +20: the
    # interaction (+5) is shared, so traffic = (10 + 15) / 2 = 12.5, price = (5 + 10) / 2 = 7.5.
    d = decompose({"m": U(100, 10_000, 10.0)}, {"m": U(200, 20_000, 30.0)}, {}, {})
    assert d.traffic == pytest.approx(12.5)
    assert d.price == pytest.approx(7.5)
    assert d.tokens_per_call == pytest.approx(0.0)
    assert d.model_mix == pytest.approx(0.0)


def test_a_model_switch_is_mix_and_names_the_models() -> None:
    # 1000 calls on mini ($0.10 each… 1,000 tokens a call at 1e-4) become 1000 on gpt-4.1
    # at 5e-4 a token, same tokens per call: cost 100 → 500, all of it the model switch.
    before = {"gpt-4o-mini": U(1000, 1_000_000, 100.0)}
    after = {"gpt-4.1": U(1000, 1_000_000, 500.0)}
    d = decompose(before, after, {}, {})
    assert d.model_mix == pytest.approx(400.0)
    assert d.traffic == pytest.approx(0.0) and d.price == pytest.approx(0.0)
    assert d.switch == ("gpt-4o-mini", "gpt-4.1")
    assert "model switch gpt-4o-mini→gpt-4.1" in sentence(d)


def test_other_sources_change_by_their_own_amount_and_new_bills_are_marked() -> None:
    d = decompose({}, {}, {"cloud · AWS": 100.0}, {"cloud · AWS": 160.0, "licence · GitHub": 40.0})
    assert d.total == pytest.approx(100.0)
    assert d.llm == 0.0
    labels = dict(d.parts())
    assert labels["cloud · AWS"] == pytest.approx(60.0)
    assert labels["licence · GitHub (new)"] == pytest.approx(40.0)


def test_the_sentence_reads_like_the_issue() -> None:
    before = {"gpt-4o-mini": U(1000, 1_000_000, 100.0)}
    after = {"gpt-4o-mini": U(1500, 1_500_000, 150.0)}
    d = decompose(before, after, {}, {"cloud · AWS": 20.0})
    assert sentence(d) == "cost rose $70.00: +$50.00 traffic, +$20.00 cloud · AWS (new)"
    assert sentence(decompose(after, before, {}, {})) == "cost fell $50.00: −$50.00 traffic"


def _cost(usage: dict[str, ModelUsage]) -> float:
    return sum(u.cost for u in usage.values())


CASES = [
    (  # every factor moves, a model appears and one disappears
        {"a": U(1000, 800_000, 40.0), "b": U(500, 1_000_000, 300.0), "c": U(20, 5_000, 1.0)},
        {"a": U(1300, 1_300_000, 52.0), "b": U(200, 500_000, 110.0), "d": U(400, 600_000, 90.0)},
    ),
    ({"a": U(10, 0, 1.0)}, {"a": U(12, 0, 1.5)}),  # priced per call (no tokens)
    ({}, {"a": U(50, 5_000, 2.0)}),  # no LLM before: all traffic
    ({"a": U(50, 5_000, 2.0)}, {}),  # none after
]


@pytest.mark.parametrize(("before", "after"), CASES)
def test_parts_sum_to_the_change_exactly(
    before: dict[str, ModelUsage], after: dict[str, ModelUsage]
) -> None:
    d = decompose(before, after, {"x": 3.0}, {"x": 5.0, "y": 1.0})
    assert d.before == pytest.approx(_cost(before) + 3.0)
    assert d.after == pytest.approx(_cost(after) + 6.0)
    assert sum(v for _, v in d.parts()) == pytest.approx(d.total, abs=1e-9)
    assert d.llm == pytest.approx(_cost(after) - _cost(before), abs=1e-9)


def test_shapley_equals_the_average_over_every_order() -> None:
    """Independent reference: switch the factors from A to B in each of the 4! orders, credit
    each factor its marginal change, and average."""
    from aitower.spend.drivers import _cost as cost_of
    from aitower.spend.drivers import _factors

    before, after = CASES[0]
    a, b = _factors(before, after), _factors(after, before)
    credit = [0.0] * 4
    orders = list(itertools.permutations(range(4)))
    for order in orders:
        current = list(a)
        for k in order:
            was = cost_of(tuple(current))  # type: ignore[arg-type]
            current[k] = b[k]
            credit[k] += cost_of(tuple(current)) - was  # type: ignore[arg-type]
    expected = [c / math.factorial(4) for c in credit]
    assert shapley(a, b) == pytest.approx(expected)
    assert len(orders) == 24
