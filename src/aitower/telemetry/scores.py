"""Feedback and evaluation scores of a scope and range, summed per kind and name.

Scores are few next to spans (one per rated trace), so they are aggregated straight from their
table with one grouped query on the (system, time) index.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from aitower.telemetry.scope import Scope
from aitower.telemetry.tables import ScoreRow

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
    rows = scope.keep(session.execute(query).all(), 0)
    return fold_scores(rows)


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
