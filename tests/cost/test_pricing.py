"""Pricing calls against hand-computed costs: the price data, caches, reasoning, names, unpriced.

Prices are USD per million tokens, so each expected cost is written as the sum of
tokens × price over 1,000,000, with the prices read from genai-prices' bundled data (0.2.5)
for the model the package itself resolves the name to (they agree with the providers'
pricing pages the old hand-written catalog was copied from, except where noted).
"""

from __future__ import annotations

import math
from datetime import UTC, datetime

import pytest

from aitower.cost.price_data import bundled_price_data
from aitower.cost.pricing import PriceBook, cost_of
from aitower.cost.quotes import quote
from aitower.cost.usage import TokenUsage

AT = datetime(2026, 3, 1, 12, 0, tzinfo=UTC)
M = 1_000_000


@pytest.fixture(scope="module")
def book() -> PriceBook:
    return PriceBook(bundled_price_data())


CASES = [
    pytest.param(
        "openai", "gpt-4o-2024-08-06", TokenUsage(input=12_000, output=1_500, cache_read=8_000),
        # 4,000 uncached × 2.50 + 8,000 cached × 1.25 + 1,500 × 10.00
        (4_000 * 2.50 + 8_000 * 1.25 + 1_500 * 10.00) / M, "openai/gpt-4o", id="gpt-4o-dated-cache",
    ),
    pytest.param(
        "openai", "gpt-4o-2024-05-13", TokenUsage(input=1_000, output=1_000),
        (1_000 * 5.00 + 1_000 * 15.00) / M, "openai/gpt-4o-2024-05-13", id="gpt-4o-first-snapshot",
    ),
    pytest.param(
        "openai", "gpt-4o-mini", TokenUsage(input=10_000, output=100, cache_write=4_000),
        # OpenAI charges no cache write: written tokens cost the input price
        (6_000 * 0.15 + 4_000 * 0.15 + 100 * 0.60) / M, "openai/gpt-4o-mini", id="gpt-4o-mini",
    ),
    pytest.param(
        "openai", "o3-mini-2025-01-31", TokenUsage(input=2_000, output=5_000, reasoning=4_000),
        # reasoning has no own price: billed as output
        (2_000 * 1.10 + 1_000 * 4.40 + 4_000 * 4.40) / M, "openai/o3-mini", id="o3-mini-reasoning",
    ),
    pytest.param(
        "openai", "gpt-5", TokenUsage(input=1_000, output=3_000, reasoning=2_000),
        (1_000 * 1.25 + 1_000 * 10.00 + 2_000 * 10.00) / M, "openai/gpt-5", id="gpt-5",
    ),
    pytest.param(
        "openai", "text-embedding-3-small", TokenUsage(input=1_000_000),
        1_000_000 * 0.02 / M, "openai/text-embedding-3-small", id="embedding",
    ),
    pytest.param(
        "anthropic", "claude-3-5-sonnet-20241022",
        TokenUsage(input=10_000, output=800, cache_read=6_000, cache_write=2_000),
        # 2,000 uncached × 3 + 6,000 read × 0.30 + 2,000 written × 3.75 + 800 × 15
        (2_000 * 3.00 + 6_000 * 0.30 + 2_000 * 3.75 + 800 * 15.00) / M,
        "anthropic/claude-3-5-sonnet", id="claude-3-5-sonnet-caches",
    ),
    pytest.param(
        "anthropic", "claude-opus-4-5-20251101", TokenUsage(input=1_000, output=1_000),
        (1_000 * 5.00 + 1_000 * 25.00) / M, "anthropic/claude-opus-4-5", id="claude-opus-4-5",
    ),
    pytest.param(
        "anthropic", "claude-opus-4-1-20250805", TokenUsage(input=1_000, output=1_000),
        (1_000 * 15.00 + 1_000 * 75.00) / M, "anthropic/claude-opus-4-1", id="claude-opus-4-1",
    ),
    pytest.param(
        "gcp.gemini", "models/gemini-1.5-pro-002", TokenUsage(input=100_000, output=2_000),
        (100_000 * 1.25 + 2_000 * 5.00) / M, "google/gemini-1.5-pro", id="gemini-models-prefix",
    ),
    pytest.param(
        "gemini", "gemini-2.5-flash-preview-05-20",
        TokenUsage(input=4_000, output=2_000, reasoning=1_500),
        # the preview snapshot has its own entry (0.15 / 0.60), no longer 2.5 Flash's price
        (4_000 * 0.15 + 500 * 0.60 + 1_500 * 0.60) / M, "google/gemini-2.5-flash-preview",
        id="gemini-preview-suffix",
    ),
    pytest.param(
        "aws.bedrock", "us.anthropic.claude-sonnet-4-20250514-v1:0",
        TokenUsage(input=1_000, output=1_000),
        # a US cross-region profile of a model before Sonnet 4.5: the regional price, no premium
        (1_000 * 3.00 + 1_000 * 15.00) / M,
        "aws/regional.anthropic.claude-sonnet-4-20250514-v1:0", id="bedrock-claude",
    ),
    pytest.param(
        "aws.bedrock", "meta.llama3-1-70b-instruct-v1:0",
        TokenUsage(input=1_000_000, output=500_000),
        (1_000_000 * 0.72 + 500_000 * 0.72) / M, "aws/meta.llama3-1-70b-instruct-v1:0",
        id="bedrock-llama",
    ),
    pytest.param(
        "aws.bedrock", "amazon.nova-pro-v1:0",
        TokenUsage(input=10_000, output=1_000, cache_read=5_000),
        (5_000 * 0.80 + 5_000 * 0.20 + 1_000 * 3.20) / M, "aws/amazon.nova-pro-v1:0", id="nova-pro",
    ),
    pytest.param(
        "groq", "llama-3.3-70b-versatile", TokenUsage(input=1_000_000, output=1_000_000),
        (1_000_000 * 0.59 + 1_000_000 * 0.79) / M, "groq/llama-3.3-70b-versatile", id="groq-llama",
    ),
    pytest.param(
        "together_ai", "meta-llama/Meta-Llama-3.1-8B-Instruct-Turbo",
        TokenUsage(input=500, output=500),
        (500 * 0.18 + 500 * 0.18) / M, "together/meta-llama/Meta-Llama-3.1-8B-Instruct-Turbo",
        id="together",
    ),
    pytest.param(
        "az.ai.openai", "gpt-35-turbo-0125", TokenUsage(input=1_000, output=1_000),
        (1_000 * 0.50 + 1_000 * 1.50) / M, "openai/gpt-3.5-turbo", id="azure-spelling",
    ),
    pytest.param(
        "azure.ai.openai", "gpt-4o-2024-08-06", TokenUsage(input=1_000, output=1_000),
        (1_000 * 2.50 + 1_000 * 10.00) / M, "openai/gpt-4o", id="azure-deployment",
    ),
    pytest.param(
        "mistralai", "mistral-large-2411", TokenUsage(input=1_000, output=1_000),
        (1_000 * 2.00 + 1_000 * 6.00) / M, "mistral/mistral-large", id="mistral-large",
    ),
    pytest.param(
        "mistral_ai", "codestral-latest", TokenUsage(input=2_000, output=1_000),
        (2_000 * 0.30 + 1_000 * 0.90) / M, "mistral/codestral", id="codestral",
    ),
    pytest.param(
        "cohere", "command-r-plus-08-2024", TokenUsage(input=1_000, output=1_000),
        (1_000 * 2.50 + 1_000 * 10.00) / M, "cohere/command-r-plus", id="command-r-plus",
    ),
    pytest.param(
        None, "OpenAI/GPT-4o", TokenUsage(input=1_000, output=1_000),
        # no provider on the span: a maker's own model name is enough; case does not matter
        (1_000 * 2.50 + 1_000 * 10.00) / M, "openai/gpt-4o", id="no-provider-prefix-case",
    ),
]  # fmt: skip


