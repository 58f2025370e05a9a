"""LLM calls, tokens in and out, and priced cost per rollup key over a range of UTC days.

What discovery's duplicate detection reads as each system's telemetry shape (tokens per call
tell a summariser from a copy writer) and what an unregistered service costs: one grouped
query on the day rollups (``telemetry_rollup_day``), whose rows only LLM calls fill for a
model (``model != ""``).
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass
from datetime import UTC, date, datetime, time

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from aitower.telemetry.tables import DayRollupRow

# Keys per IN list: well under both databases' parameter limits.
_IN_LIST = 500


@dataclass(frozen=True, slots=True)
class CallVolume:
    """One rollup key's LLM calls, tokens and priced cost over the range."""

    system_key: str  # a system's id, or "service:<service.name>" for an unregistered source
    llm_calls: int
    input_tokens: int
    output_tokens: int
    cost: float


def _midnight(day: date) -> datetime:
    return datetime.combine(day, time(), tzinfo=UTC)


def call_volumes(
    session: Session, start: date, end: date, keys: Collection[str]
) -> dict[str, CallVolume]:
    """The LLM volume of each given key over the UTC days [start, end); keys without any
    call in the range are left out."""
    r = DayRollupRow
    wanted = sorted(set(keys))
    found: dict[str, CallVolume] = {}
    for at in range(0, len(wanted), _IN_LIST):
        query = (
            select(
                r.system_key,
                func.sum(r.llm_calls),
                func.sum(r.input_tokens),
                func.sum(r.output_tokens),
                func.sum(r.cost),
            )
            .where(
                r.bucket_start >= _midnight(start),
                r.bucket_start < _midnight(end),
                r.model != "",
                r.system_key.in_(wanted[at : at + _IN_LIST]),
            )
            .group_by(r.system_key)
        )
        for key, calls, tokens_in, tokens_out, cost in session.execute(query):
            if calls:
                found[key] = CallVolume(
                    key, int(calls), int(tokens_in or 0), int(tokens_out or 0), float(cost or 0.0)
                )
    return found
