"""What the risk pages' forms carry: the text as typed (to show again when refused) and its
parsing into the domain's fields, refusing with the field's name like the API does."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from aitower.core.errors import InvalidInput
from aitower.risk.eu_ai_act import QUESTIONS
from aitower.risk.register import (
    IMPACT_TITLES,
    LIKELIHOOD_TITLES,
    RiskCategory,
    RiskFields,
    RiskStatus,
)
from aitower.risk.service import RiskView

RATING_REASON = "must be a whole number from 1 to 5"


def _rating(value: str, field: str) -> int | None:
    text = value.strip()
    if not text:
        return None
    try:
        return int(text)
    except ValueError:
        raise InvalidInput.on(field, RATING_REASON) from None


def _required(value: int | None, field: str) -> int:
    if value is None:
        raise InvalidInput.on(field, "is required")
    return value


def _date(value: str, field: str) -> dt.date | None:
    text = value.strip()
    if not text:
        return None
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise InvalidInput.on(field, "must be a date (YYYY-MM-DD)") from None


@dataclass(frozen=True, slots=True)
class RiskForm:
    """A risk as the form shows it: every field as text."""

    title: str = ""
    description: str = ""
    category: str = "hallucination"
    likelihood: str = "3"
    impact: str = "3"
    residual_likelihood: str = ""
    residual_impact: str = ""
    mitigations: str = ""
    owner: str = ""
    status: str = RiskStatus.open.value
    next_review: str = ""

    @classmethod
    def of(cls, risk: RiskView) -> RiskForm:
        return cls(
            title=risk.title,
            description=risk.description,
            category=risk.category,
            likelihood=str(risk.likelihood),
            impact=str(risk.impact),
            residual_likelihood=str(risk.residual_likelihood),
            residual_impact=str(risk.residual_impact),
            mitigations=risk.mitigations,
            owner=risk.owner or "",
            status=risk.status,
            next_review="" if risk.next_review is None else risk.next_review.isoformat(),
        )

    def fields(self) -> RiskFields:
        """The domain's fields; a blank residual rating means "as inherent"."""
        return RiskFields(
            title=self.title,
            description=self.description,
            category=self.category,
            likelihood=_required(_rating(self.likelihood, "likelihood"), "likelihood"),
            impact=_required(_rating(self.impact, "impact"), "impact"),
            residual_likelihood=_rating(self.residual_likelihood, "residual_likelihood"),
            residual_impact=_rating(self.residual_impact, "residual_impact"),
            mitigations=self.mitigations,
            status=self.status,
            next_review=_date(self.next_review, "next_review"),
        )


def form_answers(form: Mapping[str, object]) -> dict[str, object]:
    """``answers.<id>`` radio values ("yes"/"no") as booleans; unanswered ones are left out,
    so the domain reports them by id, and anything else is passed on for it to refuse."""
    answers: dict[str, object] = {}
    for qid in QUESTIONS:
        value = form.get(f"answers.{qid}")
        if value is None or value == "":
            continue
        answers[qid] = {"yes": True, "no": False}.get(str(value), value)
    return answers


def rating_choices() -> dict[str, Any]:
    """The vocabularies the risk forms offer."""
    return {
        "categories": [c.value for c in RiskCategory],
        "statuses": [s.value for s in RiskStatus],
        "likelihood_titles": LIKELIHOOD_TITLES,
        "impact_titles": IMPACT_TITLES,
    }