@pytest.mark.parametrize(("provider", "model", "usage", "expected", "entry"), CASES)
def test_catalog_prices_match_hand_computed_costs(
    book: PriceBook,
    provider: str | None,
    model: str,
    usage: TokenUsage,
    expected: float,
    entry: str,
) -> None:
    priced = book.price(provider, model, usage, AT, None)
    assert priced.source == "catalog"
    assert priced.entry_id == entry
    assert priced.cost == pytest.approx(expected, rel=1e-12)


def test_mini_and_full_models_never_take_each_others_price(book: PriceBook) -> None:
    usage = TokenUsage(input=1_000_000)
    assert book.price("openai", "gpt-4o-mini-2024-07-18", usage, AT).cost == pytest.approx(0.15)
    assert book.price("openai", "gpt-4o-2024-11-20", usage, AT).cost == pytest.approx(2.50)
    assert book.price("openai", "gpt-4.1-nano", usage, AT).cost == pytest.approx(0.10)
    assert book.price("openai", "gpt-4.1", usage, AT).cost == pytest.approx(2.00)
    assert book.price("anthropic", "claude-sonnet-4-5", usage, AT).entry_id == (
        "anthropic/claude-sonnet-4-5"
    )
    assert book.price("anthropic", "claude-sonnet-4-20250514", usage, AT).entry_id == (
        "anthropic/claude-sonnet-4-0"
    )
    # a relative of gpt-4o has its own entry (gpt-4o-audio-preview), not gpt-4o's
    assert book.price("openai", "gpt-4o-audio-preview-2024-12-17", usage, AT).entry_id == (
        "openai/gpt-4o-audio-preview"
    )


