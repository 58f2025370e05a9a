"""A realistic code tree for the code-scan benchmark, with its ground truth.

``build_tree(root, files, seed)`` writes exactly ``files`` files: projects in Python,
JavaScript/TypeScript, Java and Go (manifests, source of varied size, tests, configuration,
docs, images), each with the noise a real checkout carries and a scanner must skip:
``node_modules`` (holding the ``openai`` package's own code), virtual environments
(``site-packages/anthropic``), ``.git`` objects, ``target``/``dist``/``__pycache__`` output,
``vendor``, a folder listed in a ``.gitignore`` and a few files over the 1 MB limit. About one
project in three uses AI (SDK in the manifest, imports, model names, an endpoint in its
configuration, sometimes a key): those are the planted integrations, returned with their
providers so that the benchmark can check what the scan found.
"""

from __future__ import annotations

import json
import os
import random
import zlib
from dataclasses import dataclass, field
from pathlib import Path

from aitower.discovery.codescan_catalog import words

LANGUAGES = ("python", "node", "java", "go")
WORDS = words(
    """account order invoice customer payment task-runner disk-usage queue cache session retry
    report export import batch worker schedule config client server handler token event
    metric status profile billing ledger shipment catalog search index user admin audit"""
)


@dataclass(frozen=True, slots=True)
class Ai:
    provider: str
    python: tuple[str, str]  # (requirement, import line)
    node: tuple[str, str]
    java: tuple[str, str]  # (group:artifact, import line)
    go: tuple[str, str]  # (module, import path)
    model: str
    endpoint: str


AIS = (
    Ai(
        "openai",
        ("openai==1.55.0", "from openai import OpenAI"),
        ("openai", 'import OpenAI from "openai";'),
        ("com.openai:openai-java", "import com.openai.client.OpenAIClient;"),
        ("github.com/openai/openai-go", "github.com/openai/openai-go"),
        "gpt-4o-mini",
        "https://api.openai.com/v1",
    ),
    Ai(
        "anthropic",
        ("anthropic>=0.40", "import anthropic"),
        ("@anthropic-ai/sdk", 'import Anthropic from "@anthropic-ai/sdk";'),
        ("com.anthropic:anthropic-java", "import com.anthropic.client.AnthropicClient;"),
        ("github.com/anthropics/anthropic-sdk-go", "github.com/anthropics/anthropic-sdk-go"),
        "claude-sonnet-4-5",
        "https://api.anthropic.com",
    ),
    Ai(
        "google",
        ("google-genai", "from google import genai"),
        ("@google/genai", 'import { GoogleGenAI } from "@google/genai";'),
        ("com.google.genai:google-genai", "import com.google.genai.Client;"),
        ("google.golang.org/genai", "google.golang.org/genai"),
        "gemini-2.5-flash",
        "https://europe-west4-aiplatform.googleapis.com",
    ),
    Ai(
        "azure",
        ("azure-ai-inference", "from azure.ai.inference import ChatCompletionsClient"),
        ("@azure/openai", 'const { AzureOpenAI } = require("@azure/openai");'),
        ("com.azure:azure-ai-openai", "import com.azure.ai.openai.OpenAIClient;"),
        (
            "github.com/Azure/azure-sdk-for-go/sdk/ai/azopenai",
            "github.com/Azure/azure-sdk-for-go/sdk/ai/azopenai",
        ),
        "gpt-4.1",
        "https://acme-prod.openai.azure.com/",
    ),
    Ai(
        "aws",
        ("langchain-aws", "from langchain_aws import ChatBedrock"),
        ("@aws-sdk/client-bedrock-runtime", 'import { X } from "@aws-sdk/client-bedrock-runtime";'),
        (
            "software.amazon.awssdk:bedrockruntime",
            "import software.amazon.awssdk.services.bedrockruntime.BedrockRuntimeClient;",
        ),
        (
            "github.com/aws/aws-sdk-go-v2/service/bedrockruntime",
            "github.com/aws/aws-sdk-go-v2/service/bedrockruntime",
        ),
        "amazon.nova-pro-v1:0",
        "https://bedrock-runtime.eu-west-1.amazonaws.com",
    ),
    Ai(
        "mistral",
        ("mistralai", "from mistralai import Mistral"),
        ("@mistralai/mistralai", 'import { Mistral } from "@mistralai/mistralai";'),
        (
            "dev.langchain4j:langchain4j-mistral-ai",
            "import dev.langchain4j.model.mistralai.MistralAiChatModel;",
        ),
        ("github.com/tmc/langchaingo", "github.com/tmc/langchaingo/llms"),
        "mistral-large-latest",
        "https://api.mistral.ai/v1",
    ),
)


