"""A realistic Squid ``access.log`` (native format) for ``discovery_logs.py``, made once.

Most lines are ordinary web traffic (a Zipf-like mix of ~20,000 sites, 70 % of it HTTPS
``CONNECT`` tunnels, the rest plain ``GET``/``POST`` with paths and queries); about 3 % go to
AI services (chat sites, model APIs, Azure OpenAI, Bedrock, Vertex), some to decoys that only
look like them (``notopenai.com``, ``openai.com.example.net``); 5,000 client addresses, 4,000
authenticated users, each mostly at one address (a fifth of the lines carry ``-``), and one
line in 10,000 malformed (truncated, garbled, a timestamp that is not a number).
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # numpy is imported where a file is made: the peers' venv may lack it
    import numpy as np

DATA = Path(__file__).resolve().parent / ".data"
LINES_PER_CHUNK = 200_000
START = 1_793_577_600  # 2026-11-02T00:00:00Z

AI_HOSTS = [
    ("api.openai.com", "/v1/chat/completions"), ("chatgpt.com", "/backend-api/conversation"),
    ("claude.ai", "/api/organizations"), ("api.anthropic.com", "/v1/messages"),
    ("gemini.google.com", "/app"), ("generativelanguage.googleapis.com", "/v1beta/models"),
    ("copilot.microsoft.com", "/c/api"), ("contoso-eastus.openai.azure.com", "/openai/deployments"),
    ("bedrock-runtime.us-east-1.amazonaws.com", "/model/anthropic.claude-3-5/invoke"),
    ("us-central1-aiplatform.googleapis.com", "/v1/projects/acme/locations/us-central1"),
    ("huggingface.co", "/api/models"), ("api.mistral.ai", "/v1/chat/completions"),
    ("api.cohere.com", "/v2/chat"), ("www.perplexity.ai", "/search"), ("poe.com", "/"),
    ("api.groq.com", "/openai/v1/chat/completions"), ("chat.deepseek.com", "/api/v0/chat"),
    ("ai-scratch.cognitiveservices.azure.com", "/openai/deployments/gpt-4o/chat"),
]  # fmt: skip
DECOYS = ["notopenai.com", "openai.com.example.net", "s3.amazonaws.com", "fonts.googleapis.com"]
WORDS = ["news", "shop", "cdn", "static", "mail", "docs", "img", "api", "portal", "media"]
TLDS = ["com", "net", "org", "de", "co.uk", "io", "fr"]
ACTIONS_TLS = ["TCP_TUNNEL/200"] * 20 + ["TCP_DENIED/403", "NONE_NONE/000"]
ACTIONS_HTTP = ["TCP_MISS/200"] * 10 + ["TCP_HIT/200"] * 4 + ["TCP_MISS/304", "TCP_MISS/404"]
TYPES = ["text/html", "application/json", "image/png", "text/css", "-", "application/javascript"]
MALFORMED = [
    "1793577600.123     17 10.0.0.9 TCP_MISS/200",
    "garbage \x01\x02 not a squid line at all",
    "17935776OO.123     17 10.0.0.9 TCP_MISS/200 512 GET http://example.com/ - HIER_NONE/- -",
]


# A catalogue like the one discovery ships: (service, host suffix, path prefix).
PATTERNS = [
    ("openai", "openai.com", ""), ("chatgpt", "chatgpt.com", ""),
    ("chatgpt", "oaiusercontent.com", ""),
    ("claude", "claude.ai", ""), ("anthropic-api", "anthropic.com", ""),
    ("gemini", "gemini.google.com", ""), ("gemini-api", "generativelanguage.googleapis.com", ""),
    ("vertex-ai", "aiplatform.googleapis.com", ""),
    ("vertex-ai", "us-central1-aiplatform.googleapis.com", ""),
    ("vertex-ai", "europe-west4-aiplatform.googleapis.com", ""),
    ("copilot", "copilot.microsoft.com", ""), ("github-copilot", "githubcopilot.com", ""),
    ("azure-openai", "openai.azure.com", ""),
    ("azure-openai", "cognitiveservices.azure.com", "/openai/"),
    ("azure-ai-foundry", "services.ai.azure.com", "/models/"),
    ("aws-bedrock", "bedrock-runtime.us-east-1.amazonaws.com", ""),
    ("aws-bedrock", "bedrock-runtime.us-west-2.amazonaws.com", ""),
    ("aws-bedrock", "bedrock-runtime.eu-central-1.amazonaws.com", ""),
    ("huggingface", "huggingface.co", ""), ("huggingface", "hf.co", ""),
    ("mistral", "mistral.ai", ""), ("cohere", "cohere.com", ""), ("cohere", "cohere.ai", ""),
    ("perplexity", "perplexity.ai", ""), ("poe", "poe.com", ""), ("groq", "groq.com", ""),
    ("deepseek", "deepseek.com", ""), ("character-ai", "character.ai", ""),
    ("you-com", "you.com", ""), ("jasper", "jasper.ai", ""), ("writesonic", "writesonic.com", ""),
    ("midjourney", "midjourney.com", ""), ("stability", "stability.ai", ""),
    ("replicate", "replicate.com", ""), ("together", "together.xyz", ""),
    ("fireworks", "fireworks.ai", ""), ("openrouter", "openrouter.ai", ""),
    ("xai-grok", "x.ai", ""), ("grok", "grok.com", ""), ("meta-ai", "meta.ai", ""),
    ("elevenlabs", "elevenlabs.io", ""), ("runway", "runwayml.com", ""),
    ("notion-ai", "notion.so", "/api/v3/getCompletion"), ("grammarly", "grammarly.com", ""),
    ("deepl", "deepl.com", ""), ("quillbot", "quillbot.com", ""), ("otter", "otter.ai", ""),
    ("tabnine", "tabnine.com", ""), ("codeium", "codeium.com", ""), ("cursor", "cursor.sh", ""),
    ("cursor", "cursor.com", ""), ("phind", "phind.com", ""), ("pi", "pi.ai", ""),
    ("qwen", "qwen.ai", ""), ("moonshot-kimi", "moonshot.cn", ""), ("zhipu", "bigmodel.cn", ""),
    ("ai21", "ai21.com", ""), ("lmarena", "lmarena.ai", ""), ("gamma", "gamma.app", ""),
]  # fmt: skip


def _hosts(n: int) -> np.ndarray:
    import numpy as np

    names = [f"{WORDS[i % len(WORDS)]}{i // 7}.site{i}.{TLDS[i % len(TLDS)]}" for i in range(n)]
    return np.array(names, dtype=object)


def _chunk(rng: np.random.Generator, start_line: int, hosts: np.ndarray) -> str:
    import numpy as np

    n = LINES_PER_CHUNK
    stamps = START + (start_line + np.arange(n)) * 0.011 + rng.random(n) * 0.01
    elapsed = rng.exponential(300, n).astype(np.int64)
    users = rng.integers(0, 5_000, n)  # 4,000 users, the rest "-"
    # A user works from their own machine, now and then from another one.
    clients = np.where(rng.random(n) < 0.9, users, rng.integers(0, 5_000, n))
    popular = np.minimum(rng.zipf(1.3, n) - 1, len(hosts) - 1)
    kind = rng.random(n)
    tls = rng.random(n) < 0.7
    size = rng.lognormal(8, 1.5, n).astype(np.int64)
    ai_pick = rng.integers(0, len(AI_HOSTS), n)
    decoy_pick = rng.integers(0, len(DECOYS), n)
    out = []
    for i in range(n):
        if kind[i] < 0.03:
            host, path = AI_HOSTS[ai_pick[i]]
        elif kind[i] < 0.035:
            host, path = DECOYS[decoy_pick[i]], "/v1/chat/completions"
        else:
            host, path = hosts[popular[i]], f"/{WORDS[i % 10]}/{i % 997}.html?id={i % 31}"
        if kind[i] > 0.9999:
            out.append(MALFORMED[i % len(MALFORMED)])
            continue
        user = f"u{users[i]:05d}" if users[i] < 4_000 else "-"
        client = f"10.{clients[i] >> 8}.{clients[i] & 255}.{(clients[i] * 7) % 250 + 1}"
        if tls[i]:
            action, method, url = ACTIONS_TLS[i % len(ACTIONS_TLS)], "CONNECT", f"{host}:443"
            peer, ctype = f"HIER_DIRECT/{host}", "-"
        else:
            action, method = ACTIONS_HTTP[i % len(ACTIONS_HTTP)], "POST" if i % 5 == 0 else "GET"
            url, peer, ctype = f"http://{host}{path}", f"HIER_DIRECT/{host}", TYPES[i % 6]
        out.append(
            f"{stamps[i]:.3f} {elapsed[i]:6d} {client} {action} {size[i]} {method} {url} "
            f"{user} {peer} {ctype}"
        )
    return "\n".join(out) + "\n"


def make_squid_log(gigabytes: float) -> Path:
    """The file ``bench/.data/squid-<G>g.log``, written on first use."""
    path = DATA / f"squid-{gigabytes:g}g.log"
    if path.exists():
        return path
    import numpy as np

    DATA.mkdir(exist_ok=True)
    target = int(gigabytes * 1024**3)
    rng = np.random.default_rng(18)
    hosts = _hosts(20_000)
    print(f"making {path} ({gigabytes:g} GB, once)…", file=sys.stderr)
    partial = path.with_suffix(".partial")
    with partial.open("w", encoding="utf-8") as out:
        line = 0
        while out.tell() < target:
            out.write(_chunk(rng, line, hosts))
            line += LINES_PER_CHUNK
    partial.rename(path)
    return path


if __name__ == "__main__":
    print(make_squid_log(float(sys.argv[1]) if len(sys.argv) > 1 else 1.0))
