"""A million stored spans with realistic message content, for ``content_search.py``.

Rows are shaped as ingest shapes them (``ingest._span_row``: the span columns, content as
``{"input": <messages JSON as sent>, "output": …, "other": {…}}``) and their search text is
computed by the function ingest uses (``search_text``), then both are bulk inserted: ingest's
own path (``store_spans``) is measured by ``telemetry_ingest.py`` and would take most of an
hour here. The text: sentences drawn from a pool of 6,000 made of 900 words with Zipf
frequencies, 300–800 characters a span, plus order numbers; rare needles (IBANs, an API key)
in a few hundred spans. Fixed seed.
"""

from __future__ import annotations

import json
import random
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from aitower.telemetry.search_text import search_text

END = datetime(2026, 12, 1, tzinfo=UTC)
DAYS = 30
SYSTEMS = 20
IBANS = (
    "DE89370400440532013000",
    "GB29NWBK60161331926819",
    "FR1420041010050500013M02606",
    "NL91ABNA0417164300",
    "ES9121000418450200051332",
)
API_KEY = "sk-live-4f9a8c2e7b1d3a6f0e5c9b2a"
_SYLLABLES = str.split(
    "ka ro mi ne ta lo su pe di an ver sel mon tra gol ber fin dex cor pla "
    "str en ti ca mo re la sa no vi"
)
_COMMON = str.split(
    "the a to of and in for is you your we our this that with it on be can please "
    "account refund order payment invoice customer balance transfer bank card policy "
    "support help question answer thanks hello delivery address date amount fee "
    "contract claim insurance loan rate month year day time number service request"
)


@dataclass(frozen=True, slots=True)
class Corpus:
    systems: list[uuid.UUID]
    needles: dict[str, int]  # needle text -> spans that carry it


def _words(rng: random.Random) -> list[str]:
    made = {"".join(rng.choices(_SYLLABLES, k=rng.randint(2, 4))) for _ in range(1200)}
    return _COMMON + sorted(made)[:900]


def _sentences(rng: random.Random, words: list[str]) -> list[str]:
    weights = [1 / (rank + 1) for rank in range(len(words))]  # Zipf
    pool = []
    for _ in range(6000):
        chosen = rng.choices(words, weights, k=rng.randint(8, 24))
        pool.append(" ".join(chosen).capitalize() + rng.choice(".?!"))
    return pool


def _text(rng: random.Random, pool: list[str], chars: int) -> str:
    parts: list[str] = []
    used = 0
    while used < chars:
        sentence = rng.choice(pool)
        parts.append(sentence)
        used += len(sentence) + 1
    return " ".join(parts)


def rows(spans: int, seed: int = 16) -> tuple[Corpus, Iterator[list[dict[str, Any]]]]:
    """The corpus's facts and its span rows with their search text, in chunks, oldest first."""
    rng = random.Random(seed)
    systems = [uuid.UUID(int=rng.getrandbits(128)) for _ in range(SYSTEMS)]
    pool = _sentences(rng, _words(rng))
    carriers = {needle: set(rng.sample(range(spans), 30)) for needle in IBANS}
    carriers[API_KEY] = set(rng.sample(range(spans), 50))
    corpus = Corpus(systems, {n: len(c) for n, c in carriers.items()})
    step = timedelta(days=DAYS) / spans
    start = END - timedelta(days=DAYS)

    def chunks() -> Iterator[list[dict[str, Any]]]:
        chunk: list[dict[str, Any]] = []
        for i in range(spans):
            extra = [needle for needle, where in carriers.items() if i in where]
            chunk.append(_row(rng, pool, i, start + step * i, systems, extra))
            if len(chunk) == 10_000:
                yield chunk
                chunk = []
        if chunk:
            yield chunk

    return corpus, chunks()


def _row(
    rng: random.Random,
    pool: list[str],
    i: int,
    when: datetime,
    systems: list[uuid.UUID],
    needles: list[str],
) -> dict[str, Any]:
    question = f"Order {rng.randint(10**6, 10**7)}: " + _text(rng, pool, rng.randint(80, 250))
    answer = _text(rng, pool, rng.randint(150, 450))
    if needles:
        answer += " " + " ".join(f"Use {needle} for the transfer." for needle in needles)
    content: dict[str, Any] = {
        "input": json.dumps([{"role": "user", "content": question}]),
        "output": json.dumps([{"role": "assistant", "content": answer}]),
    }
    if i % 5 == 0:
        args = {"query": _text(rng, pool, 60), "customer": rng.randint(1, 10**5)}
        content["other"] = {"gen_ai.tool.call.arguments": json.dumps(args)}
    row = {
        "trace_id": f"{i // 4:032x}",
        "span_id": f"{i:016x}",
        "parent_span_id": None,
        "system_id": systems[i % len(systems)],
        "service_name": "bench-app",
        "name": "chat gpt-4o-mini",
        "kind": 3,
        "span_type": "llm",
        "start_time": when,
        "duration_ms": 800.0,
        "status_code": 0,
        "status_message": "",
        "provider": "openai",
        "model": "gpt-4o-mini" if i % 3 else "gpt-4o",
        "input_tokens": 200,
        "output_tokens": 120,
        "cache_read_tokens": None,
        "cache_write_tokens": None,
        "reasoning_tokens": None,
        "cost": 0.0001,
        "cost_source": "catalog",
        "user_id": f"user-{rng.randint(1, 5000)}",
        "session_id": f"session-{i // 12}",
        "content": content,
        "attributes": {"gen_ai.operation.name": "chat"},
        "events": None,
    }
    row["search"] = search_text(content)
    return row