@dataclass(slots=True)
class Tree:
    root: Path
    files: int = 0
    planted: dict[str, str] = field(default_factory=dict)  # project folder → provider
    noise_files: int = 0


class _Writer:
    def __init__(self, tree: Tree, limit: int, rng: random.Random) -> None:
        self.tree, self.limit, self.rng = tree, limit, rng

    @property
    def full(self) -> bool:
        return self.tree.files >= self.limit

    def write(self, rel: str, content: str | bytes, noise: bool = False) -> None:
        if self.full:
            return
        path = self.tree.root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        data = content.encode() if isinstance(content, str) else content
        path.write_bytes(data)
        self.tree.files += 1
        self.tree.noise_files += noise


def build_tree(root: Path, files: int, seed: int = 18) -> Tree:
    """Write the tree under ``root`` (which must not exist) and return its ground truth."""
    rng = random.Random(seed)
    tree = Tree(root)
    out = _Writer(tree, files, rng)
    n = 0
    while not out.full:
        language = LANGUAGES[n % len(LANGUAGES)]
        folder = f"{('services', 'libs', 'tools', 'apps')[n % 4]}/{rng.choice(WORDS)}-{n:04d}"
        ai = rng.choice(AIS) if rng.random() < 0.3 else None
        _project(out, folder, language, ai)
        if ai is not None and not out.full:
            tree.planted[folder] = ai.provider
        n += 1
    return tree


def _project(out: _Writer, folder: str, language: str, ai: Ai | None) -> None:
    rng = out.rng
    sources = rng.randint(30, 80)
    ai_files = set(rng.sample(range(sources), min(sources, rng.randint(1, 3)))) if ai else set()
    writers = {"python": _python, "node": _node, "java": _java, "go": _go}
    writers[language](out, folder, ai, sources, ai_files)
    for i in range(rng.randint(2, 6)):
        out.write(f"{folder}/docs/page-{i}.md", _prose(rng, rng.randint(20, 120)))
    out.write(f"{folder}/docs/diagram.png", rng.randbytes(rng.randint(2_000, 60_000)))
    config = f"service:\n  name: {folder}\n  port: {rng.randint(1000, 9999)}\n"
    if ai is not None:
        config += f"llm:\n  model: {ai.model}\n  endpoint: {ai.endpoint}\n"
    out.write(f"{folder}/config/settings.yaml", config + _prose(rng, 30, "# "))
    if rng.random() < 0.02:
        out.write(f"{folder}/data/fixtures.json", json.dumps([_prose(rng, 9)] * 30_000))
    for i in range(rng.randint(2, 12)):  # a checkout's .git objects
        out.write(
            f"{folder}/.git/objects/{i:02x}/{rng.getrandbits(64):016x}",
            zlib.compress(rng.randbytes(800)),
            noise=True,
        )
    out.write(f"{folder}/.gitignore", "generated/\n*.log\n")
    for i in range(rng.randint(0, 4)):
        out.write(
            f"{folder}/generated/client_{i}.py",
            "import openai\n" + _code(rng, "python", 40),
            noise=True,
        )


