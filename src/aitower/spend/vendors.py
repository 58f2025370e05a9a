"""Who sells a model: the vendor of LLM usage cost, derived from the model's name (pure).

Telemetry's rollups keep the model of each call, not its provider, so the vendor of an LLM
cost line is read from the model name, as the price catalog reads it (``cost.names``):

1. a host prefix names the seller: ``openai/gpt-4o`` → OpenAI, ``bedrock/…`` → AWS Bedrock,
   ``azure/…`` → Azure OpenAI (LiteLLM's and gateways' spelling);
2. a Bedrock model id names the host: ``us.anthropic.claude-…`` → AWS Bedrock;
3. otherwise the model family names its maker: ``gpt-``, ``o3`` → OpenAI, ``claude`` →
   Anthropic, ``gemini`` → Google, ``mistral-`` → Mistral, ``grok`` → xAI, …;
4. anything else is ``Other``.

A model that a host resells under the maker's own name (Azure OpenAI deployments named
``gpt-4o``) is attributed to the maker: the name carries no more. Imported bills name their
vendor themselves (``SpendRecordRow.vendor``).
"""

from __future__ import annotations

from functools import lru_cache

from aitower.cost import names

OTHER = "Other"

# The catalog's provider names (``cost.names``) as a person reads them.
TITLES: dict[str, str] = {
    names.OPENAI: "OpenAI",
    names.ANTHROPIC: "Anthropic",
    names.GEMINI: "Google",
    names.VERTEX: "Google Vertex AI",
    names.BEDROCK: "AWS Bedrock",
    names.AZURE_OPENAI: "Azure OpenAI",
    names.MISTRAL: "Mistral",
    names.COHERE: "Cohere",
    names.GROQ: "Groq",
    names.TOGETHER: "Together AI",
    names.XAI: "xAI",
    names.DEEPSEEK: "DeepSeek",
}

# Model-name prefixes of each maker, checked in order (longest first where they overlap).
FAMILIES: tuple[tuple[str, str], ...] = (
    ("gpt-", "OpenAI"),
    ("chatgpt", "OpenAI"),
    ("o1", "OpenAI"),
    ("o3", "OpenAI"),
    ("o4", "OpenAI"),
    ("text-embedding", "OpenAI"),
    ("dall-e", "OpenAI"),
    ("whisper", "OpenAI"),
    ("tts-", "OpenAI"),
    ("claude", "Anthropic"),
    ("gemini", "Google"),
    ("gemma", "Google"),
    ("mistral", "Mistral"),
    ("mixtral", "Mistral"),
    ("codestral", "Mistral"),
    ("ministral", "Mistral"),
    ("pixtral", "Mistral"),
    ("magistral", "Mistral"),
    ("devstral", "Mistral"),
    ("command", "Cohere"),
    ("embed-", "Cohere"),
    ("grok", "xAI"),
    ("deepseek", "DeepSeek"),
    ("llama", "Meta"),
    ("qwen", "Alibaba"),
)


@lru_cache(maxsize=4096)
def vendor_of(model: str) -> str:
    """The vendor of calls to ``model`` (module docstring); ``Other`` when nothing says."""
    text = model.strip().lower()
    if not text:
        return OTHER
    if "/" in text:
        host = names.normalise_provider(text.split("/", 1)[0])
        if host in TITLES:
            return TITLES[host]
    if names.is_bedrock_id(text):  # a Bedrock model id: ``[region.]maker.model``
        return TITLES[names.BEDROCK]
    base = names.base_name(text)
    for prefix, vendor in FAMILIES:
        if base.startswith(prefix):
            return vendor
    return OTHER