def test_cache_tokens_reported_beside_input_are_not_subtracted(book: PriceBook) -> None:
    # Anthropic's own usage counts cache tokens outside input_tokens; input < caches says so.
    usage = TokenUsage(input=100, output=10, cache_read=1_000)
    expected = (100 * 3.00 + 1_000 * 0.30 + 10 * 15.00) / M
    assert book.price("anthropic", "claude-3-7-sonnet-20250219", usage, AT).cost == pytest.approx(
        expected
    )


def test_zero_tokens_of_a_priced_model_cost_zero_not_unpriced(book: PriceBook) -> None:
    priced = book.price("openai", "gpt-4o", TokenUsage(), AT)
    assert (priced.cost, priced.source) == (0.0, "catalog")


@pytest.mark.parametrize(
    ("provider", "model"),
    [
        ("openai", "gpt-7-ultra"),
        ("cohere", "command-r-plus-04-2024"),  # the data lists neither: unpriced until it
        ("cohere", "embed-english-v3.0"),  # does, or an organisation price says
        ("aws.bedrock", "cohere.command-r-plus-v1:0"),
        ("openai", "whisper-1"),  # priced per audio hour only: tokens cannot price it
        (None, "llama-3.3-70b"),  # Llama's price depends on the host
        ("ollama", "llama3:8b"),
        ("anthropic", "gpt-4o"),  # the provider's list decides
        ("openai", None),
        ("openai", "   "),
        (None, None),
    ],
)
def test_unknown_models_are_unpriced_never_free(
    book: PriceBook, provider: str | None, model: str | None
) -> None:
    priced = book.price(provider, model, TokenUsage(input=5_000, output=500), AT)
    assert priced.cost is None
    assert priced.source == "unpriced"
    assert priced.entry_id is None


@pytest.mark.parametrize("carried", [0.5, 0.0])
def test_a_cost_carried_by_the_span_wins(book: PriceBook, carried: float) -> None:
    for model in ("gpt-4o", "no-such-model"):
        priced = book.price("openai", model, TokenUsage(input=1_000, output=1_000), AT, carried)
        assert (priced.cost, priced.source) == (carried, "span")


@pytest.mark.parametrize("carried", [-1.0, math.nan, math.inf])
def test_an_absurd_carried_cost_is_ignored(book: PriceBook, carried: float) -> None:
    priced = book.price("openai", "gpt-4o", TokenUsage(input=1_000), AT, carried)
    assert (priced.cost, priced.source) == (pytest.approx(1_000 * 2.50 / M), "catalog")


def test_repeated_calls_answer_the_same_from_the_memo(book: PriceBook) -> None:
    usage = TokenUsage(input=3_000, output=700, cache_read=1_000)
    first = book.price("openai", "gpt-4.1-2025-04-14", usage, AT)
    for _ in range(3):
        assert book.price("openai", "gpt-4.1-2025-04-14", usage, AT) == first
    other = TokenUsage(input=1_000)
    assert book.price("openai", "gpt-4.1-2025-04-14", other, AT).cost == pytest.approx(2_000 / M)


def test_quote_lines_add_up_to_the_cost(book: PriceBook) -> None:
    usage = TokenUsage(input=10_000, output=800, cache_read=6_000, cache_write=2_000, reasoning=300)
    found = quote(book, "aws.bedrock", "anthropic.claude-3-5-sonnet-20241022-v2:0", usage, AT)
    assert found.tariff is not None
    assert [(line.kind, line.tokens) for line in found.lines] == [
        ("input", 2_000),
        ("cache_read", 6_000),
        ("cache_write", 2_000),
        ("output", 500),
        ("reasoning", 300),
    ]
    assert sum(line.cost for line in found.lines) == pytest.approx(found.priced.cost)
    assert found.priced.cost == pytest.approx(cost_of(found.tariff, usage))
    assert "aws/regional.anthropic.claude-3-5-sonnet-20241022-v2:0" in found.explanation
    missing = quote(book, "openai", "gpt-9", usage, AT)
    assert missing.priced.cost is None and "unpriced" in missing.explanation