def _python(out: _Writer, folder: str, ai: Ai | None, n: int, ai_files: set[int]) -> None:
    rng = out.rng
    reqs = ["requests>=2.31", "pydantic>=2", "sqlalchemy", "fastapi", "uvicorn"]
    if ai is not None:
        reqs.insert(rng.randint(0, len(reqs)), ai.python[0])
    out.write(f"{folder}/requirements.txt", "\n".join(reqs) + "\n")
    for i in range(n):
        head = "import os\nimport json\nfrom datetime import datetime\n"
        if i in ai_files and ai is not None:
            head += f'{ai.python[1]}\n\nMODEL = "{ai.model}"\n'
        where = "tests/test_" if i % 5 == 0 else "app/"
        out.write(
            f"{folder}/{where}{rng.choice(WORDS).replace('-', '_')}_{i}.py",
            head + _code(rng, "python", _lines(rng)),
        )
        if i % 7 == 0:
            out.write(
                f"{folder}/app/__pycache__/m{i}.cpython-311.pyc",
                b"\x00\x0d\x0d\x0a" + rng.randbytes(3_000),
                noise=True,
            )
    if rng.random() < 0.3:  # a virtual environment in the project
        for i in range(rng.randint(20, 80)):
            out.write(
                f"{folder}/.venv/lib/python3.11/site-packages/anthropic/m{i}.py",
                "import anthropic\n" + _code(rng, "python", 60),
                noise=True,
            )
        out.write(f"{folder}/.venv/pyvenv.cfg", "home = /usr/bin\n", noise=True)


def _node(out: _Writer, folder: str, ai: Ai | None, n: int, ai_files: set[int]) -> None:
    rng = out.rng
    deps = {"react": "^18.3.0", "lodash": "^4.17.21", "express": "^4.19.0", "zod": "^3.23.0"}
    if ai is not None:
        deps[ai.node[0]] = "^1.0.0"
    manifest = {"name": folder.rsplit("/", 1)[1], "version": "1.0.0", "dependencies": deps}
    out.write(f"{folder}/package.json", json.dumps(manifest, indent=2))
    out.write(
        f"{folder}/package-lock.json",
        json.dumps({"packages": {f"node_modules/p{i}": {"version": "1.0.0"} for i in range(500)}}),
    )
    for i in range(n):
        head = 'import React from "react";\nimport _ from "lodash";\n'
        if i in ai_files and ai is not None:
            head += f'{ai.node[1]}\nconst MODEL = "{ai.model}";\n'
        ext = rng.choice((".ts", ".tsx", ".js"))
        out.write(
            f"{folder}/src/{rng.choice(WORDS)}{i}{ext}", head + _code(rng, "node", _lines(rng))
        )
    for i in range(rng.randint(15, 60)):  # installed packages, the SDK's own code among them
        pkg = ("openai", "lodash", "react-dom", "express")[i % 4]
        out.write(
            f"{folder}/node_modules/{pkg}/lib/f{i}.js",
            f'const x = require("{pkg}");\n' + _code(rng, "node", 80),
            noise=True,
        )
    out.write(f"{folder}/dist/bundle.min.js", _code(rng, "node", 300), noise=True)


def _java(out: _Writer, folder: str, ai: Ai | None, n: int, ai_files: set[int]) -> None:
    rng = out.rng
    deps = [
        "org.springframework.boot:spring-boot-starter-web",
        "com.fasterxml.jackson.core:jackson-databind",
    ]
    if ai is not None:
        deps.append(ai.java[0])
    body = "".join(
        f"    <dependency>\n      <groupId>{d.split(':')[0]}</groupId>\n"
        f"      <artifactId>{d.split(':')[1]}</artifactId>\n    </dependency>\n"
        for d in deps
    )
    out.write(
        f"{folder}/pom.xml", f"<project>\n  <dependencies>\n{body}  </dependencies>\n</project>\n"
    )
    for i in range(n):
        head = "package com.acme.app;\n\nimport java.util.List;\nimport java.util.Map;\n"
        if i in ai_files and ai is not None:
            head += f'{ai.java[1]}\n\nclass Llm{i} {{ String model = "{ai.model}"; }}\n'
        out.write(
            f"{folder}/src/main/java/com/acme/app/C{i}.java", head + _code(rng, "java", _lines(rng))
        )
        if i % 3 == 0:
            out.write(
                f"{folder}/target/classes/com/acme/app/C{i}.class",
                b"\xca\xfe\xba\xbe\x00" + rng.randbytes(2_000),
                noise=True,
            )


