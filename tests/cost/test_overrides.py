"""Organisation prices in the price book: effective dates, discounts, precedence, validation."""

from __future__ import annotations

import datetime as dt
from dataclasses import replace
from datetime import UTC, datetime, timedelta, timezone

import pytest

from aitower.core.errors import InvalidInput
from aitower.cost.overrides import OverrideSpec, check_override
from aitower.cost.price_data import bundled_price_data
from aitower.cost.pricing import PriceBook, PriceOverride
from aitower.cost.usage import TokenUsage

M = 1_000_000
ONE_K = TokenUsage(input=1_000, output=1_000)
JAN = dt.date(2026, 1, 1)
JUL = dt.date(2026, 7, 1)


def _book(*overrides: PriceOverride) -> PriceBook:
    return PriceBook(bundled_price_data(), overrides)


def _at(day: dt.date, hour: int = 0, minute: int = 0, second: int = 0) -> datetime:
    return datetime(day.year, day.month, day.day, hour, minute, second, tzinfo=UTC)


def test_a_discount_applies_from_its_first_day_until_before_its_end() -> None:
    book = _book(
        PriceOverride("ea", "openai", "gpt-4o", discount_percent=20, effective_from=JAN,
                      effective_to=JUL),
    )  # fmt: skip
    catalog_cost = (1_000 * 2.50 + 1_000 * 10.00) / M
    # 20% off: input 2.50 × 0.8 = 2.00, output 10.00 × 0.8 = 8.00
    discounted = (1_000 * 2.00 + 1_000 * 8.00) / M
    before = book.price("openai", "gpt-4o", ONE_K, _at(JAN) - timedelta(seconds=1))
    first = book.price("openai", "gpt-4o-2024-08-06", ONE_K, _at(JAN))
    last = book.price("openai", "gpt-4o", ONE_K, _at(JUL) - timedelta(microseconds=1))
    after = book.price("openai", "gpt-4o", ONE_K, _at(JUL))
    assert (before.source, before.cost) == ("catalog", pytest.approx(catalog_cost))
    assert (first.source, first.cost, first.entry_id) == (
        "override",
        pytest.approx(discounted),
        "ea",
    )
    assert (last.source, last.cost) == ("override", pytest.approx(discounted))
    assert (after.source, after.cost) == ("catalog", pytest.approx(catalog_cost))


def test_effective_days_are_utc_days() -> None:
    book = _book(PriceOverride("ea", "openai", "gpt-4o", discount_percent=50, effective_from=JAN))
    # 00:30 in UTC+2 on 1 January is 22:30 UTC on 31 December: not yet in effect
    east = datetime(2026, 1, 1, 0, 30, tzinfo=timezone(timedelta(hours=2)))
    assert book.price("openai", "gpt-4o", ONE_K, east).source == "catalog"
    # 23:30 in UTC-2 on 31 December is 01:30 UTC on 1 January: in effect
    west = datetime(2025, 12, 31, 23, 30, tzinfo=timezone(timedelta(hours=-2)))
    assert book.price("openai", "gpt-4o", ONE_K, west).source == "override"


def test_given_prices_are_used_as_given_and_the_rest_come_from_the_catalog() -> None:
    book = _book(PriceOverride("deal", "openai", "gpt-4o", input=2.00, output=6.00,
                               effective_from=JAN))  # fmt: skip
    usage = TokenUsage(input=10_000, output=1_000, cache_read=4_000)
    # 6,000 uncached × 2.00 (given) + 4,000 cached × 1.25 (catalog) + 1,000 × 6.00 (given)
    expected = (6_000 * 2.00 + 4_000 * 1.25 + 1_000 * 6.00) / M
    assert book.price("openai", "gpt-4o", usage, _at(JUL)).cost == pytest.approx(expected)


