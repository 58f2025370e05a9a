"""A small monitored organisation: three systems in two units, an unclaimed service, scores."""

from __future__ import annotations

import random
import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta

from aitower.core.access.principal import Principal, PrincipalKind, cli_principal
from aitower.core.access.roles import Role
from aitower.core.db.base import utcnow
from aitower.core.db.engine import Database
from aitower.inventory import service
from support import CTX, seed_units
from telemetry_views.data import Call, TraceSpec, random_traces, store


@dataclass
class World:
    start: datetime  # a 24-hour range [start, start + 24h) holds the recent traffic
    finance: uuid.UUID
    marketing: uuid.UUID
    chatbot: uuid.UUID
    assistant: uuid.UUID
    marketer: uuid.UUID
    recent: dict[uuid.UUID, list[TraceSpec]]  # per system, inside the range
    older: list[TraceSpec]  # chatbot, the day before the range
    shadow: list[TraceSpec]
    special: TraceSpec  # assistant: an unpriced call, stored messages

    @property
    def end(self) -> datetime:
        return self.start + timedelta(hours=24)

    @property
    def org_wide(self) -> Principal:
        return cli_principal("test")

    @property
    def finance_reader(self) -> Principal:
        return Principal(
            PrincipalKind.user, uuid.uuid4(), "fin", Role.analyst, frozenset({self.finance})
        )


def _system(db: Database, unit_id: uuid.UUID, name: str, service_name: str) -> uuid.UUID:
    doc = {"name": name, "kind": "llm_app", "unit": str(unit_id), "services": [service_name]}
    with db.writing() as session:
        return service.create_system(session, CTX, doc).id


def _hour(moment: datetime) -> datetime:
    return moment.replace(minute=0, second=0, microsecond=0)


def build_world(db: Database) -> World:
    units = seed_units(db)
    chatbot = _system(db, units.unit_id, "Chatbot", "chatbot")
    assistant = _system(db, units.unit_id, "Assistant", "assistant")
    marketer = _system(db, units.other_unit_id, "Marketing generator", "marketer")
    rng = random.Random(7)
    start = _hour(utcnow()) - timedelta(hours=20)
    spread = timedelta(hours=18)
    recent = {
        chatbot: random_traces(rng, chatbot, "chatbot", start, 300, spread),
        assistant: random_traces(rng, assistant, "assistant", start, 50, spread),
        marketer: random_traces(rng, marketer, "marketer", start, 40, spread),
    }
    special = TraceSpec(
        assistant,
        "assistant",
        start + timedelta(hours=3, minutes=7),
        1234.5,
        [Call("gpt-4o", 1000, 200, 0.0045), Call("mystery-model", 700, 300, None)],
        user="user-special",
        session="session-special",
        name="Refund question",
        messages=True,
    )
    recent[assistant].append(special)
    older = random_traces(rng, chatbot, "chatbot", start - timedelta(hours=24), 20, spread)
    shadow = [
        TraceSpec(
            None, "shadow-app", start + timedelta(hours=n), 500.0, [Call("llama-3", 50, 5, None)]
        )
        for n in range(5)
    ]
    first_bot = recent[chatbot][1]
    scores = [
        _score(first_bot, "feedback", "thumbs", 1.0, None, start),
        _score(recent[chatbot][2], "feedback", "thumbs", 1.0, None, start),
        _score(recent[chatbot][3], "feedback", "thumbs", 0.0, None, start),
        _score(first_bot, "evaluation", "relevance", 0.8, "good", start),
        _score(recent[chatbot][4], "evaluation", "relevance", 0.4, "bad", start),
        _score(recent[marketer][1], "feedback", "thumbs", 0.0, None, start),
    ]
    store(db, [s for specs in recent.values() for s in specs] + older + shadow, scores)
    return World(
        start, units.unit_id, units.other_unit_id, chatbot, assistant, marketer,
        recent, older, shadow, special,
    )  # fmt: skip


def _score(
    spec: TraceSpec, kind: str, name: str, score: float, label: str | None, at: datetime
) -> dict[str, object]:
    return {
        "id": uuid.uuid4(),
        "kind": kind,
        "trace_id": spec.trace_id,
        "span_id": None,
        "system_id": spec.system_id,
        "name": name,
        "score": score,
        "label": label,
        "comment": "",
        "source": "test",
        "created_at": at + timedelta(hours=1),
    }


def nearest_rank(values: list[float], q: float) -> float:
    """The exact nearest-rank percentile: the ceil(q·n)-th smallest value."""
    import math

    ordered = sorted(values)
    return ordered[max(1, math.ceil(q * len(ordered))) - 1]
