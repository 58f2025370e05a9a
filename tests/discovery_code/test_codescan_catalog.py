"""The catalog as data: every entry reaches its detailed pattern through the prefilter, and
SDK names resolve to the provider a reader expects."""

from __future__ import annotations

import re

import pytest

from aitower.discovery.codescan_catalog import (
    ENDPOINT_PATTERNS,
    MODEL_PATTERNS,
    SDKS,
    Ecosystem,
)
from aitower.discovery.codescan_hits import sdk_for_import, sdk_for_package
from aitower.discovery.codescan_text import may_hold_ai

MODELS = {
    "openai": [
        "gpt-4o",
        "gpt-4.1-nano",
        "gpt-3.5-turbo",
        "gpt-5",
        "'o1'",
        "text-embedding-3-small",
    ],
    "anthropic": ["claude-3-5-sonnet-20241022", "claude-opus-4-1", "anthropic.claude-3-haiku"],
    "google": ["gemini-2.5-pro", "gemini-pro", "gemma-2-9b", "text-bison"],
    "mistral": ["mistral-large-latest", "open-mixtral-8x7b", "codestral-2501"],
    "meta": ["Llama-3.3-70B-Instruct", "meta-llama-3.1-8b", "llama3.1:8b", "llama2"],
    "cohere": ["command-r-plus", "embed-english-v3.0"],
    "aws": ["amazon.titan-text-express-v1", "amazon.nova-pro-v1:0"],
    "deepseek": ["deepseek-chat", "deepseek-r1"],
    "xai": ["grok-3"],
}
ENDPOINTS = {
    "openai": "https://api.openai.com/v1",
    "azure": "https://contoso.openai.azure.com/",
    "aws": "bedrock-runtime.eu-central-1.amazonaws.com",
    "google": "us-central1-aiplatform.googleapis.com",
    "anthropic": "https://api.anthropic.com/v1/messages",
    "mistral": "https://api.mistral.ai",
    "groq": "https://api.groq.com/openai/v1",
}


@pytest.mark.parametrize(("provider", "names"), MODELS.items())
def test_model_names_pass_the_prefilter_and_name_their_provider(
    provider: str, names: list[str]
) -> None:
    for name in names:
        assert may_hold_ai(name.encode()), name
        owners = {p for p, pattern in MODEL_PATTERNS if re.search(pattern, name, re.IGNORECASE)}
        assert owners == {provider} or (provider == "anthropic" and "anthropic" in owners), name


@pytest.mark.parametrize(("provider", "url"), ENDPOINTS.items())
def test_endpoints_pass_the_prefilter_and_name_their_provider(provider: str, url: str) -> None:
    assert may_hold_ai(url.encode())
    assert {p for p, pattern in ENDPOINT_PATTERNS if re.search(pattern, url, re.IGNORECASE)} == {
        provider
    }


def test_every_import_prefix_passes_the_prefilter() -> None:
    statements = {
        Ecosystem.pypi: "import {}",
        Ecosystem.npm: 'import x from "{}";',
        Ecosystem.maven: "import {}.X;",
        Ecosystem.go: '\t"{}"',
    }
    missing = [
        m
        for sdk in SDKS
        for m in sdk.imports
        if not may_hold_ai(statements[sdk.ecosystem].format(m).encode())
    ]
    assert missing == []


@pytest.mark.parametrize("text", ["llama_index", "llama-index", "llamas", "chatgpt", "o3"])
def test_near_names_are_not_models(text: str) -> None:
    assert not any(re.search(p, text, re.IGNORECASE) for _, p in MODEL_PATTERNS)


def test_words_in_prose_do_not_pass_the_prefilter() -> None:
    prose = b"A coherent task-runner and disk-usage job; we replicate the command-line together."
    assert not may_hold_ai(prose)


@pytest.mark.parametrize(
    ("ecosystem", "name", "provider"),
    [
        (Ecosystem.pypi, "LangChain_OpenAI", "openai"),
        (Ecosystem.pypi, "langchain-community", "langchain"),
        (Ecosystem.pypi, "llama-index-core", "llamaindex"),
        (Ecosystem.npm, "@anthropic-ai/sdk", "anthropic"),
        (Ecosystem.npm, "@ai-sdk/google-vertex", "google"),
        (Ecosystem.npm, "@ai-sdk/react", "vercel"),
        (Ecosystem.maven, "dev.langchain4j:langchain4j", "langchain4j"),
        (Ecosystem.go, "github.com/openai/openai-go/v2", "openai"),
    ],
)
def test_packages_resolve_to_their_provider(ecosystem: Ecosystem, name: str, provider: str) -> None:
    sdk = sdk_for_package(ecosystem, name)
    assert sdk is not None and sdk.provider == provider


def test_near_names_are_not_sdks() -> None:
    assert sdk_for_package(Ecosystem.npm, "ai-utils") is None
    assert sdk_for_package(Ecosystem.go, "github.com/openai/openai-gopher") is None
    assert sdk_for_import(Ecosystem.pypi, "openai_helpers") is None
    assert sdk_for_import(Ecosystem.npm, "aide") is None
