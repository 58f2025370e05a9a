"""The files the demo's discovery scans: a week of web-gateway log and a folder of code. Pure.

The log is the Zscaler NSS web feed layout (``zscaler-nss-web``: 34 quoted fields, the
department in ``dept``), so each use lands in the unit its department names. It holds what a
security specialist expects to find in a week: mostly ordinary traffic; the sanctioned model
APIs the company's own systems call; IT's sanctioned ChatGPT and Copilot; and people in five
units using consumer chat assistants, an image generator, a meeting recorder and a coding tool
nobody approved, two of them uploading files (data leaving). Two lines are cut short, as a
feed's last line is when a collector restarts: the scan counts them as malformed.

The code folder holds three projects: two call model providers no registered system claims
(a Python contract-clause extractor calling Anthropic, a TypeScript sales e-mail drafter
calling OpenAI) and one has no AI at all.
"""

from __future__ import annotations

import random
from collections.abc import Iterator
from datetime import datetime, timedelta

# (login, department, service host and path, requests per working day, bytes sent per request)
AI_USE: tuple[tuple[str, str, str, int, int], ...] = (
    ("svc-support-bot", "Customer Support",
     "bedrock-runtime.eu-central-1.amazonaws.com/model/anthropic.claude-3-5-sonnet/invoke", 60,
     6_000),
    ("svc-triage", "Customer Support",
     "contoso-triage.openai.azure.com/openai/deployments/gpt-4o/chat/completions", 30, 4_000),
    ("priya.nair@example.com", "Customer Support", "chatgpt.com/backend-api/conversation", 14,
     9_000),
    ("lena.fischer@example.com", "Customer Support", "claude.ai/api/append_message", 9, 7_000),
    ("sam.taylor@example.com", "Marketing", "www.midjourney.com/api/submit-jobs", 8, 3_000),
    ("sam.taylor@example.com", "Marketing", "chatgpt.com/backend-api/conversation", 6, 8_000),
    ("noah.brooks@example.com", "Marketing", "otter.ai/forward/api/v1/speech_upload", 2,
     2_400_000),
    ("daniel.weber@example.com", "Finance", "claude.ai/api/convert_document", 3, 3_500_000),
    ("mei.lin@example.com", "Operations", "chat.deepseek.com/api/v0/file/upload_file", 2,
     2_800_000),
    ("mei.lin@example.com", "Operations", "chat.deepseek.com/api/v0/chat/completion", 10,
     5_000),
    ("omar.haddad@example.com", "Risk", "www.perplexity.ai/rest/sse/perplexity_ask", 7, 4_000),
    ("ethan.ramirez@example.com", "IT", "api.individual.githubcopilot.com/chat/completions", 40,
     12_000),
    ("ethan.ramirez@example.com", "IT", "api2.cursor.sh/aiserver.v1.ChatService/StreamChat", 12,
     15_000),
    ("ines.costa@example.com", "IT", "chatgpt.com/backend-api/conversation", 11, 6_000),
)  # fmt: skip
# Ordinary traffic around it: (host and path, department-neutral).
OTHER_SITES = (
    "outlook.office365.com/owa/service.svc",
    "example.sharepoint.com/sites/intranet/_api/web",
    "example.my.salesforce.com/services/data/v61.0/query",
    "www.google.com/search",
    "slack.com/api/conversations.history",
    "github.com/example/payments/pulls",
    "en.wikipedia.org/wiki/Contract",
    "zoom.us/wc/join",
)
OTHER_USERS = (
    ("priya.nair@example.com", "Customer Support"),
    ("sam.taylor@example.com", "Marketing"),
    ("daniel.weber@example.com", "Finance"),
    ("mei.lin@example.com", "Operations"),
    ("omar.haddad@example.com", "Risk"),
    ("ethan.ramirez@example.com", "IT"),
)
OTHER_PER_DAY = 180
DEPARTMENT_SUBNETS = {
    "Customer Support": 10, "Marketing": 20, "Finance": 30, "Operations": 40, "Risk": 50,
    "IT": 60,
}  # fmt: skip


def _nss_time(at: datetime) -> str:
    """Zscaler's ``time``: ``Mon Nov  2 09:15:22 2026`` in GMT, the day not zero-padded."""
    return f"{at:%a %b} {at.day} {at:%H:%M:%S %Y}"


