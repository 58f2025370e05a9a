"""Judged evidence: whether a bias evaluation, performance evaluation or live monitoring that a
gate asks for is proven by a live object that passes now. Pure.

Why a document does not do: a link is only a claim, and the claim can be false (the failing
fairness monitor's page once passed as a "bias evaluation"). A judged kind is met only by a
linked object whose owning capability says it meets its own criteria, in a result no older
than the policy allows (``max_age_days``, 30 by default), and whose figure reaches the
policy's own bar when it sets one (``at_least``). Any one such object is enough; when none
is, the finding says, object by object, why each falls short.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta

from aitower.core.evidence_facts import Judgement
from aitower.governance.policy import Requirement
from aitower.governance.policy_terms import DEFAULT_MAX_AGE_DAYS, DOCUMENT_TITLES
from aitower.inventory.system_facts import SystemFacts

_PROVEN_BY = {
    "bias_evaluation": "a fairness monitor",
    "performance_evaluation": "a model monitor with performance limits and labelled results",
    "monitoring": "an enabled model monitor or alert rule",
}
# "monitoring" is not counted: "needs live monitoring", not "needs a live monitoring".
_ARTICLE = {"bias_evaluation": "a ", "performance_evaluation": "a ", "monitoring": ""}


@dataclass(frozen=True, slots=True)
class JudgedVerdict:
    met: bool
    detail: str  # the sentence after "Passed: " or "Blocked: "


def _figure(j: Judgement) -> str:
    return f"{j.metric} {j.value:.2f}" if j.metric and j.value is not None else "its figure"


def _shortfall(j: Judgement, req: Requirement, today: date) -> str | None:
    """Why this object does not meet the requirement now, or None when it does."""
    if not j.passed:
        return f"{j.title} fails: {j.reason}"
    if j.observed_at is None:
        return f"{j.title} has no result yet"
    max_age = req.max_age_days or DEFAULT_MAX_AGE_DAYS
    newest = j.observed_at.date()
    if newest < today - timedelta(days=max_age):
        return (
            f"{j.title}'s newest result ({newest.isoformat()}) is older than {max_age} days; "
            "run it again"
        )
    if req.at_least is not None and (j.value is None or j.value < req.at_least):
        return f"{j.title}: {_figure(j)} is below the policy's {req.at_least:g}"
    return None


def judge_requirement(
    req: Requirement, system: SystemFacts, today: date, who: str, verb: str
) -> JudgedVerdict:
    """A document requirement of a judged kind against the live objects linked to it."""
    kind = str(req.document)
    title = DOCUMENT_TITLES[kind]
    linked: Sequence[Judgement] = [j for j in system.judgements if j.kind == kind]
    shortfalls: list[str] = []
    for j in linked:
        problem = _shortfall(j, req, today)
        if problem is None:
            when = j.observed_at.date().isoformat() if j.observed_at else "?"
            return JudgedVerdict(True, f"{title} proven by {j.title}: {j.reason} ({when}).")
        shortfalls.append(problem)
    if shortfalls:
        return JudgedVerdict(
            False, f"{who} {verb} {_ARTICLE[kind]}passing {title}: " + "; ".join(shortfalls) + "."
        )
    document = (
        " The attached document does not count: only a live result can show it passes."
        if kind in system.documents
        else ""
    )
    return JudgedVerdict(
        False,
        f"{who} {verb} {_ARTICLE[kind]}{title} that aitower can check; "
        f"link {_PROVEN_BY[kind]}.{document}",
    )
