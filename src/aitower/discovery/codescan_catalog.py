"""What AI use looks like in a code tree, as data: SDK packages and the modules they are
imported as, model names, AI endpoints and the key shapes #10's detectors do not know.

Each entry names its provider (the vendor whose service is called: ``openai``, ``aws``…);
an orchestration framework (LangChain, LlamaIndex, the Vercel AI SDK, Spring AI) is its own
provider with ``framework=True``, since it says AI is used without saying whose. A
framework's provider-specific package (``langchain-openai``, ``@ai-sdk/anthropic``) names the
provider it calls. Adding a SDK, a model family or an endpoint is one line here; the tests
check that every entry passes the scanner's prefilter (``ANCHORS``).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from enum import StrEnum


class Ecosystem(StrEnum):
    pypi = "pypi"
    npm = "npm"
    maven = "maven"
    go = "go"


@dataclass(frozen=True, slots=True)
class Sdk:
    """A package of an AI SDK. ``name`` ending in ``*`` matches any name with that prefix;
    ``imports`` are the module prefixes source code imports it as."""

    ecosystem: Ecosystem
    name: str
    provider: str
    imports: tuple[str, ...] = ()
    framework: bool = False


FRAMEWORKS = frozenset(
    {"langchain", "llamaindex", "vercel", "litellm", "spring-ai", "langchain4j", "dspy", "crewai"}
)

# ecosystem, package name, provider, the module prefixes it is imported as ("=" the package
# name itself, "-" none). Order matters: the first matching row wins, specific rows first.
_SDK_TABLE = """
pypi  openai                      openai       openai
pypi  openai-agents               openai       -
pypi  tiktoken                    openai       tiktoken
pypi  anthropic                   anthropic    anthropic
pypi  google-generativeai         google       google.generativeai
pypi  google-genai                google       google.genai
pypi  google-cloud-aiplatform     google       vertexai google.cloud.aiplatform
pypi  vertexai                    google       vertexai
pypi  cohere                      cohere       cohere
pypi  mistralai                   mistral      mistralai
pypi  groq                        groq         groq
pypi  together                    together     together
pypi  replicate                   replicate    replicate
pypi  ollama                      ollama       ollama
pypi  azure-ai-inference          azure        azure.ai.inference
pypi  azure-ai-projects           azure        azure.ai.projects
pypi  langchain-openai            openai       langchain_openai
pypi  langchain-anthropic         anthropic    langchain_anthropic
pypi  langchain-google-genai      google       langchain_google_genai
pypi  langchain-google-vertexai   google       langchain_google_vertexai
pypi  langchain-aws               aws          langchain_aws
pypi  langchain-mistralai         mistral      langchain_mistralai
pypi  langchain-groq              groq         langchain_groq
pypi  langchain-cohere            cohere       langchain_cohere
pypi  langchain-huggingface       huggingface  langchain_huggingface
pypi  langchain*                  langchain    langchain langchain_core langchain_community
pypi  langgraph*                  langchain    langgraph
pypi  llama-index-llms-openai     openai       llama_index.llms.openai
pypi  llama-index-llms-anthropic  anthropic    llama_index.llms.anthropic
pypi  llama-index*                llamaindex   llama_index
pypi  transformers                huggingface  transformers
pypi  huggingface-hub             huggingface  huggingface_hub
pypi  sentence-transformers       huggingface  sentence_transformers
pypi  litellm                     litellm      litellm
pypi  dspy*                       dspy         dspy
pypi  crewai                      crewai       crewai
npm   openai                      openai       =
npm   @anthropic-ai/*             anthropic    @anthropic-ai
npm   @google/generative-ai       google       =
npm   @google/genai               google       =
npm   @google-cloud/vertexai      google       =
npm   @aws-sdk/client-bedrock*    aws          @aws-sdk/client-bedrock
npm   cohere-ai                   cohere       =
npm   @mistralai/mistralai        mistral      =
npm   groq-sdk                    groq         =
npm   @azure/openai               azure        =
npm   @azure-rest/ai-inference    azure        =
npm   @huggingface/*              huggingface  @huggingface
npm   ollama                      ollama       =
npm   replicate                   replicate    =
npm   @ai-sdk/openai              openai       =
npm   @ai-sdk/anthropic           anthropic    =
npm   @ai-sdk/google*             google       @ai-sdk/google
npm   @ai-sdk/amazon-bedrock      aws          =
npm   @ai-sdk/azure               azure        =
npm   @ai-sdk/mistral             mistral      =
npm   @ai-sdk/*                   vercel       @ai-sdk
npm   ai                          vercel       =
npm   @langchain/openai           openai       =
npm   @langchain/anthropic        anthropic    =
npm   @langchain/google*          google       @langchain/google
npm   @langchain/aws              aws          =
npm   @langchain/*                langchain    @langchain
npm   langchain                   langchain    =
npm   llamaindex                  llamaindex   =
maven com.openai:*                openai       com.openai
maven com.theokanning.openai-gpt3-java:*  openai  com.theokanning.openai
maven io.github.sashirestela:simple-openai  openai  io.github.sashirestela.openai
maven com.anthropic:*             anthropic    com.anthropic
maven com.azure:azure-ai-openai   azure        com.azure.ai.openai
maven com.azure:azure-ai-inference  azure      com.azure.ai.inference
maven com.google.cloud:google-cloud-vertexai  google  com.google.cloud.vertexai
maven com.google.genai:*          google       com.google.genai
maven software.amazon.awssdk:bedrock*  aws     software.amazon.awssdk.services.bedrock
maven com.cohere:*                cohere       com.cohere
maven dev.langchain4j:langchain4j-open-ai*  openai  dev.langchain4j.model.openai
maven dev.langchain4j:langchain4j-anthropic*  anthropic  dev.langchain4j.model.anthropic
maven dev.langchain4j:langchain4j-azure-open-ai*  azure  dev.langchain4j.model.azure
maven dev.langchain4j:langchain4j-vertex-ai*  google  dev.langchain4j.model.vertexai
maven dev.langchain4j:*           langchain4j  dev.langchain4j
maven org.springframework.ai:spring-ai-openai*  openai  org.springframework.ai.openai
maven org.springframework.ai:spring-ai-anthropic*  anthropic  org.springframework.ai.anthropic
maven org.springframework.ai:*    spring-ai    org.springframework.ai
go    github.com/sashabaranov/go-openai        openai     =
go    github.com/openai/openai-go              openai     =
go    github.com/anthropics/anthropic-sdk-go   anthropic  =
go    github.com/google/generative-ai-go       google     =
go    google.golang.org/genai                  google     =
go    cloud.google.com/go/vertexai             google     =
go    cloud.google.com/go/aiplatform           google     =
go    github.com/aws/aws-sdk-go-v2/service/bedrock  aws   =
go    github.com/cohere-ai/cohere-go           cohere     =
go    github.com/Azure/azure-sdk-for-go/sdk/ai  azure     =
go    github.com/ollama/ollama                 ollama     github.com/ollama/ollama/api
go    github.com/tmc/langchaingo/llms/openai   openai     =
go    github.com/tmc/langchaingo               langchain  =
"""


def words(text: str) -> tuple[str, ...]:
    """The whitespace-separated words of a table written as text."""
    return tuple(text.split())


def _sdk(row: str) -> Sdk:
    ecosystem, name, provider, *imports = row.split()
    modules = () if imports == ["-"] else tuple(name if m == "=" else m for m in imports)
    return Sdk(Ecosystem(ecosystem), name, provider, modules, provider in FRAMEWORKS)


SDKS: tuple[Sdk, ...] = tuple(_sdk(row) for row in _SDK_TABLE.strip().splitlines())

# Model names as they appear in code and configuration. Each pattern is applied to the text
# with word boundaries; the o-series (``o1``, ``o3``) only inside quotes, as bare ``o3`` is
# too common a token. Case-insensitive (``Llama-3.1-70B-Instruct``).
_SUFFIX = r"[\w.:\-]*"
MODEL_PATTERNS: tuple[tuple[str, str], ...] = (
    ("openai", r"\b(?:chatgpt-4o|gpt-(?:3\.5|4(?:\.\d|o)?|5(?:\.\d)?|oss))" + _SUFFIX),
    (
        "openai",
        r"(?<=[\"'`])o[134](?:-mini|-pro|-preview|-deep-research)?(?:-\d{4}-\d\d-\d\d)?"
        r"(?=[\"'`])",
    ),
    (
        "openai",
        r"\b(?:text-embedding-(?:3-small|3-large|ada-002)|dall-e-[23]|whisper-1|tts-1(?:-hd)?)\b",
    ),
    ("anthropic", r"\bclaude-(?:instant|opus|sonnet|haiku|[1-9])" + _SUFFIX),
    (
        "google",
        r"\b(?:gemini-(?:\d|pro|ultra|flash|exp)|gemma-?\d|(?:text|chat|code)-bison"
        r"|textembedding-gecko)" + _SUFFIX,
    ),
    (
        "mistral",
        r"\b(?:open-)?(?:mistral|mixtral|codestral|ministral|pixtral|magistral)"
        r"-(?:large|medium|small|tiny|saba|embed|\d)" + _SUFFIX,
    ),
    ("meta", r"\b(?:meta-)?llama-?[234](?:\.\d)?(?:[-:][\w.:\-]*)?(?!\w)"),
    ("cohere", r"\b(?:command-(?:r-plus|r|light|a)|embed-(?:english|multilingual)-v\d)" + _SUFFIX),
    ("aws", r"\bamazon\.(?:titan|nova)-" + _SUFFIX),
    ("deepseek", r"\bdeepseek-(?:chat|coder|reasoner|r1|v\d)" + _SUFFIX),
    ("xai", r"\bgrok-\d" + _SUFFIX),
)

# Hosts of AI APIs in URLs and configuration.
ENDPOINT_PATTERNS: tuple[tuple[str, str], ...] = (
    ("openai", r"\bapi\.openai\.com\b"),
    ("azure", r"(?<![\w-])[\w-]{1,63}\.openai\.azure\.com\b"),
    ("azure", r"(?<![\w-])[\w-]{1,63}\.(?:services\.ai|cognitiveservices)\.azure\.com\b"),
    ("azure", r"\bmodels\.inference\.ai\.azure\.com\b"),
    ("aws", r"\bbedrock(?:-runtime|-agent-runtime|-agent)?(?:-fips)?\.[\w-]+\.amazonaws\.com\b"),
    ("google", r"(?<![\w-])(?:[\w-]{1,40}-)?aiplatform\.googleapis\.com\b"),
    ("google", r"\bgenerativelanguage\.googleapis\.com\b"),
    ("anthropic", r"\bapi\.anthropic\.com\b"),
    ("cohere", r"\bapi\.cohere\.(?:ai|com)\b"),
    ("mistral", r"\bapi\.mistral\.ai\b"),
    ("groq", r"\bapi\.groq\.com\b"),
    (
        "huggingface",
        r"\b(?:api-inference\.huggingface\.co|router\.huggingface\.co"
        r"|[\w-]{1,63}\.endpoints\.huggingface\.cloud)\b",
    ),
    ("together", r"\bapi\.together\.(?:xyz|ai)\b"),
    ("deepseek", r"\bapi\.deepseek\.com\b"),
    ("xai", r"\bapi\.x\.ai\b"),
    ("perplexity", r"\bapi\.perplexity\.ai\b"),
    ("openrouter", r"\bopenrouter\.ai\b"),
    ("fireworks", r"\bapi\.fireworks\.ai\b"),
    ("replicate", r"\bapi\.replicate\.com\b"),
)

# #10's detectors (``detectors.secret_keys``) find OpenAI, Anthropic and Google keys; these are
# the AI providers' key shapes it does not know, each with a literal prefix.
EXTRA_KEY_PATTERNS: tuple[tuple[str, str], ...] = (
    ("groq", r"(?<![\w-])gsk_[A-Za-z0-9]{52}(?![\w-])"),
    ("huggingface", r"(?<![\w-])hf_[A-Za-z]{34}(?![\w-])"),
    ("replicate", r"(?<![\w-])r8_[A-Za-z0-9]{37}(?![\w-])"),
    ("xai", r"(?<![\w-])xai-[A-Za-z0-9]{80}(?![\w-])"),
)
# Detection types of #10 that are AI provider keys, and whose.
KEY_PROVIDERS = {
    "secret.openai_key": "openai",
    "secret.anthropic_key": "anthropic",
    "secret.google_api_key": "google",
}

# boto3 is not an AI SDK by itself: its Bedrock clients are.
BOTO3_BEDROCK = re.compile(r"""client\(\s*(?:service_name\s*=\s*)?["'](bedrock[\w-]*)["']""")

# Lower-case literals of which every pattern above contains at least one: a file holding none
# of them is skipped after one Aho-Corasick pass (``codescan_text.may_hold_ai``), and only the
# lines holding one are searched. Common words are narrowed to how the SDK is written
# ("cohere" not "coherent", "replicate" as a module), and a key prefix to the characters a key
# follows in code (a quote, "=", ":"), as "task-" and "disk-" hold "sk-".
ANCHORS: tuple[str, ...] = tuple(
    anchor.replace("&", " ")  # "&" stands for a space inside an anchor
    for anchor in words(
        """
    openai anthropic generativeai generative-ai genai vertexai aiplatform bedrock mistral groq
    cohere- cohere. cohere_ /cohere 'cohere' "cohere" import&cohere from&cohere
    together.ai together.xyz import&together from&together
    replicate. import&replicate from&replicate 'replicate' "replicate" replicate==
    ollama azure-ai azure.ai langchain langgraph llama transformers
    huggingface litellm dspy crewai tiktoken springframework.ai ai-sdk sdk/ai ai-inference
    gpt- claude gemini gemma mixtral codestral ministral pixtral magistral
    command-r command-a command-light embed-english embed-multilingual
    text-embedding dall-e whisper-1 tts-1 deepseek grok- titan- nova- bison gecko
    "o1 'o1 `o1 "o3 'o3 `o3 "o4 'o4 `o4 'ai' "ai" `ai`
    openai.azure cognitiveservices inference.ai.azure api.x.ai perplexity openrouter fireworks
    "sk- 'sk- `sk- =sk- :sk- &sk- (sk- [sk- ,sk- aiza gsk_ hf_ r8_ xai-
    """
    )
)
