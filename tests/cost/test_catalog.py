"""The built-in catalog file: shipped as package data, documented, sourced, consistent."""

from __future__ import annotations

import datetime as dt
from importlib import resources

import pytest
import yaml

from aitower.cost.catalog import CatalogError, ModelPattern, builtin_catalog, parse_catalog
from aitower.cost.names import name_candidates, normalise_provider

MAJOR = {"openai", "anthropic", "gcp.gemini", "mistral_ai", "cohere", "aws.bedrock", "groq"}


def test_the_file_is_package_data_with_a_documenting_header() -> None:
    source = resources.files("aitower.cost").joinpath("price_catalog.yaml")
    assert source.is_file()
    text = source.read_text("utf-8")
    header = [line for line in text.splitlines()[:40] if line.startswith("#")]
    assert len(header) > 20
    for word in ("US dollars", "cache_read", "cache_write", "reasoning", "as_of", "source"):
        assert word in "\n".join(header)


def test_every_entry_has_a_source_a_date_and_sane_prices() -> None:
    catalog = builtin_catalog()
    assert set(catalog.providers()) >= MAJOR
    assert len(catalog.entries) > 80
    for entry in catalog.entries:
        p = entry.prices
        assert entry.source.startswith("https://"), entry.id
        assert dt.date(2024, 1, 1) <= entry.as_of <= dt.date.today(), entry.id
        assert p.input >= 0 and p.output >= 0, entry.id
        # a cache read is a discount, never dearer than plain input
        assert p.cache_read is None or p.cache_read <= p.input, entry.id
        # a write to the cache costs at least a plain input token
        assert p.cache_write is None or p.cache_write >= p.input, entry.id


def test_each_literal_pattern_resolves_to_its_own_entry() -> None:
    catalog = builtin_catalog()
    for entry in catalog.entries:
        for pattern in entry.patterns:
            if pattern.literal:
                assert catalog.find(entry.provider, pattern.text) is entry, pattern.text


def test_no_pattern_is_listed_twice_in_a_provider() -> None:
    catalog = builtin_catalog()
    for provider in catalog.providers():
        texts = [p.text for e in catalog.of_provider(provider) for p in e.patterns]
        assert len(texts) == len(set(texts)), provider


@pytest.mark.parametrize(
    ("model", "expected"),
    [
        ("gpt-4o-2024-08-06", ["gpt-4o-2024-08-06", "gpt-4o"]),
        ("claude-3-5-sonnet-20241022", ["claude-3-5-sonnet-20241022", "claude-3-5-sonnet"]),
        (
            "us.anthropic.claude-3-5-sonnet-20241022-v2:0",
            ["claude-3-5-sonnet-20241022-v2:0", "claude-3-5-sonnet-20241022", "claude-3-5-sonnet"],
        ),
        (
            "claude-3-5-sonnet-v2@20241022",
            ["claude-3-5-sonnet-v2@20241022", "claude-3-5-sonnet-v2", "claude-3-5-sonnet"],
        ),
        ("models/gemini-1.5-pro-002", ["gemini-1.5-pro-002", "gemini-1.5-pro"]),
        ("openai/GPT-4o", ["gpt-4o"]),
        ("command-r-08-2024", ["command-r-08-2024", "command-r"]),
        ("mistral-large-latest", ["mistral-large-latest", "mistral-large"]),
        ("gpt-3.5-turbo-0125", ["gpt-3.5-turbo-0125", "gpt-3.5-turbo"]),
        ("", []),
    ],
)  # fmt: skip
def test_name_candidates_strip_prefixes_then_one_snapshot_suffix_at_a_time(
    model: str, expected: list[str]
) -> None:
    assert name_candidates(model) == expected


@pytest.mark.parametrize(
    ("spelling", "provider"),
    [
        ("openai", "openai"),
        ("OpenAI", "openai"),
        ("anthropic", "anthropic"),
        ("gcp.gemini", "gcp.gemini"),
        ("gemini", "gcp.gemini"),
        ("google", "gcp.gemini"),
        ("gcp.vertex_ai", "gcp.vertex_ai"),
        ("vertex_ai", "gcp.vertex_ai"),
        ("aws.bedrock", "aws.bedrock"),
        ("bedrock", "aws.bedrock"),
        ("azure.ai.openai", "azure.ai.openai"),
        ("az.ai.openai", "azure.ai.openai"),
        ("mistral_ai", "mistral_ai"),
        ("mistralai", "mistral_ai"),
        ("cohere", "cohere"),
        ("groq", "groq"),
        ("xai", "x_ai"),
        ("together", "together_ai"),
        ("some-new-host", "some-new-host"),
        ("  ", None),
        (None, None),
    ],
)
def test_provider_spellings_normalise_to_one_name(
    spelling: str | None, provider: str | None
) -> None:
    assert normalise_provider(spelling) == provider


def test_patterns_are_whole_name_globs() -> None:
    pattern = ModelPattern.of("Claude-*-Sonnet*")
    assert pattern.matches("claude-3-5-sonnet")
    assert pattern.matches("claude-3-7-sonnet-latest")
    assert not pattern.matches("xclaude-3-5-sonnet")
    assert not pattern.matches("claude-3-5-haiku")
    assert ModelPattern.of("gpt-4?").matches("gpt-4o")
    assert not ModelPattern.of("gpt-4o").matches("gpt-4o-mini")
    assert ModelPattern.of("gpt-4o").specificity > ModelPattern.of("gpt-4*").specificity


def _doc(*models: dict[str, object], **block: object) -> dict[str, object]:
    provider = {"source": "https://example.com/pricing", "as_of": "2025-01-01", **block}
    return {"providers": {"x": {**provider, "models": list(models)}}}


def _model(**fields: object) -> dict[str, object]:
    return {"id": "a", "match": ["a"], "input": 1, "output": 1, **fields}


@pytest.mark.parametrize(
    ("document", "message"),
    [
        ({}, "providers"),
        (_doc(_model(input=-1)), "x/a: input"),
        (_doc(_model(), source="http://example.com"), "x/a: source"),
        (_doc(_model(), as_of="soon"), "x/a: as_of"),
        (_doc(_model(match=["a b"])), "x/a: match"),
        (_doc(_model(output=None)), "x/a: output"),
        (_doc(_model(colour="red")), "x/a: unknown field colour"),
        (_doc(_model(), _model(match=["b"])), "x/a: id used twice"),
    ],
)
def test_a_malformed_catalog_names_the_entry_and_field(
    document: dict[str, object], message: str
) -> None:
    with pytest.raises(CatalogError, match=message):
        parse_catalog(document)


def test_the_shipped_file_parses_the_same_through_the_parser() -> None:
    text = resources.files("aitower.cost").joinpath("price_catalog.yaml").read_text("utf-8")
    assert parse_catalog(yaml.safe_load(text)) == builtin_catalog()
