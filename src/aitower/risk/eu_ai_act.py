"""The EU AI Act (Regulation (EU) 2024/1689) questionnaire and what it yields. Pure.

Why a questionnaire of yes/no questions: the people who register AI systems are engineers and
product owners, not lawyers. Each question says in plain words what the Act means, with a help
line and the article it comes from, so the answer can be checked against the text.

Tiers, from the most to the least severe: prohibited (Art. 5) > high (Art. 6(1) with Annex I,
or Art. 6(2) with Annex III unless the Art. 6(3) derogation applies) > limited (Art. 50
transparency duties) > minimal. The derogation needs both the overarching "no significant risk"
test and one of its conditions (a)–(d), and never applies to a system that profiles natural
persons (Art. 6(3), last subparagraph). Real-time remote biometric identification for law
enforcement is prohibited unless used for an Art. 5(1)(h) objective with prior authorisation
(Art. 5(3)); it is then a high-risk use of Annex III point 1(a).

Besides the tier, the answers establish facts about the system (its route to high risk, where
it registers, whether a fundamental rights impact assessment is due, whether it is or is built
on a general-purpose AI model of ours) and the organisation's roles; the obligations that follow
come from the data in ``eu_ai_act_obligations`` with their application dates.

Completeness rule (docs/eu-ai-act.md): every question is required, except those that only matter
after another "yes" (``Question.needed_when``): the Art. 5(1)(h) exceptions, the Annex I section,
the sub-points of Annex III points 6 and 7, the Art. 6(3) group, the deployer's kind and the
systemic-risk questions; left out when not needed, they count as "no". At least one role must
apply. Missing answers are refused with every missing id named (``answers.<id>``).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from aitower.core.errors import FieldIssue, InvalidInput
from aitower.inventory.vocabulary import RiskTier
from aitower.risk import eu_ai_act_obligations as data
from aitower.risk.eu_ai_act_facts import Facts, establish
from aitower.risk.eu_ai_act_questions import (
    ANNEX_I,
    ANNEX_III,
    ANNEX_III_AREAS,
    ANNEX_III_POINTS,
    PROHIBITED,
    RBI_EXCEPTIONS,
    RBI_OBJECTIVE_IDS,
    Question,
    Section,
)
from aitower.risk.eu_ai_act_questions_more import (
    EXEMPTION_IDS,
    EXEMPTION_TEST_ID,
    EXEMPTIONS,
    GPAI,
    QUESTIONS,
    ROLE_IDS,
    ROLES,
    SECTIONS,
    TRANSPARENCY,
)

__all__ = [
    "ANNEX_I",
    "ANNEX_III",
    "ANNEX_III_AREAS",
    "ANNEX_III_POINTS",
    "EXEMPTIONS",
    "EXEMPTION_IDS",
    "EXEMPTION_TEST_ID",
    "GPAI",
    "PROHIBITED",
    "QUESTIONS",
    "RBI_EXCEPTIONS",
    "RBI_OBJECTIVE_IDS",
    "ROLES",
    "ROLE_IDS",
    "SECTIONS",
    "TRANSPARENCY",
    "Classification",
    "Question",
    "Review",
    "Section",
    "check_answers",
    "classify",
    "missing_answers",
    "review",
]

TIER_ORDER: dict[RiskTier, int] = {
    RiskTier.minimal: 0,
    RiskTier.limited: 1,
    RiskTier.high: 2,
    RiskTier.prohibited: 3,
}
NO_ROLE = (
    "at least one role must be 'yes' (provider, deployer, importer, distributor or product "
    "manufacturer), or the organisation must provide a general-purpose AI model"
)


@dataclass(frozen=True, slots=True)
class Classification:
    tier: RiskTier
    articles: tuple[str, ...]
    reasons: tuple[str, ...]
    obligations: tuple[str, ...]  # the duties as "text (article)" lines
    roles: tuple[str, ...] = ()  # provider, deployer, ... (eu_ai_act_obligations.ROLES)
    gpai: str = "none"  # none | general_purpose | systemic_risk
    duties: tuple[data.Duty, ...] = ()


def _needed(question: Question, answers: Mapping[str, object]) -> bool:
    return not question.needed_when or any(answers.get(q) is True for q in question.needed_when)


def missing_answers(answers: Mapping[str, object]) -> list[str]:
    """Ids of the questions that must be answered but are not (a stored assessment made before
    a question was added shows them as needing a new answer)."""
    return [q.id for q in QUESTIONS.values() if q.id not in answers and _needed(q, answers)]


def check_answers(answers: Mapping[str, object]) -> dict[str, bool]:
    """All answers as booleans, or InvalidInput naming every unknown, non-boolean or missing
    ``answers.<id>``. Questions not needed (``needed_when``) and left out become False."""
    issues = [
        FieldIssue(f"answers.{key}", "is not a question of the questionnaire")
        for key in answers
        if key not in QUESTIONS
    ]
    issues += [
        FieldIssue(f"answers.{key}", "must be true or false")
        for key, value in answers.items()
        if key in QUESTIONS and not isinstance(value, bool)
    ]
    if issues:
        raise InvalidInput(_summary(issues), issues=issues)
    missing = [FieldIssue(f"answers.{qid}", "is required") for qid in missing_answers(answers)]
    if missing:
        raise InvalidInput(_summary(missing), issues=missing)
    given = {qid: bool(answers.get(qid, False)) for qid in QUESTIONS}
    if not any(given[r] for r in (*ROLE_IDS, "gpai_provider")):
        raise InvalidInput.on("answers.role_provider", NO_ROLE)
    return given


def _summary(issues: list[FieldIssue]) -> str:
    shown = ", ".join(f"{i.field}: {i.reason}" for i in issues[:5])
    more = f" (and {len(issues) - 5} more)" if len(issues) > 5 else ""
    return shown + more


def classify(answers: Mapping[str, object]) -> Classification:
    """The tier, the articles that decided it, plain reasons, the organisation's roles, the
    general-purpose AI status and the obligations that follow for those roles, with dates."""
    given = check_answers(answers)
    effective = {q.id: given[q.id] and _needed(q, given) for q in QUESTIONS.values()}
    facts = establish(effective)
    roles = _roles(effective, facts)
    duties = data.duties(facts.names, roles)
    return Classification(
        tier=facts.tier,
        articles=facts.articles,
        reasons=facts.reasons,
        obligations=tuple(dict.fromkeys(d.line() for d in duties)),
        roles=roles,
        gpai=facts.gpai,
        duties=duties,
    )


def _roles(given: Mapping[str, bool], facts: Facts) -> tuple[str, ...]:
    """The roles answered, plus provider for a product manufacturer of an Annex I Section A
    product (Art. 25(3)) and the model provider's role for a general-purpose AI model."""
    roles = [qid.removeprefix("role_") for qid in ROLE_IDS if given[qid]]
    if "product_manufacturer" in roles and "annex_i_section_a" in facts.names:
        roles.append("provider")
    if given["gpai_provider"]:
        roles.append("gpai_provider")
    return tuple(dict.fromkeys(roles))


