"""Hand-written small repositories, one per language, with the hits a reader finds in them.

Keys are fake but shaped like real ones (random characters behind the provider's prefix), so
that #10's detectors report them.
"""

from __future__ import annotations

import json
from pathlib import Path

ANTHROPIC_KEY = "sk-ant-api03-Qm7vR2kL9xTz4NcW8pHs3JdF6yBgE1uA5oKiVnXe"
GOOGLE_KEY = "AIzaSyC8mQ2vL7xR4tN9kW3pZs6JdF1yBgE5uHo"
OPENAI_KEY = "sk-proj-Rk3mQ8vLz2Tx7NcW4pHs9JdF6yBgE1uA5oKiVnXeMq"


def write(root: Path, files: dict[str, str | bytes]) -> Path:
    for rel, content in files.items():
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(content, bytes):
            path.write_bytes(content)
        else:
            path.write_text(content)
    return root


PYTHON = {
    "py-bot/pyproject.toml": """[project]
name = "py-bot"
dependencies = [
    "anthropic>=0.40",
    "requests",
    "langchain-openai==0.2.0",
]

[project.optional-dependencies]
google = ["google-generativeai"]
""",
    "py-bot/bot/main.py": """import os
import anthropic
from google import genai
from langchain_openai import ChatOpenAI
import boto3

client = boto3.client("bedrock-runtime", region_name="eu-west-1")
MODEL = "claude-sonnet-4-5"
FAST = 'o3-mini'
# the task-runner and disk-usage are not keys, nor is o3 outside quotes
""",
    "py-bot/config/llm.yaml": """provider: azure
endpoint: https://acme-eu.openai.azure.com/openai/deployments/chat
model: gpt-4o
""",
    "py-bot/.env": f"LOG_LEVEL=info\nANTHROPIC_API_KEY={ANTHROPIC_KEY}\n",
}
PYTHON_HITS = [
    ("py-bot/.env", 2, "key", "anthropic"),
    ("py-bot/bot/main.py", 2, "import", "anthropic", "anthropic"),
    ("py-bot/bot/main.py", 3, "import", "google", "google.genai"),
    ("py-bot/bot/main.py", 4, "import", "openai", "langchain_openai"),
    ("py-bot/bot/main.py", 7, "import", "aws", "boto3 bedrock-runtime"),
    ("py-bot/bot/main.py", 8, "model", "anthropic", "claude-sonnet-4-5"),
    ("py-bot/bot/main.py", 9, "model", "openai", "o3-mini"),
    ("py-bot/config/llm.yaml", 2, "endpoint", "azure", "acme-eu.openai.azure.com"),
    ("py-bot/config/llm.yaml", 3, "model", "openai", "gpt-4o"),
    ("py-bot/pyproject.toml", 4, "dependency", "anthropic", "anthropic"),
    ("py-bot/pyproject.toml", 6, "dependency", "openai", "langchain-openai"),
    ("py-bot/pyproject.toml", 10, "dependency", "google", "google-generativeai"),
]

JAVASCRIPT = {
    "web-chat/package.json": json.dumps(
        {
            "name": "web-chat",
            "dependencies": {"openai": "^4.0.0", "ai": "^4.0.0", "react": "^18.0.0"},
            "devDependencies": {"@ai-sdk/google": "^1.0.0", "@anthropic-ai/sdk": "^0.30.0"},
        },
        indent=2,
    ),
    "web-chat/src/chat.ts": """import OpenAI from "openai";
import { streamText } from 'ai';
import { google } from "@ai-sdk/google";
const Anthropic = require("@anthropic-ai/sdk");
const model = google("gemini-2.5-flash");
const url = "https://api.openai.com/v1/chat/completions";
import _ from "lodash";
""",
}
JAVASCRIPT_HITS = [
    ("web-chat/package.json", 4, "dependency", "openai", "openai"),
    ("web-chat/package.json", 5, "dependency", "vercel", "ai"),
    ("web-chat/package.json", 9, "dependency", "google", "@ai-sdk/google"),
    ("web-chat/package.json", 10, "dependency", "anthropic", "@anthropic-ai/sdk"),
    ("web-chat/src/chat.ts", 1, "import", "openai", "openai"),
    ("web-chat/src/chat.ts", 2, "import", "vercel", "ai"),
    ("web-chat/src/chat.ts", 3, "import", "google", "@ai-sdk/google"),
    ("web-chat/src/chat.ts", 4, "import", "anthropic", "@anthropic-ai/sdk"),
    ("web-chat/src/chat.ts", 5, "model", "google", "gemini-2.5-flash"),
    ("web-chat/src/chat.ts", 6, "endpoint", "openai", "api.openai.com"),
]