def test_a_discount_applies_only_to_the_kinds_not_given() -> None:
    book = _book(PriceOverride("mix", "openai", "gpt-4o", input=2.00, discount_percent=10,
                               effective_from=JAN))  # fmt: skip
    usage = TokenUsage(input=5_000, output=1_000, cache_read=1_000)
    # input 2.00 as given; cache read 1.25 × 0.9 = 1.125; output 10.00 × 0.9 = 9.00
    expected = (4_000 * 2.00 + 1_000 * 1.125 + 1_000 * 9.00) / M
    assert book.price("openai", "gpt-4o", usage, _at(JUL)).cost == pytest.approx(expected)


def test_a_given_output_price_also_prices_reasoning_unless_that_is_given() -> None:
    book = _book(PriceOverride("o3", "openai", "o3", output=5.00, effective_from=JAN))
    usage = TokenUsage(input=1_000, output=3_000, reasoning=2_000)
    # input 2.00 (catalog), output and reasoning 5.00 (the catalog's reasoning falls back)
    expected = (1_000 * 2.00 + 1_000 * 5.00 + 2_000 * 5.00) / M
    assert book.price("openai", "o3", usage, _at(JUL)).cost == pytest.approx(expected)


def test_the_most_specific_pattern_wins_then_the_latest_start() -> None:
    book = _book(
        PriceOverride("all", "openai", "*", discount_percent=10, effective_from=JAN),
        PriceOverride("old", "openai", "gpt-4o", discount_percent=20, effective_from=JAN),
        PriceOverride("new", "openai", "gpt-4o", discount_percent=30, effective_from=JUL),
    )
    mini = book.price("openai", "gpt-4o-mini", ONE_K, _at(JUL))
    # 10% off gpt-4o-mini: 0.15 × 0.9 = 0.135 and 0.60 × 0.9 = 0.54
    assert (mini.entry_id, mini.cost) == ("all", pytest.approx((1_000 * 0.135 + 1_000 * 0.54) / M))
    spring = book.price("openai", "gpt-4o", ONE_K, _at(dt.date(2026, 4, 1)))
    assert (spring.entry_id, spring.cost) == ("old", pytest.approx((2_000 + 8_000) / M))
    summer = book.price("openai", "gpt-4o", ONE_K, _at(JUL))
    assert (summer.entry_id, summer.cost) == ("new", pytest.approx((1_750 + 7_000) / M))


def test_an_override_prices_a_model_the_catalog_lacks_when_it_gives_input_and_output() -> None:
    book = _book(
        PriceOverride("own", "vllm", "llama-3-70b-internal", input=0.10, output=0.20,
                      effective_from=JAN),
        PriceOverride("half", "openai", "gpt-9*", discount_percent=50, effective_from=JAN),
    )  # fmt: skip
    own = book.price("vLLM", "llama-3-70b-internal", ONE_K, _at(JUL))
    assert (own.source, own.cost) == ("override", pytest.approx((100 + 200) / M))
    # a discount off a catalog price that does not exist cannot price anything
    unknown = book.price("openai", "gpt-9-turbo", ONE_K, _at(JUL))
    assert (unknown.source, unknown.cost) == ("unpriced", None)


def test_an_override_is_for_its_provider_only() -> None:
    book = _book(PriceOverride("azure", "azure.ai.openai", "gpt-4o", discount_percent=50,
                               effective_from=JAN))  # fmt: skip
    assert book.price("openai", "gpt-4o", ONE_K, _at(JUL)).source == "catalog"
    via_azure = book.price("az.ai.openai", "gpt-4o-2024-08-06", ONE_K, _at(JUL))
    assert (via_azure.source, via_azure.cost) == ("override", pytest.approx((1_250 + 5_000) / M))


