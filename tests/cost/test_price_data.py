"""The price data (genai-prices) against the package's own calculation, model by model.

The issue's check: for every model of the bundled data, at a moment inside each of its dated
(or timed) prices, aitower's cost of a fixed usage equals ``ModelInfo.calc_price`` of the
package within 1e-9 relative; batch and service-tier variants likewise; a name resolves to the
model ``genai_prices.calc_price`` resolves it to. Then the named cases (context tiers, Bedrock
regions, Mistral's new suffixes, Groq's gpt-oss) with costs computed by hand from the data.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterator
from datetime import UTC, datetime
from decimal import Decimal
from pathlib import Path

import pytest
from genai_prices import Usage, calc_price
from genai_prices.types import ModelInfo, Provider, StartDateConstraint, TimeOfDateConstraint

from aitower.cost.price_data import (
    Found,
    PriceData,
    PriceDataError,
    bundled_price_data,
    conditional_prices,
    parse_price_data,
)
from aitower.cost.pricing import PriceBook, catalog_tariff, price_context
from aitower.cost.usage import TokenUsage
from aitower.telemetry.records import DecodedSpan
from aitower.telemetry.semconv import llm_facts

M = 1_000_000
SMALL = TokenUsage(input=1_234, output=567, cache_read=200, cache_write=100)
LARGE = TokenUsage(input=250_000, output=4_321, cache_read=20_000, cache_write=10_000)
SAMPLE = Path(__file__).parent / "data" / "genai_prices_published_sample.json"


def _package_usage(usage: TokenUsage) -> Usage:
    return Usage(
        input_tokens=usage.input,
        output_tokens=usage.output,
        cache_read_tokens=usage.cache_read,
        cache_write_tokens=usage.cache_write,
    )


def _moments(model: ModelInfo) -> Iterator[datetime]:
    """A moment inside each of the model's prices' periods."""
    for conditional in conditional_prices(model):
        c = conditional.constraint
        if isinstance(c, StartDateConstraint):
            yield datetime.combine(c.start_date, dt.time(12), UTC)
        elif isinstance(c, TimeOfDateConstraint):
            start = datetime.combine(dt.date(2026, 6, 1), c.start_time).astimezone(UTC)
            yield start + dt.timedelta(minutes=1)
        else:
            yield datetime(2000, 1, 1, 12, tzinfo=UTC)


def _all_models() -> list[tuple[Provider, ModelInfo]]:
    return [(p, m) for p in bundled_price_data().providers for m in p.models]


def _same(mine: float | None, theirs: Decimal) -> bool:
    if mine is None:  # aitower leaves it unpriced; the package then charges the tokens nothing
        return theirs == 0
    return abs(mine - float(theirs)) <= 1e-9 * max(abs(float(theirs)), 1e-12)


def test_every_model_at_every_dated_price_costs_what_the_package_says() -> None:
    checked, unpriced, mismatches = 0, 0, []
    for provider, model in _all_models():
        for moment in _moments(model):
            found = Found(provider, model, model.id, via_fallback=False)
            tariff = catalog_tariff(found, moment)
            for usage in (SMALL, LARGE):
                theirs = model.calc_price(
                    _package_usage(usage), provider, genai_request_timestamp=moment
                ).total_price
                mine = None if tariff is None else tariff.cost(usage)
                if not _same(mine, theirs):
                    mismatches.append((provider.id, model.id, moment, mine, theirs))
                checked += 1
            unpriced += tariff is None
    assert mismatches == []
    assert checked > 4_000  # every model of ~47 providers, twice (below and above 200k input)
    assert unpriced < checked / 10  # only models billed by audio hours, pages, searches…


def test_every_batch_and_service_tier_variant_costs_what_the_package_says() -> None:
    checked, mismatches = 0, []
    for provider, model in _all_models():
        for variant in model.price_variants or ():
            tier = "batch" if variant.when == {"processing": "batch"} else None
            if tier is None and set(variant.when) == {"service_tier"}:
                tier = variant.when["service_tier"]
            if tier is None:
                continue  # speed, route, search_type: no span says them
            moment = datetime(2026, 12, 1, 12, tzinfo=UTC)
            context = price_context(tier)
            assert context == variant.when
            tariff = catalog_tariff(Found(provider, model, model.id, False), moment, tier)
            for usage in (SMALL, LARGE):
                theirs = model.calc_price(
                    _package_usage(usage),
                    provider,
                    genai_request_timestamp=moment,
                    price_context=context,
                ).total_price
                mine = None if tariff is None else tariff.cost(usage)
                if not _same(mine, theirs):
                    mismatches.append((provider.id, model.id, tier, mine, theirs))
                checked += 1
    assert mismatches == []
    assert checked > 300


def test_a_name_resolves_to_the_model_the_package_resolves_it_to() -> None:
    book = PriceBook(bundled_price_data())
    at = datetime(2026, 12, 1, 12, tzinfo=UTC)
    disagreements = []
    for provider, model in _all_models():
        try:
            theirs = calc_price(
                _package_usage(SMALL), model.id, provider_id=provider.id, genai_request_timestamp=at
            )
        except LookupError:
            continue  # an id that is not one of its own names (e.g. a prefix match)
        tariff = book.lookup(provider.id, model.id, at)
        if not _same(None if tariff is None else tariff.cost(SMALL), theirs.total_price):
            disagreements.append((provider.id, model.id))
    assert disagreements == []


AT = datetime(2026, 12, 1, 12, tzinfo=UTC)


@pytest.fixture(scope="module")
def book() -> PriceBook:
    return PriceBook(bundled_price_data())


def test_gemini_above_200k_input_tokens_pays_the_higher_tier_on_all_tokens(book: PriceBook) -> None:
    # gemini-2.5-pro: 1.25 / 10.00 / cache read 0.125; above 200,000 input: 2.50 / 15.00 / 0.25
    below = TokenUsage(input=200_000, output=1_000, cache_read=50_000)
    above = TokenUsage(input=200_001, output=1_000, cache_read=50_000)
    assert book.price("gcp.gemini", "gemini-2.5-pro", below, AT).cost == pytest.approx(
        (150_000 * 1.25 + 50_000 * 0.125 + 1_000 * 10.00) / M, rel=1e-12
    )
    assert book.price("gcp.vertex_ai", "gemini-2.5-pro", above, AT).cost == pytest.approx(
        (150_001 * 2.50 + 50_000 * 0.25 + 1_000 * 15.00) / M, rel=1e-12
    )


def test_anthropic_long_context_counts_cached_tokens_toward_the_tier(book: PriceBook) -> None:
    # claude-sonnet-4-5: 3 / 15 / read 0.30 / write 3.75; above 200,000 input: 6 / 22.50 /
    # 0.60 / 7.50. Anthropic's own usage shape (cache beside input) still counts all of it.
    usage = TokenUsage(input=100_000, output=2_000, cache_read=150_000, cache_write=1_000)
    assert book.price("anthropic", "claude-sonnet-4-5-20250929", usage, AT).cost == (
        pytest.approx((100_000 * 6.00 + 150_000 * 0.60 + 1_000 * 7.50 + 2_000 * 22.50) / M)
    )
    short = TokenUsage(input=1_000, output=100)
    assert book.price("anthropic", "claude-sonnet-4-5", short, AT).cost == pytest.approx(
        (1_000 * 3.00 + 100 * 15.00) / M
    )


@pytest.mark.parametrize(
    ("model", "entry", "input_price", "output_price"),
    [
        # regional (us., eu., apac.) profiles of newer models: +10 % over global
        ("us.anthropic.claude-sonnet-4-5-20250929-v1:0",
         "aws/regional.anthropic.claude-sonnet-4-5-20250929-v1:0", 3.30, 16.50),
        ("eu.anthropic.claude-sonnet-4-5-20250929-v1:0",
         "aws/regional.anthropic.claude-sonnet-4-5-20250929-v1:0", 3.30, 16.50),
        ("global.anthropic.claude-sonnet-4-5-20250929-v1:0",
         "aws/global.anthropic.claude-sonnet-4-5-20250929-v1:0", 3.00, 15.00),
    ],
)  # fmt: skip
def test_bedrock_regional_profiles_keep_their_premium(
    book: PriceBook, model: str, entry: str, input_price: float, output_price: float
) -> None:
    priced = book.price("aws.bedrock", model, TokenUsage(input=1_000, output=1_000), AT)
    assert priced.entry_id == entry
    assert priced.cost == pytest.approx((1_000 * input_price + 1_000 * output_price) / M)


def test_mistral_large_3_is_priced_as_large_3_not_the_previous_generation(book: PriceBook) -> None:
    usage = TokenUsage(input=1_000_000, output=1_000_000)
    large_3 = book.price("mistral_ai", "mistral-large-2512", usage, AT)
    assert (large_3.entry_id, large_3.cost) == ("mistral/mistral-large-2512", pytest.approx(2.0))
    # the previous generation's price (2 / 6) stays with its own names
    assert book.price("mistral", "mistral-large-2411", usage, AT).cost == pytest.approx(8.0)


@pytest.mark.parametrize(
    ("model", "input_price", "output_price"),
    [("openai/gpt-oss-120b", 0.15, 0.60), ("openai/gpt-oss-20b", 0.075, 0.30)],
)
def test_groq_gpt_oss(book: PriceBook, model: str, input_price: float, output_price: float) -> None:
    usage = TokenUsage(input=1_000_000, output=1_000_000)
    assert book.price("groq", model, usage, AT).cost == pytest.approx(input_price + output_price)


def test_service_tier_and_batch_select_the_variant(book: PriceBook) -> None:
    usage = TokenUsage(input=1_000_000, output=1_000_000)
    # o3: 2 / 8 standard, priority 3.50 / 14, flex 1 / 4, batch 1 / 4 (from 2026-10-14)
    assert book.price("openai", "o3", usage, AT).cost == pytest.approx(10.0)
    assert book.price("openai", "o3", usage, AT, service_tier="priority").cost == (
        pytest.approx(17.5)
    )
    assert book.price("openai", "o3", usage, AT, service_tier="Flex").cost == pytest.approx(5.0)
    assert book.price("openai", "o3", usage, AT, service_tier="batch").cost == pytest.approx(5.0)
    assert book.price("openai", "o3", usage, AT, service_tier="default").cost == (
        pytest.approx(10.0)
    )
    # before the variant's start the standard price applies
    early = datetime(2026, 10, 1, tzinfo=UTC)
    assert book.price("openai", "o3", usage, early, service_tier="priority").cost == (
        pytest.approx(10.0)
    )


def test_off_peak_prices_change_within_the_day(book: PriceBook) -> None:
    usage = TokenUsage(input=1_000_000, output=1_000_000)
    model = next(m for m in bundled_price_data().provider("deepseek").models  # type: ignore[union-attr]
                 if m.id == "deepseek-chat")  # fmt: skip
    day = dt.date(2026, 6, 1)
    for hour in (0, 1, 12, 17, 23):
        at = datetime.combine(day, dt.time(hour, 15), UTC)
        theirs = model.calc_price(
            _package_usage(usage), bundled_price_data().provider("deepseek"),  # type: ignore[arg-type]
            genai_request_timestamp=at,
        ).total_price  # fmt: skip
        assert book.price("deepseek", "deepseek-chat", usage, at).cost == pytest.approx(
            float(theirs), rel=1e-12
        )
    peak = book.price("deepseek", "deepseek-chat", usage, datetime.combine(day, dt.time(17), UTC))
    off = book.price("deepseek", "deepseek-chat", usage, datetime.combine(day, dt.time(1), UTC))
    assert peak.cost != off.cost


def test_a_span_naming_no_provider_is_found_by_its_model(book: PriceBook) -> None:
    priced = book.price(None, "claude-opus-4-5-20251101", TokenUsage(input=1_000), AT)
    assert (priced.entry_id, priced.cost) == ("anthropic/claude-opus-4-5", pytest.approx(0.005))
    assert book.price("my-gateway", "gpt-4o", TokenUsage(input=1_000), AT).entry_id == (
        "openai/gpt-4o"
    )


def test_a_published_data_file_parses_and_prices() -> None:
    # tests/cost/data: pydantic/genai-prices prices/new_data/v2/data.json at commit 47df840a
    # (2026-08-21), trimmed to 12 models of 4 providers.
    providers = parse_price_data(SAMPLE.read_bytes())
    data = PriceData(providers, "sample", bundled=False, sha256="x")
    assert data.model_count == 12
    book = PriceBook(data)
    usage = TokenUsage(input=1_000_000, output=1_000_000)
    assert book.price("openai", "gpt-4o", usage, AT).cost == pytest.approx(12.5)
    assert book.price("openai", "gpt-4.1", usage, AT).cost is None  # not in this file


def _sample() -> list[dict[str, object]]:
    loaded: list[dict[str, object]] = json.loads(SAMPLE.read_text())
    return loaded


def _with(change: str) -> bytes:
    doc = _sample()
    models = doc[0]["models"]
    assert isinstance(models, list)
    if change == "bad-price":
        models[0]["prices"] = {"input_mtok": "cheap"}
    elif change == "unknown-key":
        models[0]["prices"] = {"input_mtok": 1, "output_mtok": 2, "thoughts_mtok": 3}
    elif change == "orphan-cache":
        models[0]["prices"] = {"output_mtok": 2, "cache_read_mtok": 0.1}
    elif change == "twice":
        doc.append(doc[0])
    elif change == "no-models":
        for provider in doc:
            provider["models"] = []
    elif change == "no-id":
        del doc[0]["id"]
    return json.dumps(doc).encode()


@pytest.mark.parametrize(
    ("content", "says"),
    [
        (b"{not json", "not JSON"),
        (b"{}", "a JSON list of providers"),
        (b"[]", "a JSON list of providers"),
        (b"[1, 2]", "a JSON list of providers"),
        (_with("bad-price"), "providers[0] (anthropic).models[0] (claude-3-5-sonnet): "),
        (_with("unknown-key"), "anthropic/claude-3-5-sonnet: prices: Unknown price key"),
        (_with("orphan-cache"), "Missing ancestor price"),
        (_with("twice"), "'anthropic' appears twice"),
        (_with("no-models"), "lists no model"),
        (_with("no-id"), "providers[0]"),
    ],
)
def test_a_bad_data_file_is_refused_saying_what_is_wrong(content: bytes, says: str) -> None:
    with pytest.raises(PriceDataError) as refused:
        parse_price_data(content)
    assert says in str(refused.value)


@pytest.mark.parametrize(
    "key", ["openai.response.service_tier", "gen_ai.openai.response.service_tier"]
)
def test_a_span_saying_its_service_tier_is_priced_at_that_tier(book: PriceBook, key: str) -> None:
    attributes: dict[str, object] = {
        "gen_ai.operation.name": "chat",
        "gen_ai.provider.name": "openai",
        "gen_ai.request.model": "o3",
        "gen_ai.usage.input_tokens": 1_000_000,
        "gen_ai.usage.output_tokens": 1_000_000,
        key: "priority",
    }
    span = DecodedSpan({}, "s", "0" * 32, "1" * 16, None, "chat o3", 3, 0, 1, 0, "", attributes)  # type: ignore[arg-type]
    facts = llm_facts(span)
    assert facts.service_tier == "priority" and facts.usage is not None
    priced = book.price(
        facts.provider, facts.price_model, facts.usage, AT, facts.carried_cost, facts.service_tier
    )
    assert priced.cost == pytest.approx(3.50 + 14.00)  # o3 priority, from 2026-10-12
