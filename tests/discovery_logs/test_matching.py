"""Which service a host and path belong to: whole-label suffixes, then path prefixes."""

from __future__ import annotations

import pytest

from aitower.discovery.matching import ServiceMatcher, ServicePattern

MATCHER = ServiceMatcher(
    [
        ("openai", "openai.com", ""),
        ("azure-openai", "openai.azure.com", ""),
        ("azure-openai", "cognitiveservices.azure.com", "/openai/"),
        ("azure-language", "cognitiveservices.azure.com", "/language/"),
        ("azure-foundry-models", "services.ai.azure.com", "/models/"),
        ("azure-foundry-openai", "services.ai.azure.com", "/openai/"),
        ("aws-bedrock", "bedrock-runtime.us-east-1.amazonaws.com", ""),
        ("aws-bedrock-agents", "bedrock-agent-runtime.us-east-1.amazonaws.com", ""),
        ("vertex-ai", "us-central1-aiplatform.googleapis.com", ""),
        ("vertex-ai-gemini", "us-central1-aiplatform.googleapis.com", "/v1/projects/"),
        ("gemini-api", "generativelanguage.googleapis.com", ""),
        ("google-cloud", "googleapis.com", ""),
        ServicePattern("notion-ai", "notion.so", "/api/v3/getCompletion"),
    ]
)


@pytest.mark.parametrize(
    ("host", "path", "service"),
    [
        ("openai.com", "", "openai"),
        ("api.openai.com", "/v1/chat/completions", "openai"),
        ("notopenai.com", "", None),  # a suffix counts on whole labels only
        ("openai.com.example.net", "", None),
        ("API.OpenAI.COM.", "", "openai"),  # case and the root's trailing dot
        ("api.openai.com:443", "", "openai"),
        ("contoso.openai.azure.com", "/openai/deployments/gpt-4o", "azure-openai"),
        ("res1.cognitiveservices.azure.com", "/openai/deployments/x/chat", "azure-openai"),
        ("res1.cognitiveservices.azure.com", "/language/:analyze-text", "azure-language"),
        ("res1.cognitiveservices.azure.com", "/vision/v3.2/analyze", None),
        # a CONNECT tunnel shows no path: the host decides when it names one service only
        ("res1.cognitiveservices.azure.com", "", None),
        ("hub.services.ai.azure.com", "", None),
        ("hub.services.ai.azure.com", "/models/chat/completions", "azure-foundry-models"),
        ("hub.services.ai.azure.com", "/openai/deployments/o1", "azure-foundry-openai"),
        (
            "bedrock-runtime.us-east-1.amazonaws.com",
            "/model/anthropic.claude/invoke",
            "aws-bedrock",
        ),
        ("bedrock-agent-runtime.us-east-1.amazonaws.com", "/agents/A/x", "aws-bedrock-agents"),
        ("bedrock.us-east-1.amazonaws.com", "/foundation-models", None),
        ("s3.us-east-1.amazonaws.com", "/bucket", None),
        # the longest path prefix at the longest suffix, else that suffix's empty prefix
        ("us-central1-aiplatform.googleapis.com", "/v1/projects/p/locations/l", "vertex-ai-gemini"),
        ("us-central1-aiplatform.googleapis.com", "/ui/datasets", "vertex-ai"),
        ("us-central1-aiplatform.googleapis.com", "", "vertex-ai"),
        ("www.notion.so", "", "notion-ai"),
        ("generativelanguage.googleapis.com", "/v1beta/models", "gemini-api"),
        ("storage.googleapis.com", "/b/o", "google-cloud"),  # a shorter suffix still matches
        ("www.notion.so", "/api/v3/getCompletion", "notion-ai"),
        ("www.notion.so", "/api/v3/loadPageChunk", None),
        ("", "", None),
        ("localhost", "/", None),
    ],
)
def test_the_most_specific_pattern_wins(host: str, path: str, service: str | None) -> None:
    assert MATCHER.match(host, path) == service


def test_a_shorter_suffix_answers_when_no_prefix_of_a_longer_one_fits() -> None:
    matcher = ServiceMatcher(
        [("azure-openai", "cognitiveservices.azure.com", "/openai/"), ("azure", "azure.com", "")]
    )
    assert matcher.match("r.cognitiveservices.azure.com", "/openai/x") == "azure-openai"
    assert matcher.match("r.cognitiveservices.azure.com", "/vision/x") == "azure"


def test_an_unknown_path_lets_a_host_of_one_service_decide() -> None:
    matcher = ServiceMatcher(
        [
            ("aws-bedrock", "bedrock-runtime.us-east-1.amazonaws.com", "/model/"),
            ("azure-openai", "openai.azure.com", "/openai/"),
            ("azure-openai", "cognitiveservices.azure.com", "/openai/"),
            ("azure-language", "cognitiveservices.azure.com", "/language/"),
            ("azure", "azure.com", ""),
        ]
    )
    assert matcher.match("bedrock-runtime.us-east-1.amazonaws.com", "") == "aws-bedrock"
    assert matcher.match("bedrock-runtime.us-east-1.amazonaws.com", "/guardrail/x") is None
    assert matcher.match("contoso.openai.azure.com", "") == "azure-openai"
    # two services share the host: the host alone cannot tell, the shorter suffix answers
    assert matcher.match("r.cognitiveservices.azure.com", "") == "azure"
    assert matcher.match("r.cognitiveservices.azure.com", "/language/x") == "azure-language"


def test_the_prefilter_finds_every_suffix_and_needs_paths_says_if_any_pattern_has_one() -> None:
    matcher = ServiceMatcher([("a", "Openai.com.", ""), ("b", "claude.ai", "")])
    assert matcher.prefilter() == r"openai\.com|claude\.ai"
    assert not matcher.needs_paths
    assert MATCHER.needs_paths
    assert ServiceMatcher([]).prefilter() is None


def test_a_pattern_without_host_or_service_is_refused() -> None:
    with pytest.raises(ValueError, match="host suffix"):
        ServiceMatcher([("openai", "", "")])
    with pytest.raises(ValueError, match="service"):
        ServiceMatcher([("", "openai.com", "")])
