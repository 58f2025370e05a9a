# ruff: noqa: E501  (log lines are as long as the logs write them)
"""Hand-written log samples (each line made up for these tests) and the patterns they use."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

PATTERNS = [
    ("openai", "openai.com", ""),
    ("chatgpt", "chatgpt.com", ""),
    ("azure-openai", "openai.azure.com", ""),
    ("azure-openai", "cognitiveservices.azure.com", "/openai/"),
    ("claude", "claude.ai", ""),
    ("anthropic-api", "api.anthropic.com", ""),
    ("vertex-ai", "us-central1-aiplatform.googleapis.com", "/v1/projects/"),
]

NINE = 1_793_610_000  # 2026-11-02T09:00:00Z

# Squid native format: the elapsed column padded to six characters; line 8 is garbage,
# line 9 is cut short, line 10 is blank (not malformed), line 5 goes to a decoy.
SQUID_LOG = """\
1793610000.120    312 10.20.1.15 TCP_TUNNEL/200 48213 CONNECT api.openai.com:443 alice HIER_DIRECT/162.159.140.245 -
1793610002.004     45 10.20.1.15 TCP_MISS/200 1532 GET http://www.bbc.co.uk/news - HIER_DIRECT/151.101.0.81 text/html
1793610003.771   1201 10.20.1.15 TCP_TUNNEL/200 9120 CONNECT chatgpt.com:443 alice HIER_DIRECT/104.18.32.47 -
1793610010.500    250 10.20.2.31 TCP_MISS/200 2210 POST http://contoso-eus.openai.azure.com/openai/deployments/gpt-4o/chat/completions?api-version=2024-06-01 bob HIER_DIRECT/20.62.58.8 application/json
1793610011.000     12 10.20.2.31 TCP_TUNNEL/200 800 CONNECT notopenai.com:443 bob HIER_DIRECT/203.0.113.9 -
1793610060.250    980 10.20.1.15 TCP_TUNNEL/200 15000 CONNECT API.OpenAI.com:443 alice HIER_DIRECT/162.159.140.245 -
1793610070.000      7 10.20.3.7 TCP_DENIED/403 3922 CONNECT claude.ai:443 CORP%5Ccarol HIER_NONE/- text/html
this line is garbage
1793610080.000     17 10.20.3.7 TCP_MISS/200

1793610090.000     30 10.20.3.7 TCP_MISS/200 640 GET http://us-central1-aiplatform.googleapis.com/v1/projects/p/locations/us-central1/publishers/google/models/gemini-1.5-pro:generateContent - HIER_DIRECT/142.250.1.95 application/json
1793610095.000     30 10.20.3.7 TCP_TUNNEL/200 700 CONNECT us-central1-aiplatform.googleapis.com:443 - HIER_DIRECT/142.250.1.95 -
"""

# A proxy's own CSV export, with a header; one row has a broken time, one too few columns.
CSV_LOG = """\
time,user,src_ip,department,url,bytes_out,bytes_in
2026-11-02T09:00:00Z,alice@acme.example,10.20.1.15,Finance,https://api.openai.com/v1/chat/completions,5120,20480
2026-11-02 10:05:00+01:00,alice@acme.example,10.20.1.15,Finance,https://api.openai.com/v1/embeddings,1024,64
2026-11-02T09:07:30Z,bob@acme.example,10.20.2.31,Legal,https://www.example.org/terms,300,9000
yesterday,bob@acme.example,10.20.2.31,Legal,https://claude.ai/api/append_message,10,10
2026-11-02T09:09:00Z,bob@acme.example,10.20.2.31
2026-11-02T09:10:00Z,"Smith, Jo",10.20.9.9,"Sales, EMEA",https://claude.ai/api/append_message,777,1500
"""
CSV_MAPPING = {
    "timestamp": "time", "url": "url", "user": "user", "client": "src_ip",
    "department": "department", "bytes_out": "bytes_out", "bytes_in": "bytes_in",
}  # fmt: skip

# A DNS resolver's query log as JSON Lines: epoch milliseconds, nested keys, a trailing dot.
DNS_JSONL = """\
{"ts": 1793610000250, "query": {"name": "api.anthropic.com.", "type": "A"}, "client": {"ip": "10.20.4.2"}, "user": "dave"}
{"ts": 1793610001000, "query": {"name": "intranet.acme.example.", "type": "AAAA"}, "client": {"ip": "10.20.4.2"}, "user": "dave"}
{"ts": 1793610030500, "query": {"name": "API.ANTHROPIC.COM", "type": "AAAA"}, "client": {"ip": "10.20.4.2"}, "user": "dave"}
{"ts": 1793610031000, "query": {"name": "chatgpt.com.", "type": "A"}, "client": {"ip": "10.20.4.3"}}
{"ts": 17936100
[1, 2, 3]
"""
DNS_MAPPING = {"timestamp": "ts", "host": "query.name", "client": "client.ip", "user": "user"}


def write(tmp_path: Path, name: str, text: str) -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def at(seconds: float) -> datetime:
    return datetime.fromtimestamp(seconds, tz=UTC)
