"""Telemetry test data for the monitoring views, sent through the real ingest.

Each trace is described plainly (system, start, duration, LLM calls with tokens and a carried
cost, or none: unpriced), turned into decoded OTLP spans with GenAI/OpenInference attributes
and stored by ``store_spans``, which maintains traces, rollups, user/session rollups and
sources. The expectations the tests check are computed from the descriptions, never from rows.
"""

from __future__ import annotations

import json
import random
import uuid
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

from aitower.core.db.engine import Database
from aitower.telemetry import score_rollups
from aitower.telemetry.ingest import store_spans
from aitower.telemetry.records import DecodedSpan
from aitower.telemetry.tables import ScoreRow


@dataclass(frozen=True)
class Call:
    model: str
    input: int
    output: int
    cost: float | None  # None: no price known (unpriced)


@dataclass
class TraceSpec:
    system_id: uuid.UUID | None
    service: str
    start: datetime
    duration_ms: float
    calls: list[Call]
    error: bool = False
    user: str | None = None
    session: str | None = None
    name: str = "chat"
    trace_id: str = field(default_factory=lambda: uuid.uuid4().hex)
    messages: bool = False

    @property
    def key(self) -> str:
        return str(self.system_id) if self.system_id else f"service:{self.service}"


def _span_id() -> str:
    return uuid.uuid4().hex[:16]


def _span(spec: TraceSpec, span_id: str, parent: str | None, **values: Any) -> dict[str, Any]:
    row: dict[str, Any] = {
        "trace_id": spec.trace_id,
        "span_id": span_id,
        "parent_span_id": parent,
        "system_id": spec.system_id,
        "service_name": spec.service,
        "kind": 1,
        "status_code": 0,
        "status_message": "",
        "attributes": {},
        "events": [],
        "user_id": spec.user,
        "session_id": spec.session,
    }
    row.update(values)
    return row


def spans_of(spec: TraceSpec) -> list[dict[str, Any]]:
    """A chain root, an agent span under it (repeating no usage), one LLM span per call."""
    root, agent = _span_id(), _span_id()
    found = [
        _span(
            spec,
            root,
            None,
            name=spec.name,
            span_type="chain",
            start_time=spec.start,
            duration_ms=spec.duration_ms,
            status_code=2 if spec.error else 1,
            status_message="boom" if spec.error else "",
        ),
        _span(
            spec,
            agent,
            root,
            name="agent",
            span_type="agent",
            start_time=spec.start + timedelta(milliseconds=1),
            duration_ms=max(spec.duration_ms - 2, 0),
        ),
    ]
    for n, call in enumerate(spec.calls):
        content = None
        if spec.messages:
            content = {
                "input": [{"role": "user", "content": f"question {n} <b>bold</b>"}],
                "output": [{"role": "assistant", "content": f"answer {n}"}],
            }
        found.append(
            _span(
                spec,
                _span_id(),
                agent,
                name=f"chat {call.model}",
                span_type="llm",
                start_time=spec.start + timedelta(milliseconds=2 + n),
                duration_ms=max(spec.duration_ms / (len(spec.calls) + 1), 0.5),
                provider="openai",
                model=call.model,
                input_tokens=call.input,
                output_tokens=call.output,
                cost=call.cost,
                cost_source="unpriced" if call.cost is None else "catalog",
                content=content,
            )
        )
    return found


def _nanos(moment: datetime) -> int:
    delta = moment - datetime(1970, 1, 1, tzinfo=UTC)
    return (delta.days * 86_400 + delta.seconds) * 1_000_000_000 + delta.microseconds * 1000


_KINDS = {"chain": "CHAIN", "agent": "AGENT", "llm": "LLM"}


def decoded(spec: TraceSpec) -> list[DecodedSpan]:
    """The trace as OTLP would bring it: OpenInference kinds, GenAI usage, a carried cost."""
    found = []
    for row in spans_of(spec):
        attrs: dict[str, Any] = {"openinference.span.kind": _KINDS[row["span_type"]]}
        if spec.user:
            attrs["user.id"] = spec.user
        if spec.session:
            attrs["session.id"] = spec.session
        if row.get("model"):
            attrs.update({
                "gen_ai.operation.name": "chat",
                "gen_ai.provider.name": "openai",
                "gen_ai.request.model": row["model"],
                "gen_ai.usage.input_tokens": row["input_tokens"],
                "gen_ai.usage.output_tokens": row["output_tokens"],
            })  # fmt: skip
            if row["cost"] is not None:
                attrs["gen_ai.usage.cost"] = row["cost"]
            if row.get("content"):
                attrs["gen_ai.input.messages"] = json.dumps(row["content"]["input"])
                attrs["gen_ai.output.messages"] = json.dumps(row["content"]["output"])
        start = _nanos(row["start_time"])
        found.append(
            DecodedSpan(
                resource={"service.name": spec.service},
                scope_name="test",
                trace_id=row["trace_id"],
                span_id=row["span_id"],
                parent_span_id=row["parent_span_id"],
                name=row["name"],
                kind=1,
                start_unix_nano=start,
                end_unix_nano=start + round(row["duration_ms"] * 1_000_000),
                status_code=row["status_code"],
                status_message=row["status_message"],
                attributes=attrs,
            )
        )
    return found


def store(db: Database, specs: list[TraceSpec], scores: Sequence[dict[str, Any]] = ()) -> None:
    """Send the traces through the ingest (as the OTLP endpoint does), then add the scores."""
    for part in range(0, len(specs), 200):
        spans = [span for spec in specs[part : part + 200] for span in decoded(spec)]
        outcome = store_spans(db, spans)
        assert outcome.accepted == len(spans)
    if scores:
        with db.writing() as session:
            rows = [ScoreRow(**s) for s in scores]
            session.add_all(rows)
            score_rollups.add(session, [score_rollups.facts(r) for r in rows])


def random_traces(
    rng: random.Random,
    system_id: uuid.UUID,
    service: str,
    start: datetime,
    count: int,
    spread: timedelta,
) -> list[TraceSpec]:
    """``count`` traces spread over ``spread`` from ``start``: log-normal durations, 1-3 calls
    of two priced models, every tenth an error, a handful of users and sessions."""
    found = []
    for n in range(count):
        calls = [
            Call(
                rng.choice(["gpt-4o", "claude-sonnet-4"]),
                rng.randint(100, 2000),
                rng.randint(10, 500),
                round(rng.uniform(0.001, 0.05), 6),
            )
            for _ in range(rng.randint(1, 3))
        ]
        found.append(
            TraceSpec(
                system_id,
                service,
                start + spread * (n / count),
                round(rng.lognormvariate(6.5, 0.8), 3),
                calls,
                error=n % 10 == 0,
                user=f"user-{n % 7}",
                session=f"session-{n % 13}",
                name=rng.choice(["chat", "answer question", "summarise"]),
            )
        )
    return found
