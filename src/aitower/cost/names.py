"""Provider and model names as telemetry spells them, reduced to one spelling.

Instrumentations name one provider many ways (``gen_ai.provider.name``: ``gcp.gemini``; the
older ``gen_ai.system``: ``gemini``; OpenInference ``llm.provider``: ``google``; LiteLLM:
``vertex_ai``), and one model many ways (``gpt-4o-2024-08-06``, ``openai/gpt-4o``,
``us.anthropic.claude-3-5-sonnet-20241022-v2:0``, ``models/gemini-1.5-pro-002``,
``claude-3-5-sonnet-v2@20241022``). Organisation prices are keyed on one provider name and a
pattern over the model's base name (``name_candidates``); the price data (genai-prices) is
looked up by its own provider id and the model's name nearly as spelled (``model_refs``).
"""

from __future__ import annotations

import re

# Provider names organisation prices use (gen_ai.provider.name where it has one).
OPENAI = "openai"
ANTHROPIC = "anthropic"
GEMINI = "gcp.gemini"
VERTEX = "gcp.vertex_ai"
BEDROCK = "aws.bedrock"
AZURE_OPENAI = "azure.ai.openai"
MISTRAL = "mistral_ai"
COHERE = "cohere"
GROQ = "groq"
TOGETHER = "together_ai"
XAI = "x_ai"
DEEPSEEK = "deepseek"

# Every spelling seen in gen_ai.provider.name, gen_ai.system, llm.provider / llm.system
# (OpenInference) and LiteLLM, lower-cased, to the one name above.
PROVIDER_ALIASES: dict[str, str] = {
    **dict.fromkeys(("openai", "open_ai", "openai.com"), OPENAI),
    **dict.fromkeys(("anthropic", "claude"), ANTHROPIC),
    **dict.fromkeys(
        ("gcp.gemini", "gemini", "google", "google_genai", "gcp.gen_ai", "google.genai"), GEMINI
    ),
    **dict.fromkeys(("gcp.vertex_ai", "vertex_ai", "vertexai", "vertex"), VERTEX),
    **dict.fromkeys(("aws.bedrock", "bedrock", "aws", "amazon", "amazon_bedrock"), BEDROCK),
    **dict.fromkeys(
        ("azure.ai.openai", "az.ai.openai", "azure", "azure_openai", "azure-openai"), AZURE_OPENAI
    ),
    **dict.fromkeys(("mistral_ai", "mistralai", "mistral"), MISTRAL),
    **dict.fromkeys(("cohere", "cohere_ai"), COHERE),
    **dict.fromkeys(("groq",), GROQ),
    **dict.fromkeys(("together_ai", "together", "togetherai", "together.ai"), TOGETHER),
    **dict.fromkeys(("x_ai", "xai", "x.ai", "grok"), XAI),
    **dict.fromkeys(("deepseek", "deepseek_ai"), DEEPSEEK),
}

# The genai-prices provider id of each provider name above. Vertex AI and the Gemini API are
# one provider there ("google", Claude on Vertex through its fallback to Anthropic); Azure's
# list falls back to OpenAI's (and a few makers') prices for global standard deployments.
GENAI_PROVIDER: dict[str, str] = {
    OPENAI: "openai",
    ANTHROPIC: "anthropic",
    GEMINI: "google",
    VERTEX: "google",
    BEDROCK: "aws",
    AZURE_OPENAI: "azure",
    MISTRAL: "mistral",
    COHERE: "cohere",
    GROQ: "groq",
    TOGETHER: "together",
    XAI: "x-ai",
    DEEPSEEK: "deepseek",
}
# The other way, for a call whose provider the data found by its model: aitower's name.
AITOWER_PROVIDER: dict[str, str] = {
    "openai": OPENAI,
    "anthropic": ANTHROPIC,
    "google": GEMINI,
    "aws": BEDROCK,
    "azure": AZURE_OPENAI,
    "mistral": MISTRAL,
    "cohere": COHERE,
    "groq": GROQ,
    "together": TOGETHER,
    "x-ai": XAI,
    "deepseek": DEEPSEEK,
}