@dataclass(frozen=True, slots=True)
class Review:
    """A stored assessment seen today: its classification under the current rules, or the
    questions it lacks (asked since it was stored) when it cannot be classified."""

    classification: Classification | None
    missing: tuple[str, ...]
    unknown: tuple[str, ...]  # stored ids that are no longer questions


def review(answers: Mapping[str, object]) -> Review:
    """Never raises: an old or partial answer set yields what it lacks instead."""
    unknown = tuple(k for k in answers if k not in QUESTIONS)
    known = {k: v for k, v in answers.items() if k in QUESTIONS and isinstance(v, bool)}
    missing = tuple(missing_answers(known))
    if missing:
        return Review(None, missing, unknown)
    try:
        return Review(classify(known), (), unknown)
    except InvalidInput as exc:  # e.g. no role answered "yes"
        return Review(None, tuple(i.field.removeprefix("answers.") for i in exc.issues), unknown)


def changed_answers(
    before: Mapping[str, bool] | None, after: Mapping[str, bool]
) -> dict[str, tuple[bool | None, bool]]:
    """The answers that differ between two versions (a first version: every answer)."""
    old = before or {}
    return {qid: (old.get(qid), value) for qid, value in after.items() if old.get(qid) != value}


def template_answers() -> dict[str, bool]:
    """The starting point of an answers file: every question "no" except the role of
    deployer (a valid answer set needs one role; most organisations deploy what they list)."""
    return {**dict.fromkeys(QUESTIONS, False), "role_deployer": True}


def tier_rank(tier: RiskTier) -> int:
    return TIER_ORDER[tier]