JAVA = {
    "java-assist/pom.xml": """<project>
  <dependencies>
    <dependency>
      <groupId>com.openai</groupId>
      <artifactId>openai-java</artifactId>
    </dependency>
    <dependency>
      <groupId>dev.langchain4j</groupId>
      <artifactId>langchain4j-open-ai</artifactId>
    </dependency>
    <dependency>
      <groupId>org.slf4j</groupId>
      <artifactId>slf4j-api</artifactId>
    </dependency>
  </dependencies>
</project>
""",
    "java-assist/build.gradle.kts": """dependencies {
    implementation("com.azure:azure-ai-openai:1.0.0-beta.12")
    implementation("com.google.guava:guava:33.0.0-jre")
}
""",
    "java-assist/src/main/java/acme/Assist.java": f"""package acme;

import com.openai.client.OpenAIClient;
import dev.langchain4j.model.openai.OpenAiChatModel;
import java.util.List;

class Assist {{ String m = "gpt-4.1-mini"; String key = "{GOOGLE_KEY}"; }}
""",
}
JAVA_HITS = [
    ("java-assist/build.gradle.kts", 2, "dependency", "azure", "com.azure:azure-ai-openai"),
    ("java-assist/pom.xml", 5, "dependency", "openai", "com.openai:openai-java"),
    ("java-assist/pom.xml", 9, "dependency", "openai", "dev.langchain4j:langchain4j-open-ai"),
    (
        "java-assist/src/main/java/acme/Assist.java",
        3,
        "import",
        "openai",
        "com.openai.client.OpenAIClient",
    ),
    (
        "java-assist/src/main/java/acme/Assist.java",
        4,
        "import",
        "openai",
        "dev.langchain4j.model.openai.OpenAiChatModel",
    ),
    ("java-assist/src/main/java/acme/Assist.java", 7, "key", "google"),
    ("java-assist/src/main/java/acme/Assist.java", 7, "model", "openai", "gpt-4.1-mini"),
]

GO = {
    "go-agent/go.mod": """module example.com/agent

go 1.22

require github.com/anthropics/anthropic-sdk-go v1.2.0

require (
\tgithub.com/sashabaranov/go-openai v1.36.0
\tgithub.com/gin-gonic/gin v1.10.0
)
""",
    "go-agent/main.go": """package main

import (
\t"fmt"
\topenai "github.com/sashabaranov/go-openai"
\t"github.com/anthropics/anthropic-sdk-go/option"
)

const endpoint = "https://bedrock-runtime.us-east-1.amazonaws.com"
""",
    "go-agent/single.go": 'package main\n\nimport "github.com/openai/openai-go/v2"\n',
}
GO_HITS = [
    ("go-agent/go.mod", 5, "dependency", "anthropic", "github.com/anthropics/anthropic-sdk-go"),
    ("go-agent/go.mod", 8, "dependency", "openai", "github.com/sashabaranov/go-openai"),
    ("go-agent/main.go", 5, "import", "openai", "github.com/sashabaranov/go-openai"),
    ("go-agent/main.go", 6, "import", "anthropic", "github.com/anthropics/anthropic-sdk-go/option"),
    ("go-agent/main.go", 9, "endpoint", "aws", "bedrock-runtime.us-east-1.amazonaws.com"),
    ("go-agent/single.go", 3, "import", "openai", "github.com/openai/openai-go/v2"),
]
