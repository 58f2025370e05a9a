"""The shipped catalog: well formed, the services the issue names are there, patterns for the
log matcher, models read from Azure OpenAI, Bedrock and Vertex AI paths, and bad entries
refused naming the field."""

from __future__ import annotations

import pytest
from pydantic import ValidationError

from aitower.discovery.catalog import (
    builtin_catalog,
    catalog_patterns,
    model_from_path,
    parse_catalog,
)
from aitower.discovery.sanction import SanctionStatus

NAMED = (
    "openai-api", "azure-openai", "aws-bedrock", "google-vertex-ai", "anthropic-api",
    "google-gemini-api", "mistral-api", "cohere-api", "groq-api", "together-api",
    "perplexity-api", "deepseek-api", "xai-api", "huggingface-inference", "chatgpt",
    "claude-ai", "gemini-app", "microsoft-copilot", "character-ai", "poe", "github-copilot",
    "cursor", "windsurf", "tabnine", "replit", "otter", "fireflies", "fathom", "tldv",
    "grammarly", "jasper", "copy-ai", "writesonic", "deepl-write", "notion-ai", "midjourney",
    "runway", "elevenlabs", "synthesia",
)  # fmt: skip


def test_the_catalog_is_versioned_and_holds_the_named_services() -> None:
    catalog = builtin_catalog()
    assert catalog.version
    assert len(catalog.services) >= 60
    ids = catalog.by_id()
    assert set(NAMED) <= set(ids)
    assert all(e.source.startswith("https://") for e in catalog.services)
    assert {e.category.value for e in catalog.services} >= {
        "model_api", "chat_assistant", "coding_assistant", "meeting_assistant",
        "writing_assistant", "image_video", "browser_ai",
    }  # fmt: skip


def test_consumer_chat_tools_start_unsanctioned_and_most_under_review() -> None:
    ids = builtin_catalog().by_id()
    for consumer in ("chatgpt", "claude-ai", "gemini-app", "character-ai", "poe"):
        assert ids[consumer].default_sanction is SanctionStatus.unsanctioned
    under_review = [e for e in ids.values() if e.default_sanction is SanctionStatus.under_review]
    assert len(under_review) > len(ids) / 2
    assert ids["openai-api"].trains_on_customer_data is False
    assert ids["chatgpt"].trains_on_customer_data is True


def test_patterns_list_every_host_and_path_of_an_entry() -> None:
    patterns = catalog_patterns()
    assert ("openai-api", "api.openai.com", "") in patterns
    assert ("azure-openai", "openai.azure.com", "/openai/") in patterns
    assert ("aws-bedrock", "bedrock-runtime.eu-central-1.amazonaws.com", "/model/") in patterns
    assert ("deepl-write", "deepl.com", "/write") in patterns
    assert all(len(p) == 3 and p[1] == p[1].lower() for p in patterns)


@pytest.mark.parametrize(
    ("service", "path", "model"),
    [
        ("azure-openai", "/openai/deployments/gpt-4o-prod/chat/completions", "gpt-4o-prod"),
        ("aws-bedrock", "/model/anthropic.claude-3-5-sonnet-20240620-v1:0/converse",
         "anthropic.claude-3-5-sonnet-20240620-v1:0"),
        ("google-vertex-ai",
         "/v1/projects/acme/locations/europe-west4/publishers/google/models/gemini-1.5-pro:generateContent",
         "gemini-1.5-pro"),
        ("google-gemini-api", "/v1beta/models/gemini-2.0-flash:streamGenerateContent",
         "gemini-2.0-flash"),
        ("azure-openai", "/openai/models", None),
        ("openai-api", "/v1/chat/completions", None),
        ("no-such-service", "/model/x/invoke", None),
    ],
)  # fmt: skip
def test_the_model_is_read_from_the_path(service: str, path: str, model: str | None) -> None:
    assert model_from_path(service, path) == model


def _one(**entry: object) -> str:
    base = {"id": "x-tool", "name": "X", "vendor": "X Inc", "category": "other",
            "hosts": ["x.example.com"], "source": "https://x.example.com/terms"}  # fmt: skip
    doc = {"version": "1", "services": [{**base, **entry}]}
    import json

    return json.dumps(doc)


@pytest.mark.parametrize(
    ("entry", "field"),
    [
        ({"hosts": ["not a host"]}, "hosts"),
        ({"paths": ["no-slash"]}, "paths"),
        ({"model_from_path": "^/m/([^/]+)"}, "model_from_path"),
        ({"model_from_path": "(unclosed"}, "model_from_path"),
        ({"id": "Bad Id"}, "id"),
        ({"source": "ftp://x"}, "source"),
        ({"default_sanction": "blocked"}, "default_sanction"),
        ({"colour": "red"}, "colour"),
    ],
)
def test_a_bad_entry_is_refused_naming_its_field(entry: dict[str, object], field: str) -> None:
    with pytest.raises(ValidationError) as caught:
        parse_catalog(_one(**entry))
    assert field in str(caught.value)


def test_an_id_twice_is_refused() -> None:
    text = _one()
    doc = text.replace(
        '"services": [', '"services": [' + text.split('"services": [')[1][:-2] + ", "
    )
    with pytest.raises(ValidationError, match="appears twice"):
        parse_catalog(doc)
