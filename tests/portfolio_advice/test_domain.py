"""Each kind of advice from plain figures, savings hand-computed, and nothing where the
evidence is thin."""

from __future__ import annotations

import uuid
from datetime import date, timedelta

import pytest

from aitower.portfolio.advice import (
    DAYS_PER_MONTH,
    Advice,
    AdviceKind,
    Confidence,
    Licence,
    Purchase,
    capability_of,
    duplicates,
    idle_licences,
    ranked,
)
from aitower.portfolio.advice_models import (
    CacheSample,
    ModelUse,
    WeekPoint,
    cache_potential,
    cheaper_models,
    prompt_growth,
)

SYSTEM = uuid.uuid4()
UNIT_A, UNIT_B = uuid.uuid4(), uuid.uuid4()


def test_idle_licences_save_idle_seats_at_the_price_per_seat() -> None:
    # 300 seats for $11,700 over 30 days: $39 a seat per 30 days, 39 / 30 · 30.4375 a month.
    lic = Licence("GitHub", "Copilot Business", 11_700.0, date(2026, 6, 1), date(2026, 7, 1),
                  300, 40, unit_id=UNIT_A)  # fmt: skip
    [advice] = idle_licences([lic])
    per_seat = 39.0 / 30 * DAYS_PER_MONTH
    assert advice.monthly_saving == pytest.approx(260 * per_seat)
    assert advice.evidence["idle_seats"] == 260
    assert advice.confidence is Confidence.high and advice.unit_ids == (UNIT_A,)


def test_licences_nearly_in_full_use_are_not_advised() -> None:
    start, end = date(2026, 6, 1), date(2026, 7, 1)
    assert idle_licences([Licence("A", "x", 100.0, start, end, 20, 19)]) == []  # 5 % idle
    assert idle_licences([Licence("A", "x", 100.0, start, end, 0, 0)]) == []
    assert len(idle_licences([Licence("A", "x", 100.0, start, end, 10, 9)])) == 1  # 10 %


def test_the_same_capability_from_two_services_across_units() -> None:
    assert capability_of("GitHub", "Copilot Business") == "coding assistant"
    assert capability_of("Anysphere", "Cursor Teams") == "coding assistant"
    assert capability_of("Zendesk", "Suite") is None
    big = Purchase("coding assistant", "GitHub", "Copilot Business", UNIT_A, "IT", 3_900.0, 100, 80)
    small = Purchase("coding assistant", "Anysphere", "Cursor", UNIT_B, "Data", 800.0, 20, 15)
    [advice] = duplicates([small, big])
    # Cursor's 15 users move to Copilot at $39 a seat: 800 − 15 · 39 = 215.
    assert advice.monthly_saving == pytest.approx(215.0)
    assert advice.evidence["combined_monthly_cost"] == pytest.approx(4_700.0)
    assert advice.evidence["largest"] == "GitHub Copilot Business"
    assert set(advice.unit_ids) == {UNIT_A, UNIT_B}


def test_duplicates_without_seats_are_shown_without_a_saving() -> None:
    a = Purchase("chat assistant", "OpenAI", "ChatGPT Enterprise", UNIT_A, "IT", 5_000.0)
    b = Purchase("chat assistant", "Anthropic", "Claude Team", UNIT_B, "Legal", 900.0)
    [advice] = duplicates([a, b])
    assert advice.monthly_saving == 0.0 and advice.confidence is Confidence.low
    one = Purchase("chat assistant", "OpenAI", "ChatGPT Enterprise", UNIT_B, "Legal", 100.0)
    assert duplicates([a, one]) == []  # the same service bought by two units is not two


def test_a_cheaper_model_not_worse_is_advised_with_its_saving() -> None:
    dear = ModelUse("big", calls=3_000, priced_calls=3_000, cost=30.0, active_days=30.0)
    cheap = ModelUse("small", calls=9_000, priced_calls=9_000, cost=9.0, active_days=30.0)
    thumbs = {
        ("big", "thumbs"): [1.0] * 80 + [0.0] * 20,
        ("small", "thumbs"): [1.0] * 78 + [0.0] * 22,
    }
    [advice] = cheaper_models(SYSTEM, "Bot", [dear, cheap], thumbs)
    # (0.01 − 0.001) $ a call × 3,000 calls / 30 days × 30.4375 days a month.
    assert advice.monthly_saving == pytest.approx(0.009 * 3_000 / 30 * DAYS_PER_MONTH)
    assert advice.evidence["thumbs.test"] == "two_proportion_z"
    assert advice.evidence["thumbs.n"] == 100 and advice.evidence["thumbs.mean"] == 0.78
    assert 0.05 < float(advice.evidence["thumbs.p_value"] or 0) < 1.0
    assert advice.evidence["cheaper_model"] == "small"


