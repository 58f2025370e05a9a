"""The rules of the risk register: ratings, scores, level bands, overdue reviews, heat map. Pure.

Scoring follows the common ISO 31000-style 5×5 matrix: likelihood and impact are rated 1 (rare,
negligible) to 5 (almost certain, severe), and a risk's score is their product (1..25). Bands:
1–4 low, 5–9 medium, 10–16 high, 20–25 critical (no product falls between 16 and 20).

The inherent rating is the risk before mitigations; the residual rating is what remains after
them. Mitigations lower likelihood or impact, never raise them, so a residual likelihood or
impact above the inherent one is refused, naming the field.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, replace
from enum import StrEnum

from aitower.core.errors import InvalidInput

SCALE = range(1, 6)
TITLE_MAX = 200
TEXT_MAX = 5000


class RiskCategory(StrEnum):
    hallucination = "hallucination"
    bias = "bias"
    security = "security"
    data_leakage = "data_leakage"
    privacy = "privacy"
    compliance = "compliance"
    operational = "operational"
    vendor = "vendor"


class RiskStatus(StrEnum):
    open = "open"
    mitigating = "mitigating"
    accepted = "accepted"
    closed = "closed"


class Level(StrEnum):
    low = "low"
    medium = "medium"
    high = "high"
    critical = "critical"


LIKELIHOOD_TITLES = ("rare", "unlikely", "possible", "likely", "almost certain")
IMPACT_TITLES = ("negligible", "minor", "moderate", "major", "severe")


def score(likelihood: int, impact: int) -> int:
    return likelihood * impact


def level(value: int) -> Level:
    """The band of a score (1..25)."""
    if value >= 20:
        return Level.critical
    if value >= 10:
        return Level.high
    if value >= 5:
        return Level.medium
    return Level.low


def is_overdue(next_review: dt.date | None, status: str, today: dt.date) -> bool:
    """A review date in the past on a risk still being managed (closed risks need none)."""
    return next_review is not None and next_review < today and status != RiskStatus.closed


@dataclass(frozen=True, slots=True)
class RiskFields:
    """A risk's editable facts; residual ratings None mean "as inherent" until checked."""

    title: str
    category: str
    likelihood: int
    impact: int
    description: str = ""
    residual_likelihood: int | None = None
    residual_impact: int | None = None
    mitigations: str = ""
    status: str = RiskStatus.open.value
    next_review: dt.date | None = None


def _rating(value: object, field: str) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or value not in SCALE:
        raise InvalidInput.on(field, "must be a whole number from 1 to 5")
    return value


def _text(value: str, field: str, max_length: int, *, required: bool) -> str:
    cleaned = value.strip()
    if required and not cleaned:
        raise InvalidInput.on(field, "is required")
    if len(cleaned) > max_length:
        raise InvalidInput.on(field, f"must be at most {max_length} characters")
    return cleaned


def _choice(value: str, field: str, allowed: type[StrEnum]) -> str:
    if value not in allowed.__members__:
        names = ", ".join(allowed.__members__)
        raise InvalidInput.on(field, f"must be one of: {names}")
    return str(value)


def check_risk(fields: RiskFields) -> RiskFields:
    """The fields cleaned and complete (residual defaults to inherent), or InvalidInput."""
    title = _text(fields.title, "title", TITLE_MAX, required=True)
    likelihood = _rating(fields.likelihood, "likelihood")
    impact = _rating(fields.impact, "impact")
    residual_l = likelihood if fields.residual_likelihood is None else fields.residual_likelihood
    residual_i = impact if fields.residual_impact is None else fields.residual_impact
    residual_l = _rating(residual_l, "residual_likelihood")
    residual_i = _rating(residual_i, "residual_impact")
    if residual_l > likelihood:
        raise InvalidInput.on(
            "residual_likelihood", f"must not exceed the inherent likelihood ({likelihood})"
        )
    if residual_i > impact:
        raise InvalidInput.on("residual_impact", f"must not exceed the inherent impact ({impact})")
    return replace(
        fields,
        title=title,
        description=_text(fields.description, "description", TEXT_MAX, required=False),
        category=_choice(fields.category, "category", RiskCategory),
        status=_choice(fields.status, "status", RiskStatus),
        mitigations=_text(fields.mitigations, "mitigations", TEXT_MAX, required=False),
        likelihood=likelihood,
        impact=impact,
        residual_likelihood=residual_l,
        residual_impact=residual_i,
    )


def heat_matrix(ratings: Iterable[tuple[int, int, int]]) -> list[list[int]]:
    """5×5 counts indexed [likelihood-1][impact-1] from (likelihood, impact, count) triples."""
    matrix = [[0] * 5 for _ in SCALE]
    for likelihood, impact, count in ratings:
        matrix[likelihood - 1][impact - 1] += count
    return matrix
