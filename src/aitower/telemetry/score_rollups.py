"""Score rollups: counts and sums of scores per six-hour bucket, system, kind, name and label.

The dashboards' score summary of a 30-day range grouped some 20,000 raw scores at a million
spans (15 ms on SQLite, a sort of every score); the rollups hold one row per bucket and group, so
a range reads ~120 buckets' rows plus the raw scores of its two partial ends (``scores``).

Every write of a score adds to its rollup in the same transaction: feedback and evaluations
given through the API (``service.add_score``), evaluations carried by spans (ingest), a waiting
score linked to its trace's system (moved from ``system_key`` "" to the system), and the
retention purge (whole buckets deleted, the bucket holding the cutoff recounted from what is
left). Additions are ``INSERT … ON CONFLICT DO UPDATE`` adding to the row, atomic on both
databases, so concurrent writers never lose a count.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable, Mapping
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import Table, delete, select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from aitower.telemetry.ranges import floor
from aitower.telemetry.tables import ScoreRollupRow, ScoreRow

BUCKET = timedelta(hours=6)
ROLLUPS: Table = ScoreRollupRow.__table__  # type: ignore[assignment]
# What a rollup needs of a score: created_at, system_id, kind, name, label, score.
ScoreFacts = tuple[datetime, uuid.UUID | None, str, str, str | None, float | None]
_Key = tuple[datetime, str, str, str, str]


def add(session: Session, scores: Iterable[ScoreFacts], sign: int = 1) -> None:
    """Add the scores to their rollups (``sign=-1`` takes them out again)."""
    sums: dict[_Key, list[Any]] = {}
    for created_at, system_id, kind, name, label, score in scores:
        system_key = "" if system_id is None else str(system_id)
        key = (floor(created_at, BUCKET), system_key, kind, name, label or "")
        acc = sums.setdefault(key, [0, 0, 0.0])
        acc[0] += sign
        if score is not None:
            acc[1] += sign
            acc[2] += sign * score
    if not sums:
        return
    rows = [
        {
            "bucket_start": b,
            "system_key": s,
            "kind": k,
            "name": n,
            "label": lab,
            "count": c,
            "scored": sc,
            "score_sum": total,
        }
        for (b, s, k, n, lab), (c, sc, total) in sums.items()
    ]
    session.execute(_upsert(session.get_bind().dialect.name), rows)


def add_rows(session: Session, rows: Iterable[Mapping[str, Any]]) -> None:
    """``add`` for score rows given as column dicts (as ingest inserts evaluations)."""
    add(
        session,
        [
            (r["created_at"], r["system_id"], r["kind"], r["name"], r["label"], r["score"])
            for r in rows
        ],
    )


def _upsert(dialect: str) -> Any:
    stmt = (postgresql.insert if dialect == "postgresql" else sqlite.insert)(ROLLUPS)
    old, new = ROLLUPS.c, stmt.excluded
    return stmt.on_conflict_do_update(
        index_elements=[old.bucket_start, old.system_key, old.kind, old.name, old.label],
        set_={
            "count": old.count + new.count,
            "scored": old.scored + new.scored,
            "score_sum": old.score_sum + new.score_sum,
        },
    )


def facts(row: Any) -> ScoreFacts:
    """A score row's (or a ``FACT_COLUMNS`` result's) facts, in ``ScoreFacts`` order."""
    return (row.created_at, row.system_id, row.kind, row.name, row.label, row.score)


FACT_COLUMNS = (
    ScoreRow.created_at,
    ScoreRow.system_id,
    ScoreRow.kind,
    ScoreRow.name,
    ScoreRow.label,
    ScoreRow.score,
)


def move(session: Session, waiting: Iterable[ScoreFacts], system_id: uuid.UUID) -> None:
    """Scores that waited without a system now count for ``system_id``."""
    found = list(waiting)
    add(session, found, sign=-1)
    add(session, [(c, system_id, k, n, lab, s) for c, _, k, n, lab, s in found])


def purge_before(session: Session, cutoff: datetime) -> None:
    """After the raw scores before ``cutoff`` are deleted: drop the buckets wholly before it
    and recount the bucket holding it from the scores left."""
    first = floor(cutoff, BUCKET)
    session.execute(delete(ScoreRollupRow).where(ScoreRollupRow.bucket_start <= first))
    left = session.execute(
        select(*FACT_COLUMNS).where(
            ScoreRow.created_at >= first, ScoreRow.created_at < first + BUCKET
        )
    ).all()
    add(session, [facts(r) for r in left])
