"""Telemetry test data for the monitoring views, written straight into the telemetry tables.

(Until the ingest lands: then these traces are sent through ``store_spans`` instead.) Each
trace is described plainly (system, start, duration, LLM calls with tokens and cost); its spans,
trace row, minute and hour rollups, user/session rollups and source rows are derived here the
way the tables' docstrings define them, and the expectations the tests check are computed from
the descriptions, not from the rows.
"""

from __future__ import annotations

import random
import uuid
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

from aitower.core.db.engine import Database
from aitower.telemetry import histogram
from aitower.telemetry.tables import (
    HourRollupRow,
    KeyRollupRow,
    MinuteRollupRow,
    ScoreRow,
    SourceRow,
    SpanRow,
    TraceRow,
)


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


def _floor(moment: datetime, step: timedelta) -> datetime:
    epoch = datetime(1970, 1, 1, tzinfo=UTC)
    return epoch + ((moment - epoch) // step) * step


def _cell(cells: dict[tuple[datetime, str, str], dict[str, Any]], key: Any) -> dict[str, Any]:
    if key not in cells:
        cells[key] = {
            "bucket_start": key[0],
            "system_key": key[1],
            "model": key[2],
            "spans": 0,
            "requests": 0,
            "errors": 0,
            "latency_sum_ms": 0.0,
            "latency_hist": {},
            "llm_calls": 0,
            "llm_errors": 0,
            "input_tokens": 0,
            "output_tokens": 0,
            "cache_read_tokens": 0,
            "cache_write_tokens": 0,
            "reasoning_tokens": 0,
            "cost": 0.0,
            "unpriced_calls": 0,
            "unpriced_tokens": 0,
        }
    return cells[key]


def rollups(specs: list[TraceSpec], step: timedelta) -> list[dict[str, Any]]:
    cells: dict[tuple[datetime, str, str], dict[str, Any]] = {}
    for spec in specs:
        for span in spans_of(spec):
            model = span.get("model") or ""
            cell = _cell(cells, (_floor(span["start_time"], step), spec.key, model))
            cell["spans"] += 1
            if span["parent_span_id"] is None:
                cell["requests"] += 1
                cell["errors"] += int(spec.error)
                cell["latency_sum_ms"] += span["duration_ms"]
                histogram.add(cell["latency_hist"], span["duration_ms"])
            if model:
                cell["llm_calls"] += 1
                cell["input_tokens"] += span["input_tokens"]
                cell["output_tokens"] += span["output_tokens"]
                if span["cost"] is None:
                    cell["unpriced_calls"] += 1
                    cell["unpriced_tokens"] += span["input_tokens"] + span["output_tokens"]
                else:
                    cell["cost"] += span["cost"]
    return list(cells.values())


def trace_row(spec: TraceSpec) -> dict[str, Any]:
    return {
        "trace_id": spec.trace_id,
        "system_id": spec.system_id,
        "service_name": spec.service,
        "root_name": spec.name,
        "start_time": spec.start,
        "end_time": spec.start + timedelta(milliseconds=spec.duration_ms),
        "duration_ms": spec.duration_ms,
        "span_count": 2 + len(spec.calls),
        "llm_calls": len(spec.calls),
        "input_tokens": sum(c.input for c in spec.calls),
        "output_tokens": sum(c.output for c in spec.calls),
        "cost": sum(c.cost or 0.0 for c in spec.calls),
        "unpriced_calls": sum(c.cost is None for c in spec.calls),
        "error": spec.error,
        "model": spec.calls[0].model if spec.calls else None,
        "user_id": spec.user,
        "session_id": spec.session,
    }


def key_rollups(specs: list[TraceSpec]) -> list[dict[str, Any]]:
    found: dict[tuple[Any, ...], dict[str, Any]] = {}
    for spec in specs:
        for kind, key in (("user", spec.user), ("session", spec.session)):
            if key is None:
                continue
            ident = (spec.start.date(), spec.key, kind, key)
            row = found.setdefault(
                ident,
                dict(zip(("day", "system_key", "key_kind", "key"), ident, strict=True))
                | {"requests": 0, "llm_calls": 0, "tokens": 0, "cost": 0.0},
            )
            row["requests"] += 1
            row["llm_calls"] += len(spec.calls)
            row["tokens"] += sum(c.input + c.output for c in spec.calls)
            row["cost"] += sum(c.cost or 0.0 for c in spec.calls)
    return list(found.values())


def sources(specs: list[TraceSpec]) -> list[dict[str, Any]]:
    found: dict[str, dict[str, Any]] = {}
    for spec in specs:
        row = found.setdefault(
            spec.service,
            {
                "service_name": spec.service,
                "first_seen": spec.start,
                "last_seen": spec.start,
                "spans": 0,
                "llm_calls": 0,
                "tokens": 0,
                "models": [],
            },
        )
        row["first_seen"] = min(row["first_seen"], spec.start)
        row["last_seen"] = max(row["last_seen"], spec.start)
        row["spans"] += 2 + len(spec.calls)
        row["llm_calls"] += len(spec.calls)
        row["tokens"] += sum(c.input + c.output for c in spec.calls)
        row["models"] = sorted(set(row["models"]) | {c.model for c in spec.calls})
    return list(found.values())


def store(db: Database, specs: list[TraceSpec], scores: list[dict[str, Any]] = ()) -> None:  # type: ignore[assignment]
    """Write the traces' rows, as the ingest would, in one transaction."""
    with db.writing() as session:
        for spec in specs:
            session.add_all(SpanRow(**s) for s in spans_of(spec))
            session.add(TraceRow(**trace_row(spec)))
        session.add_all(MinuteRollupRow(**c) for c in rollups(specs, timedelta(minutes=1)))
        session.add_all(HourRollupRow(**c) for c in rollups(specs, timedelta(hours=1)))
        session.add_all(KeyRollupRow(**k) for k in key_rollups(specs))
        session.add_all(SourceRow(**s) for s in sources(specs))
        session.add_all(ScoreRow(**s) for s in scores)


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