# Bedrock model ids: optional cross-region inference prefix, then the maker.
_BEDROCK_PREFIX = re.compile(
    r"^(?:(?:us|eu|apac|ap|us-gov|global|ca|jp|au)\.)?"
    r"(?:anthropic|meta|amazon|cohere|mistral|ai21|deepseek|qwen|openai|writer)\."
)
# Suffixes that name a version or snapshot of the same model (and price), stripped one at a
# time from the end: dates (-2024-08-06, -20241022, @20241022, -08-2024), four-digit snapshots
# (-0613, -2411), Gemini's -001, Bedrock's -v2:0 and :0, and -latest / -preview / -exp tags.
_SNAPSHOT_SUFFIXES = (
    re.compile(r"[-@]\d{4}-?\d{2}-?\d{2}$"),
    re.compile(r"-\d{2}-\d{4}$"),
    re.compile(r"-(?:preview|exp)-\d{2}-\d{2}$"),
    re.compile(r"-(?:preview|exp)-\d{4}$"),
    re.compile(r"-v\d+(?::\d+)?$"),
    re.compile(r":[0-9a-z.]+$"),
    re.compile(r"-\d{3,4}$"),
    re.compile(r"-(?:latest|preview|exp)$"),
)


def normalise_provider(provider: str | None) -> str | None:
    """aitower's name of a provider; an unknown name is kept (lower-cased); None stays."""
    if provider is None:
        return None
    key = provider.strip().lower()
    if not key:
        return None
    return PROVIDER_ALIASES.get(key, key)


def base_name(model: str) -> str:
    """The model's name without host prefixes and in lower case (snapshot suffixes kept)."""
    name = model.strip().lower()
    name = name.rsplit("/", 1)[-1]
    return _BEDROCK_PREFIX.sub("", name, count=1)


def name_candidates(model: str) -> list[str]:
    """The names to look up, most exact first: the base name, then one snapshot suffix fewer
    at a time, so a price for ``gpt-4o-2024-05-13`` wins over the one for ``gpt-4o``."""
    name = base_name(model)
    found = [name] if name else []
    while name:
        for suffix in _SNAPSHOT_SUFFIXES:
            shorter = suffix.sub("", name, count=1)
            if shorter != name:
                break
        else:
            break
        name = shorter
        if name and name not in found:
            found.append(name)
    return found


def is_bedrock_id(model: str) -> bool:
    """Whether a model id is spelled as Bedrock spells it: ``[region.]maker.model``."""
    return _BEDROCK_PREFIX.match(model.strip().lower().rsplit("/", 1)[-1]) is not None


def genai_provider_id(provider: str | None) -> str | None:
    """The genai-prices id for a provider name (any spelling); an unknown name is kept."""
    name = normalise_provider(provider)
    if name is None:
        return None
    return GENAI_PROVIDER.get(name, name)


def aitower_provider(genai_id: str) -> str:
    """aitower's name for a genai-prices provider id (its id when aitower has no own name)."""
    return AITOWER_PROVIDER.get(genai_id, genai_id)


def model_refs(model: str) -> list[str]:
    """The names to look a model up by in the price data, most exact first: as the span
    spelled it (lower case; Bedrock's region prefix and Groq's ``openai/`` kept, the data
    needs them), then without a path prefix (``models/gemini-1.5-pro``, ``openai/gpt-4o``).
    Snapshot suffixes are *not* stripped: the data knows dated names, and stripping one made
    ``mistral-large-2512`` the previous generation."""
    name = model.strip().lower()
    refs = [name] if name else []
    short = name.rsplit("/", 1)[-1]
    if short and short != name:
        refs.append(short)
    # Azure names GPT-3.5 deployments' models "gpt-35-turbo-…".
    if short.startswith("gpt-35-"):
        refs.append("gpt-3.5-" + short[len("gpt-35-") :])
    return refs
