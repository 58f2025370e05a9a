"""The EU AI Act (Regulation (EU) 2024/1689) questionnaire and the tier it yields. Pure.

Why a questionnaire of yes/no questions: the people who register AI systems are engineers and
product owners, not lawyers. Each question says in plain words what the Act means, with a help
line and the article it comes from, so the answer can be checked against the text.

Tiers, from the most to the least severe: prohibited (Art. 5) > high (Art. 6(1) with Annex I,
or Art. 6(2) with Annex III unless an Art. 6(3) exemption applies) > limited (Art. 50
transparency duties) > minimal. The Art. 6(3) exemptions never apply to a system that profiles
natural persons (Art. 6(3), last subparagraph).

Completeness rule (chosen and documented in docs/eu-ai-act.md): every question is required,
except the Art. 6(3) group (exemptions and profiling), which matters only when an Annex III use
case was answered "yes"; when no Annex III case applies, unanswered Art. 6(3) questions count as
"no". Missing answers are refused with every missing id named (``answers.<id>``).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from aitower.core.errors import FieldIssue, InvalidInput
from aitower.inventory.vocabulary import RiskTier
from aitower.risk.eu_ai_act_questions import (
    ANNEX_I,
    ANNEX_III,
    EXEMPTION_IDS,
    EXEMPTIONS,
    PROHIBITED,
    QUESTIONS,
    SECTIONS,
    TRANSPARENCY,
    Question,
    Section,
)

__all__ = [
    "ANNEX_I",
    "ANNEX_III",
    "EXEMPTIONS",
    "EXEMPTION_IDS",
    "PROHIBITED",
    "QUESTIONS",
    "SECTIONS",
    "TRANSPARENCY",
    "Classification",
    "Question",
    "Section",
    "check_answers",
    "classify",
]

TIER_ORDER: dict[RiskTier, int] = {
    RiskTier.minimal: 0,
    RiskTier.limited: 1,
    RiskTier.high: 2,
    RiskTier.prohibited: 3,
}


HIGH_RISK_OBLIGATIONS: tuple[str, ...] = (
    "Risk management system (Art. 9)",
    "Data and data governance (Art. 10)",
    "Technical documentation (Art. 11)",
    "Record-keeping: automatic logs (Art. 12)",
    "Transparency and information to deployers (Art. 13)",
    "Human oversight (Art. 14)",
    "Accuracy, robustness and cybersecurity (Art. 15)",
    "Quality management system (Art. 17)",
    "Conformity assessment before placing on the market (Art. 43)",
    "Registration in the EU database (Art. 49)",
    "Post-market monitoring (Art. 72)",
    "Reporting of serious incidents (Art. 73)",
)
TRANSPARENCY_OBLIGATIONS: dict[str, str] = {
    "interacts_with_people": "Inform people that they are interacting with an AI system, "
    "unless obvious (Art. 50(1))",
    "generates_synthetic_content": "Mark synthetic output as artificially generated, in a "
    "machine-readable format (Art. 50(2))",
    "emotion_or_biometric_categorisation": "Inform the people exposed of the operation of the "
    "system (Art. 50(3))",
    "deep_fakes": "Disclose that the content has been artificially generated or manipulated "
    "(Art. 50(4))",
    "public_interest_text": "Disclose that the text was artificially generated, unless under "
    "human editorial review (Art. 50(4))",
}
PROHIBITED_OBLIGATION = "Must not be placed on the market or put into service (Art. 5)"
AI_LITERACY = "AI literacy of the staff operating the system (Art. 4)"
EXEMPTION_OBLIGATIONS: tuple[str, ...] = (
    "Document the assessment that the system is not high risk (Art. 6(4))",
    "Register the system in the EU database even so (Art. 49(2))",
)
MINIMAL_OBLIGATION = "No mandatory duties; consider voluntary codes of conduct (Art. 95)"


@dataclass(frozen=True, slots=True)
class Classification:
    tier: RiskTier
    articles: tuple[str, ...]
    reasons: tuple[str, ...]
    obligations: tuple[str, ...]


def check_answers(answers: Mapping[str, object]) -> dict[str, bool]:
    """All answers as booleans, or InvalidInput naming every unknown, non-boolean or missing
    ``answers.<id>``. Art. 6(3) answers left out when no Annex III case applies become False."""
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
    annex_iii = any(answers.get(q.id) is True for q in ANNEX_III.questions)
    optional = set() if annex_iii else {q.id for q in EXEMPTIONS.questions}
    missing = [
        FieldIssue(f"answers.{qid}", "is required")
        for qid in QUESTIONS
        if qid not in answers and qid not in optional
    ]
    if missing:
        raise InvalidInput(_summary(missing), issues=missing)
    return {qid: bool(answers.get(qid, False)) for qid in QUESTIONS}


def _summary(issues: list[FieldIssue]) -> str:
    shown = ", ".join(f"{i.field}: {i.reason}" for i in issues[:5])
    more = f" (and {len(issues) - 5} more)" if len(issues) > 5 else ""
    return shown + more


def _hits(section: Section, answers: Mapping[str, bool]) -> list[Question]:
    return [q for q in section.questions if answers[q.id]]


def classify(answers: Mapping[str, object]) -> Classification:
    """The tier, the articles that decided it, plain reasons and the obligations that follow."""
    given = check_answers(answers)
    prohibited = _hits(PROHIBITED, given)
    annex_i = _hits(ANNEX_I, given)
    annex_iii = _hits(ANNEX_III, given)
    transparency = _hits(TRANSPARENCY, given)
    articles = [q.article for q in (*prohibited, *annex_i, *annex_iii)]
    reasons = [f"Prohibited: {q.label} ({q.article})." for q in prohibited]
    reasons += [f"High risk: {q.label} ({q.article}, Annex I)." for q in annex_i]
    high = bool(annex_i)
    exempted = False
    if annex_iii:
        decision = _annex_iii_decision(annex_iii, given)
        reasons.append(decision.reason)
        articles += decision.articles
        high = high or decision.high
        exempted = not decision.high
    articles += [q.article for q in transparency]
    reasons += [f"Transparency duty: {q.label} ({q.article})." for q in transparency]
    if prohibited:
        return Classification(
            RiskTier.prohibited, _unique(articles), tuple(reasons), (PROHIBITED_OBLIGATION,)
        )
    duties = [TRANSPARENCY_OBLIGATIONS[q.id] for q in transparency]
    if high:
        tier, obligations = RiskTier.high, [*HIGH_RISK_OBLIGATIONS, *duties]
    elif transparency:
        tier, obligations = RiskTier.limited, duties
    else:
        tier, obligations = RiskTier.minimal, [MINIMAL_OBLIGATION]
        reasons.append("Minimal risk: no prohibited practice, high-risk use or transparency case.")
    if exempted and not annex_i:
        obligations = [*EXEMPTION_OBLIGATIONS, *obligations]
    return Classification(
        tier, _unique(articles), tuple(reasons), tuple(_unique([*obligations, AI_LITERACY]))
    )


@dataclass(frozen=True, slots=True)
class _Decision:
    high: bool
    reason: str
    articles: tuple[str, ...]


def _annex_iii_decision(hits: list[Question], given: Mapping[str, bool]) -> _Decision:
    """High risk unless an Art. 6(3) exemption is claimed and the system does not profile."""
    uses = "; ".join(f"{q.label} ({q.article})" for q in hits)
    claimed = [QUESTIONS[qid] for qid in EXEMPTION_IDS if given[qid]]
    if not claimed:
        return _Decision(True, f"High risk: {uses}.", ())
    exemption = ", ".join(f"{q.label} ({q.article})" for q in claimed)
    if given["profiling"]:
        return _Decision(
            True,
            f"High risk: {uses}; the Art. 6(3) exemption claimed ({exemption}) does not apply "
            "because the system profiles natural persons.",
            ("Art. 6(3)",),
        )
    return _Decision(
        False,
        f"Not high risk although listed in Annex III: {uses}; the Art. 6(3) exemption applies "
        f"({exemption}) and the system does not profile natural persons.",
        ("Art. 6(3)",),
    )


def _unique(items: list[str]) -> tuple[str, ...]:
    return tuple(dict.fromkeys(items))


def changed_answers(
    before: Mapping[str, bool] | None, after: Mapping[str, bool]
) -> dict[str, tuple[bool | None, bool]]:
    """The answers that differ between two versions (a first version: every answer)."""
    old = before or {}
    return {qid: (old.get(qid), value) for qid, value in after.items() if old.get(qid) != value}


def template_answers() -> dict[str, bool]:
    """Every question answered "no": the starting point of an answers file."""
    return dict.fromkeys(QUESTIONS, False)


def tier_rank(tier: RiskTier) -> int:
    return TIER_ORDER[tier]