def _go(out: _Writer, folder: str, ai: Ai | None, n: int, ai_files: set[int]) -> None:
    rng = out.rng
    reqs = ["github.com/gin-gonic/gin v1.10.0", "github.com/stretchr/testify v1.9.0"]
    if ai is not None:
        reqs.append(f"{ai.go[0]} v1.0.0")
    requires = "\n\t".join(reqs)
    out.write(
        f"{folder}/go.mod", f"module example.com/x\n\ngo 1.22\n\nrequire (\n\t{requires}\n)\n"
    )
    out.write(f"{folder}/go.sum", "".join(f"{r} h1:abc=\n" for r in reqs))
    for i in range(n):
        imports = ['"fmt"', '"net/http"']
        extra = ""
        if i in ai_files and ai is not None:
            imports.append(f'"{ai.go[1]}"')
            extra = f'\nconst model = "{ai.model}"\n'
        head = "package main\n\nimport (\n\t" + "\n\t".join(imports) + "\n)\n" + extra
        out.write(f"{folder}/internal/f{i}.go", head + _code(rng, "go", _lines(rng)))
    for i in range(rng.randint(5, 25)):
        vendored = 'package openai\n\nimport "github.com/sashabaranov/go-openai"\n'
        out.write(f"{folder}/vendor/go-openai/f{i}.go", vendored + _code(rng, "go", 60), True)


def _lines(rng: random.Random) -> int:
    """Lines of a source file: log-normal, median ~90, a long tail to a few thousand."""
    return min(4_000, int(rng.lognormvariate(4.5, 0.9)))


_TEMPLATES = {
    "python": (
        "def {a}_{b}(value, retries=3):\n    result = {{'{a}': value, 'status': '{b}'}}\n"
        "    for i in range(retries):\n        if not result:\n"
        "            raise ValueError('{c}')\n"
        "    return result\n\n",
        "class {A}{B}:\n    def __init__(self, {a}):\n        self.{a} = {a}\n"
        "        self.{b}_count = 0\n\n",
        "# {a} {b} {c}: see the task-runner docs for the disk-usage policy\n",
    ),
    "node": (
        "export function {a}{B}(input) {{\n  const {b} = input.{c} ?? [];\n"
        "  return {b}.map((x) => ({{ ...x, {a}: true }}));\n}}\n\n",
        "const {a}Route = async (req, res) => {{\n  res.json({{ {b}: req.params.{c} }});\n}};\n",
        "// {a} {b} {c}: task-queue and disk-cache notes\n",
    ),
    "java": (
        "    public List<String> {a}{B}(Map<String, Object> {c}) {{\n"
        '        return {c}.keySet().stream().filter(k -> k.startsWith("{b}")).toList();\n'
        "    }}\n\n",
        '    private final String {a} = "{b}-{c}";\n',
        "    // {a} {b} {c}\n",
    ),
    "go": (
        "func {A}{B}(w http.ResponseWriter, r *http.Request) {{\n"
        '\tfmt.Fprintf(w, "{a} %s", r.URL.Query().Get("{c}"))\n}}\n\n',
        'var {a}{B} = map[string]int{{"{b}": 1, "{c}": 2}}\n',
        "// {a} {b} {c}: task-runner\n",
    ),
}


def _code(rng: random.Random, language: str, lines: int) -> str:
    templates = _TEMPLATES[language]
    parts: list[str] = []
    count = 0
    while count < lines:
        a, b, c = (rng.choice(WORDS).replace("-", "_") for _ in range(3))
        chunk = rng.choice(templates).format(a=a, b=b, c=c, A=a.title(), B=b.title())
        parts.append(chunk)
        count += chunk.count("\n")
    return "".join(parts)


def _prose(rng: random.Random, words: int, prefix: str = "") -> str:
    text = " ".join(rng.choice(WORDS) for _ in range(words))
    return prefix + text + os.linesep
