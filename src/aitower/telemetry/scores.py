"""Feedback and evaluation scores of a scope and range, summed per kind and name.

The range's whole six-hour buckets are read from the score rollups (``score_rollups``), its
partial ends from the raw scores (one grouped query each on the time index), so the answer is
that of the raw scores of exactly ``[start, end)``.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from aitower.telemetry import score_rollups
from aitower.telemetry.ranges import floor
from aitower.telemetry.scope import Scope
from aitower.telemetry.tables import ScoreRollupRow, ScoreRow

TOP_LABELS = 5


@dataclass(frozen=True, slots=True)
class ScoreSummary:
    """``mean_score`` averages the scores given (a thumbs-up as 1, down as 0: the share of
    positive feedback); ``labels`` are the most frequent labels with their counts."""

    kind: str
    name: str
    count: int
    scored: int
    mean_score: float | None
    labels: list[tuple[str, int]]


def score_summaries(
    session: Session, scope: Scope, start: datetime, end: datetime
) -> list[ScoreSummary]:
    first = ceil(start, score_rollups.BUCKET)
    last = floor(end, score_rollups.BUCKET)
    if first >= last:
        rows = _raw(session, scope, start, end)
    else:
        rows = [
            *_raw(session, scope, start, first),
            *_rolled_up(session, scope, first, last),
            *_raw(session, scope, last, end),
        ]
    return fold_scores(scope.keep(rows, 0))


def ceil(moment: datetime, step: timedelta) -> datetime:
    down = floor(moment, step)
    return down if down == moment else down + step


def _raw(session: Session, scope: Scope, start: datetime, end: datetime) -> list[Any]:
    if start >= end:
        return []
    query = (
        select(
            ScoreRow.system_id,
            ScoreRow.kind,
            ScoreRow.name,
            ScoreRow.label,
            func.count(),
            func.count(ScoreRow.score),
            func.sum(ScoreRow.score),
        )
        .where(ScoreRow.created_at >= start, ScoreRow.created_at < end)
        .where(*scope.id_condition(ScoreRow.system_id))
        .group_by(ScoreRow.system_id, ScoreRow.kind, ScoreRow.name, ScoreRow.label)
    )
    return list(session.execute(query).all())


def _rolled_up(session: Session, scope: Scope, start: datetime, end: datetime) -> list[Any]:
    """Whole buckets in ``[start, end)``; groups whose scores all moved away (count 0) are
    left out, as the raw scores would have none."""
    r = ScoreRollupRow
    count = func.sum(r.count)
    query = (
        select(
            r.system_key, r.kind, r.name, r.label, count, func.sum(r.scored), func.sum(r.score_sum)
        )
        .where(r.bucket_start >= start, r.bucket_start < end, *scope.key_condition(r.system_key))
        .group_by(r.system_key, r.kind, r.name, r.label)
        .having(count > 0)
    )
    return list(session.execute(query).all())


def fold_scores(rows: list[Any]) -> list[ScoreSummary]:
    """Rows of (system, kind, name, label, count, scored, score sum) into one summary per
    kind and name: feedback first, then evaluations, by name."""
    acc: dict[tuple[str, str], list[Any]] = {}
    for _, kind, name, label, count, scored, total in rows:
        entry = acc.setdefault((kind, name), [0, 0, 0.0, {}])
        entry[0] += int(count)
        entry[1] += int(scored)
        entry[2] += float(total or 0.0)
        if label:
            entry[3][label] = entry[3].get(label, 0) + int(count)
    found = []
    for (kind, name), (count, scored, total, labels) in sorted(acc.items()):
        top = sorted(labels.items(), key=lambda kv: (-kv[1], kv[0]))[:TOP_LABELS]
        found.append(
            ScoreSummary(kind, name, count, scored, total / scored if scored else None, top)
        )
    return found