def _line(at: datetime, login: str, dept: str, url: str, sent: int, received: int) -> str:
    host = url.split("/", 1)[0]
    client = f"10.{DEPARTMENT_SUBNETS[dept]}.{sum(map(ord, login)) % 250 + 2}.{len(login)}"
    fields = (
        _nss_time(at), login, "HTTPS", url, "Allowed", host, "General Browsing", str(sent),
        str(received), "120", "15", "Business Use", "Information Technology", "Web Search",
        "None", "None", "0", "None", "None", "Head Office", dept, client, "203.0.113.10",
        "POST" if sent > 2_000 else "GET", "200", "Mozilla/5.0", "None", "None", "None",
        "application/json", "None", "None", "None", "N/A",
    )  # fmt: skip
    return ",".join(f'"{value}"' for value in fields)


def _working_days(end: datetime, days: int) -> Iterator[datetime]:
    for back in range(days, 0, -1):
        day = (end - timedelta(days=back)).replace(hour=8, minute=0, second=0, microsecond=0)
        if day.weekday() < 5:
            yield day


def gateway_log(end: datetime, days: int = 7, seed: int = 18) -> str:
    """``days`` of the demo company's web-gateway log before ``end`` (UTC), lines in time
    order, two of them malformed."""
    rng = random.Random(seed)  # noqa: S311 (made-up traffic, not secrets)
    lines: list[tuple[datetime, str]] = []
    for day in _working_days(end, days):
        for login, dept, url, per_day, sent in AI_USE:
            for _ in range(per_day):
                at = day + timedelta(seconds=rng.randrange(9 * 3600))
                bytes_out = int(sent * rng.uniform(0.6, 1.4))
                lines.append(
                    (at, _line(at, login, dept, url, bytes_out, rng.randrange(900, 60_000)))
                )
        for _ in range(OTHER_PER_DAY):
            at = day + timedelta(seconds=rng.randrange(9 * 3600))
            login, dept = rng.choice(OTHER_USERS)
            site = rng.choice(OTHER_SITES)
            lines.append((at, _line(at, login, dept, site, rng.randrange(300, 4_000),
                                    rng.randrange(2_000, 400_000))))  # fmt: skip
    lines.sort(key=lambda item: item[0])
    text = [line for _, line in lines]
    for cut in (len(text) // 3, 2 * len(text) // 3):
        text[cut] = text[cut][: len(text[cut]) // 2]  # a line cut short by a restart
    return "\n".join(text) + "\n"


CODE_FILES: dict[str, str] = {
    "contract-clauses/requirements.txt": "anthropic==0.40.0\npypdf==5.1.0\n",
    "contract-clauses/extract.py": '''"""Pull liability and renewal clauses out of a contract."""

import anthropic
from pypdf import PdfReader

client = anthropic.Anthropic()


def clauses(path: str) -> str:
    text = "\\n".join(page.extract_text() for page in PdfReader(path).pages)
    reply = client.messages.create(
        model="claude-3-5-haiku-latest",
        max_tokens=1024,
        messages=[{"role": "user", "content": "List the liability and renewal clauses:\\n" + text}],
    )
    return reply.content[0].text
''',
    "sales-email-drafter/package.json": """{
  "name": "sales-email-drafter",
  "version": "0.3.0",
  "private": true,
  "dependencies": {
    "openai": "^4.73.0",
    "express": "^4.21.1"
  }
}
""",
    "sales-email-drafter/src/draft.ts": """import OpenAI from "openai";

const openai = new OpenAI();

export async function draftFollowUp(notes: string): Promise<string> {
  const reply = await openai.chat.completions.create({
    model: "gpt-4o-mini",
    messages: [{ role: "user", content: `Draft a follow-up e-mail from these notes: ${notes}` }],
  });
  return reply.choices[0].message.content ?? "";
}
""",
    "invoice-export/requirements.txt": "requests==2.32.3\n",
    "invoice-export/export.py": '''"""Export last month's invoices (no AI here)."""

import csv

import requests


def export(url: str, path: str) -> None:
    rows = requests.get(url, timeout=30).json()
    with open(path, "w", newline="") as out:
        csv.writer(out).writerows(rows)
''',
}