def test_a_negative_discount_is_a_premium_on_every_rate_and_tier() -> None:
    # Azure data-zone deployments: +10 % over global standard (no span attribute tells them).
    book = _book(PriceOverride("dz", "azure.ai.openai", "gpt-4o*", discount_percent=-10,
                               effective_from=JAN))  # fmt: skip
    usage = TokenUsage(input=10_000, output=1_000, cache_read=4_000)
    # gpt-4o through Azure's fallback to OpenAI's list: 2.50 / 1.25 cached / 10.00, × 1.1
    expected = (6_000 * 2.75 + 4_000 * 1.375 + 1_000 * 11.00) / M
    priced = book.price("azure", "gpt-4o", usage, _at(JUL))
    assert (priced.source, priced.cost) == ("override", pytest.approx(expected, rel=1e-12))
    tiered = _book(PriceOverride("p", "gcp.gemini", "gemini-2.5-pro", discount_percent=-10,
                                 effective_from=JAN))  # fmt: skip
    big = TokenUsage(input=300_000, output=1_000)
    # Gemini 2.5 Pro above 200k input tokens: 2.50 input, 15.00 output (the data's tier), × 1.1
    assert tiered.price("gcp.gemini", "gemini-2.5-pro", big, _at(JUL)).cost == pytest.approx(
        (300_000 * 2.50 + 1_000 * 15.00) * 1.1 / M, rel=1e-12
    )


def test_a_premium_is_checked_and_kept() -> None:
    checked = check_override(_replace(_spec(), {"discount_percent": -10}))
    assert checked.discount_percent == -10


def test_the_carried_cost_wins_over_an_override() -> None:
    book = _book(PriceOverride("ea", "openai", "gpt-4o", input=1.0, output=1.0, effective_from=JAN))
    priced = book.price("openai", "gpt-4o", ONE_K, _at(JUL), carried_cost=0.123)
    assert (priced.source, priced.cost) == ("span", 0.123)


def test_lookup_tells_the_ui_which_tariff_applies() -> None:
    book = _book(PriceOverride("ea", "openai", "gpt-4o", discount_percent=20, effective_from=JAN))
    before = book.lookup("openai", "gpt-4o", _at(dt.date(2025, 6, 1)))
    during = book.lookup("openai", "gpt-4o", _at(JUL))
    assert before is not None and during is not None
    assert (before.source, before.input, before.cache_write) == ("catalog", 2.50, 2.50)
    assert (during.source, during.input, during.catalog_entry) == (
        "override",
        2.00,
        "openai/gpt-4o",
    )
    assert book.lookup("openai", "nope", _at(JUL)) is None


def _spec() -> OverrideSpec:
    return OverrideSpec("OpenAI", "GPT-4o*", JAN, discount_percent=10)


def _replace(spec: OverrideSpec, changes: dict[str, object]) -> OverrideSpec:
    return replace(spec, **changes)  # type: ignore[arg-type]


def test_a_valid_spec_is_normalised() -> None:
    checked = check_override(_replace(_spec(), {"note": "  EA 2026  "}))
    assert (checked.provider, checked.model_pattern, checked.note) == (
        "openai",
        "gpt-4o*",
        "EA 2026",
    )


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"provider": ""}, "provider"),
        ({"provider": "open ai!"}, "provider"),
        ({"model_pattern": ""}, "model_pattern"),
        ({"model_pattern": "   "}, "model_pattern"),
        ({"model_pattern": "openai/gpt-4o"}, "model_pattern"),
        ({"model_pattern": "gpt 4o"}, "model_pattern"),
        ({"input_price": -0.01}, "input_price"),
        ({"output_price": float("nan")}, "output_price"),
        ({"cache_write_price": 1e9}, "cache_write_price"),
        ({"discount_percent": 101}, "discount_percent"),
        ({"discount_percent": -100.5}, "discount_percent"),  # a premium above +100 %
        ({"discount_percent": None}, "discount_percent"),  # neither a price nor a discount
        ({"effective_to": JAN}, "effective_to"),
        ({"effective_to": JAN - dt.timedelta(days=1)}, "effective_to"),
        ({"note": "x" * 2001}, "note"),
    ],
)
def test_bad_specs_name_their_field(changes: dict[str, object], field: str) -> None:
    with pytest.raises(InvalidInput) as refused:
        check_override(_replace(_spec(), changes))
    assert [issue.field for issue in refused.value.issues] == [field]
