"""The demo's prompt-growth story, for the optimisation advice: ten weeks of the healthcare
triage assistant's traffic whose prompts grow week after week (its team appends each new
triage guideline to the system prompt), stored as telemetry so the advice finds the trend.

The other demo systems' traffic (``telemetry.demo_traffic``) covers the cheaper model (the
marketing generator's switch to ``gemini-2.5-pro``, the chatbot's Claude share) and caching;
its thirty days are too few weeks, and its prompt sizes too flat, for a growth trend.

Like telemetry's demo, the contributor only asks for the history when the triage service has
sent nothing yet; the spans go through the same ``store_spans`` as OTLP. The volume follows
the demo's scale (1: about 8,000 traces); below about 0.05 the weeks hold too few calls for
the advice's threshold, and no trend is advised. Deterministic for a seed and ``now``.
"""

from __future__ import annotations

import random
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

from sqlalchemy.orm import Session

from aitower.core.audit.service import ChangeContext
from aitower.core.db.base import utcnow
from aitower.core.db.engine import Database
from aitower.core.demo.organisation import DemoHistory, DemoOrganisation, Report
from aitower.telemetry.demo import BATCH_SPANS, batches, has_telemetry
from aitower.telemetry.demo_shapes import SERVER, Moment, TraceBuilder, close_root, llm_call
from aitower.telemetry.ingest import store_spans
from aitower.telemetry.records import DecodedSpan

SERVICE = "triage-assistant"
MODEL = ("azure.ai.openai", "gpt-4o", "gpt-4o-2024-08-06")
WEEKS = 10
TRACES_PER_DAY = 150  # a working day at scale 1; weekends a fifth of it
BASE_TOKENS = 1_300  # input tokens per call ten weeks ago
GROWTH_PER_WEEK = 70  # tokens added to the prompt each week
SYSTEM = "Triage incoming patient calls by urgency; follow the triage guidelines below."
QUESTIONS = (
    ("Caller reports chest pain for 20 minutes.", "Urgent: advise emergency services now."),
    ("Child with fever of 38.5 °C since yesterday.", "Routine: same-day GP appointment."),
    ("Adult with a sprained ankle, can walk.", "Non-urgent: self-care advice, review in 48 h."),
    ("Elderly caller feels dizzy after new medication.", "Soon: pharmacist review today."),
)


def add_demo_advice(session: Session, ctx: ChangeContext, demo: DemoOrganisation) -> None:
    """Ask for the triage assistant's ten weeks unless it already sent telemetry."""
    del ctx  # spans are data sent by an application, not audited changes
    if has_telemetry(session, [SERVICE]):
        return

    def store(db: Database, scale: float, report: Report) -> str:
        spans = list(triage_traffic(utcnow(), scale))
        done = 0
        report(done, len(spans))
        for batch in batches(spans, BATCH_SPANS):
            store_spans(db, batch)
            done += len(batch)
            report(done, len(spans))
        demo.note("LLM traffic histories", SERVICE)
        return f"Stored {WEEKS} weeks of the triage assistant's traffic: {len(spans):,} spans."

    demo.history.append(DemoHistory(f"{WEEKS} weeks of triage traffic", store))


def _trace(rng: random.Random, start: datetime, weeks_in: float) -> list[DecodedSpan]:
    session = f"{SERVICE}-{rng.getrandbits(48):012x}"
    builder = TraceBuilder(
        rng,
        {"service.name": SERVICE, "deployment.environment.name": "prod"},
        {"user.id": f"nurse-{rng.randrange(40):03d}", "session.id": session},
    )
    start_ns = int(start.timestamp() * 1e6) * 1000
    question, answer = rng.choice(QUESTIONS)
    root = builder.span(
        "triage_call", None, start_ns, 1, {"openinference.span.kind": "CHAIN"}, kind=SERVER
    )
    tokens_in = int(BASE_TOKENS + GROWTH_PER_WEEK * weeks_in + rng.gauss(0, 120))
    chat = llm_call(
        builder,
        root,
        start_ns + 2_000_000,
        MODEL,
        Moment(error_rate=0.005),
        (("system", SYSTEM), ("user", question)),
        answer,
        (tokens_in, rng.randint(80, 220), 0),
        12.0,
    )
    close_root(root, [chat])
    return builder.spans


def triage_traffic(now: datetime, scale: float = 1.0, seed: int = 17) -> Iterator[DecodedSpan]:
    """``WEEKS`` weeks of triage calls ending at ``now``, in office hours, prompts growing."""
    rng = random.Random(f"{seed}:{SERVICE}")  # noqa: S311 (simulation, not secrets)
    now = now.astimezone(UTC)
    first = (now - timedelta(weeks=WEEKS)).replace(minute=0, second=0, microsecond=0)
    hour = first
    while hour < now:
        if 7 <= hour.hour < 19:
            per_day = TRACES_PER_DAY * (0.2 if hour.weekday() >= 5 else 1.0) * scale
            for _ in range(_count(rng, per_day / 12)):
                start = hour + timedelta(seconds=rng.uniform(0, 3600))
                if start < now - timedelta(minutes=2):
                    yield from _trace(rng, start, (start - first) / timedelta(weeks=1))
        hour += timedelta(hours=1)


def _count(rng: random.Random, mean: float) -> int:
    """A whole number of traces with the given mean (the fraction drawn at random)."""
    whole = int(mean)
    return whole + (1 if rng.random() < mean - whole else 0)