def test_no_cheaper_model_when_worse_or_thin() -> None:
    dear = ModelUse("big", 3_000, 3_000, 30.0, 30.0)
    cheap = ModelUse("small", 9_000, 9_000, 9.0, 30.0)
    worse = {
        ("big", "thumbs"): [1.0] * 90 + [0.0] * 10,
        ("small", "thumbs"): [1.0] * 60 + [0.0] * 40,
    }
    assert cheaper_models(SYSTEM, "Bot", [dear, cheap], worse) == []
    thin = {("big", "thumbs"): [1.0] * 29, ("small", "thumbs"): [1.0] * 200}
    assert cheaper_models(SYSTEM, "Bot", [dear, cheap], thin) == []  # 29 < 30 scores
    unpriced = ModelUse("small", 9_000, 0, 0.0, 30.0)
    ok = {("big", "thumbs"): [1.0] * 50, ("small", "thumbs"): [1.0] * 50}
    assert cheaper_models(SYSTEM, "Bot", [dear, unpriced], ok) == []


def test_a_model_seen_for_a_few_days_is_extrapolated_from_a_week() -> None:
    assert ModelUse("m", 700, 700, 1.0, 2.0).monthly_calls == pytest.approx(
        700 / 7 * DAYS_PER_MONTH
    )


def test_cache_potential_by_hand() -> None:
    s = CacheSample(
        "gpt", calls=400, input_tokens=800_000, hits=100, prefix_tokens=1_500,
        misses=200, monthly_calls=12_000, input_price=2.5, cache_read_price=1.25,
    )  # fmt: skip
    advice = cache_potential(SYSTEM, "Bot", s)
    assert advice is not None
    # 200 / 400 of 12,000 calls re-send 1,500 tokens: 9,000,000 tokens × $1.25 per million.
    assert advice.monthly_saving == pytest.approx(11.25)
    assert advice.evidence["repeating_input_share"] == pytest.approx(300 * 1_500 / 800_000, 1e-3)
    short = CacheSample("gpt", 400, 800_000, 100, 900, 200, 12_000, 2.5, 1.25)
    assert cache_potential(SYSTEM, "Bot", short) is None  # a prefix under 1,024 tokens
    few = CacheSample("gpt", 400, 800_000, 100, 1_500, 19, 12_000, 2.5, 1.25)
    assert cache_potential(SYSTEM, "Bot", few) is None


def _weeks(per_call: list[float], calls: int = 100) -> list[WeekPoint]:
    monday = date(2026, 3, 2)
    return [
        WeekPoint(monday + timedelta(weeks=i), calls, round(v * calls))
        for i, v in enumerate(per_call)
    ]


def test_prompt_growth_costs_the_fitted_growth() -> None:
    # An exact line 1,000 + 100 a week over 6 weeks: growth 500 tokens a call.
    advice = prompt_growth(SYSTEM, "Bot", _weeks([1000 + 100 * i for i in range(6)]), 10_000, 2.0)
    assert advice is not None
    assert advice.monthly_saving == pytest.approx(500 * 10_000 * 2.0 / 1e6)
    assert advice.evidence["slope_tokens_per_week"] == pytest.approx(100.0)
    assert advice.chart is not None and advice.chart.kind == "lines"


def test_no_prompt_growth_when_flat_short_thin_or_falling() -> None:
    flat = [1000, 1010, 990, 1005, 995, 1000]
    assert prompt_growth(SYSTEM, "Bot", _weeks(flat), 10_000, 2.0) is None
    assert prompt_growth(SYSTEM, "Bot", _weeks([1000, 1100, 1200]), 10_000, 2.0) is None
    rising = [1000 + 100 * i for i in range(6)]
    assert prompt_growth(SYSTEM, "Bot", _weeks(rising, calls=29), 10_000, 2.0) is None
    assert prompt_growth(SYSTEM, "Bot", _weeks(rising[::-1]), 10_000, 2.0) is None
    unpriced = prompt_growth(SYSTEM, "Bot", _weeks(rising), 10_000, None)
    assert unpriced is not None and unpriced.monthly_saving == 0.0


def test_advice_is_ranked_by_saving() -> None:
    def item(title: str, saving: float) -> Advice:
        return Advice(AdviceKind.cache, title, saving, Confidence.low, "", {}, ())

    assert [a.title for a in ranked([item("b", 1), item("a", 5), item("c", 1)])] == ["a", "b", "c"]
