"""Hand-built telemetry for monitoring tests: minute rollup rows and scores, written directly
(the ingest that normally maintains them is another part of issue 4)."""

from __future__ import annotations

import uuid
from datetime import datetime

from aitower.core.db.engine import Database
from aitower.telemetry import histogram, score_rollups
from aitower.telemetry.tables import MinuteRollupRow, ScoreRow


def add_minute(
    db: Database,
    bucket: datetime,
    system_key: str,
    *,
    model: str = "",
    durations: list[float] = (),  # type: ignore[assignment]
    errors: int = 0,
    llm_calls: int = 0,
    input_tokens: int = 0,
    output_tokens: int = 0,
    cost: float = 0.0,
    unpriced_tokens: int = 0,
) -> None:
    hist: dict[str, int] = {}
    for d in durations:
        histogram.add(hist, d)
    with db.writing() as session:
        session.add(
            MinuteRollupRow(
                bucket_start=bucket,
                system_key=system_key,
                model=model,
                spans=len(durations) + llm_calls,
                requests=len(durations),
                errors=errors,
                latency_sum_ms=float(sum(durations)),
                latency_hist=histogram.stored(hist),
                llm_calls=llm_calls,
                llm_errors=0,
                input_tokens=input_tokens,
                output_tokens=output_tokens,
                cache_read_tokens=0,
                cache_write_tokens=0,
                reasoning_tokens=0,
                cost=cost,
                unpriced_calls=0,
                unpriced_tokens=unpriced_tokens,
            )
        )


def add_score(
    db: Database,
    system_id: uuid.UUID | None,
    kind: str,
    score: float,
    at: datetime,
    name: str = "thumbs",
) -> None:
    with db.writing() as session:
        row = ScoreRow(
            id=uuid.uuid4(),
            kind=kind,
            trace_id="a" * 32,
            span_id=None,
            system_id=system_id,
            name=name,
            score=score,
            label=None,
            comment="",
            source="test",
            created_at=at,
        )
        session.add(row)
        score_rollups.add(session, [score_rollups.facts(row)])
