"""From answers to the facts the Act attaches obligations to: tier, route, registration,
fundamental rights impact assessment, general-purpose AI status. Pure.

Takes the effective answers (every question, with questions whose ``needed_when`` is not met
counted as "no") and returns the tier with its articles and reasons, and the named facts the
obligations data (``eu_ai_act_obligations.yaml``, ``when:``) is conditioned on.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from aitower.inventory.vocabulary import RiskTier
from aitower.risk.eu_ai_act_questions import (
    ANNEX_III_POINTS,
    PROHIBITED,
    RBI_OBJECTIVE_IDS,
    Question,
    annex_iii_point,
)
from aitower.risk.eu_ai_act_questions_more import (
    EXEMPTION_IDS,
    EXEMPTION_TEST_ID,
    QUESTIONS,
    TRANSPARENCY,
)

AMENDED_PROHIBITIONS = ("p_intimate_imagery", "p_csam")
# Annex III points whose registration is in the secure non-public section (Art. 49(4)) when
# used in law enforcement, migration, asylum or border control.
SECURE_POINTS = ("1", "6", "7")


@dataclass(frozen=True, slots=True)
class Facts:
    tier: RiskTier
    articles: tuple[str, ...]
    reasons: tuple[str, ...]
    names: frozenset[str]
    gpai: str


@dataclass(slots=True)
class _Draft:
    articles: list[str]
    reasons: list[str]
    names: set[str]


def _yes(given: Mapping[str, bool], questions: tuple[Question, ...]) -> list[Question]:
    return [q for q in questions if given[q.id]]


def _rbi_allowed(given: Mapping[str, bool]) -> bool:
    """Art. 5(1)(h): only for a listed objective, and (Art. 5(3)) with prior authorisation."""
    objective = any(given[q] for q in RBI_OBJECTIVE_IDS)
    return given["p_realtime_rbi"] and objective and given["rbi_authorised"]


def _prohibited(given: Mapping[str, bool], draft: _Draft) -> bool:
    hits = [q for q in _yes(given, PROHIBITED.questions) if q.id != "p_realtime_rbi"]
    if given["p_realtime_rbi"] and not _rbi_allowed(given):
        hits.append(QUESTIONS["p_realtime_rbi"])
    for q in hits:
        amended = q.id in AMENDED_PROHIBITIONS
        draft.names.add("prohibited_amended" if amended else "prohibited_original")
        draft.articles.append(q.article)
        suffix = ", added by the 2026 amendment (source not verified)" if amended else ""
        draft.reasons.append(f"Prohibited: {q.label} ({q.article}{suffix}).")
    if given["p_realtime_rbi"] and _rbi_allowed(given):
        objectives = [QUESTIONS[q] for q in RBI_OBJECTIVE_IDS if given[q]]
        draft.names.add("rbi_exception")
        draft.articles += [q.article for q in objectives] + ["Art. 5(3)"]
        draft.reasons.append(
            "Real-time remote biometric identification allowed only under the exception of "
            + "; ".join(f"{q.label} ({q.article})" for q in objectives)
            + ", with prior authorisation of each use (Art. 5(3)): a high-risk use of Annex III "
            "point 1(a)."
        )
    return bool(hits)


def _annex_iii(given: Mapping[str, bool], draft: _Draft) -> list[Question]:
    """The Annex III points that apply; high risk unless the Art. 6(3) derogation holds."""
    hits = _yes(given, ANNEX_III_POINTS)
    if "rbi_exception" in draft.names and not given["biometric_remote_identification"]:
        hits.insert(0, QUESTIONS["biometric_remote_identification"])
    if not hits:
        return []
    draft.names.add("route_annex_iii")
    draft.articles += [q.article for q in hits]
    uses = "; ".join(f"{q.label} ({q.article})" for q in hits)
    claimed = [QUESTIONS[qid] for qid in EXEMPTION_IDS if given[qid]]
    if not claimed and not given[EXEMPTION_TEST_ID]:
        draft.reasons.append(f"High risk: {uses}.")
        return hits
    draft.articles.append("Art. 6(3)")
    conditions = ", ".join(f"{q.label} ({q.article})" for q in claimed)
    if given["profiling"]:
        why = "because the system profiles natural persons"
    elif not claimed:
        why = "because none of its conditions (a)–(d) is met"
    elif not given[EXEMPTION_TEST_ID]:
        why = (
            "because the system may pose a significant risk of harm or materially influence "
            "the outcome of decision making (Art. 6(3), first subparagraph)"
        )
    else:
        draft.names.add("exempted")
        draft.reasons.append(
            f"Not high risk although listed in Annex III: {uses}; the Art. 6(3) derogation "
            f"applies: no significant risk of harm and {conditions}, and the system does not "
            "profile natural persons."
        )
        return []
    shown = f" claimed ({conditions})" if conditions else ""
    draft.reasons.append(
        f"High risk: {uses}; the Art. 6(3) derogation{shown} does not apply {why}."
    )
    return hits


def _annex_iii_facts(given: Mapping[str, bool], hits: list[Question], draft: _Draft) -> None:
    """Registration (Art. 49(1), (4), (5)), information and explanation duties (Art. 26(11),
    Art. 86) and the fundamental rights impact assessment (Art. 27(1))."""
    points = {annex_iii_point(q) for q in hits}
    areas = {p[0] for p in points}
    secure_use = (
        given["law_enforcement"] or given["migration_border"] or "rbi_exception" in draft.names
    )
    if "2" in areas:
        draft.names.add("register_national")
    if areas & {"6", "7"} or ("1" in areas and secure_use):
        draft.names.add("register_eu_secure")
    if areas & {"3", "4", "5", "8"} or ("1" in areas and not secure_use):
        draft.names.add("register_eu_public")
    beyond_infrastructure = bool(areas - {"2"})
    if beyond_infrastructure:
        draft.names.add("annex_iii_decisions")
    if given["deployer_public_service"]:
        draft.names.add("public_service_deployer")
    if beyond_infrastructure and (given["deployer_public_service"] or points & {"5(b)", "5(c)"}):
        draft.names.add("fria")


def _annex_i(given: Mapping[str, bool], draft: _Draft) -> bool:
    if not given["annex_i_safety_component"]:
        return False
    draft.names.add("route_annex_i")
    question = QUESTIONS["annex_i_safety_component"]
    draft.articles.append(question.article)
    if given["annex_i_section_b"]:
        draft.articles.append("Art. 2(2)")
        draft.reasons.append(
            f"High risk: {question.label} ({question.article}, Annex I Section B): only "
            "Art. 6(1), Arts. 102–109 and 112 of the Act apply, and Art. 57 as far as the "
            "high-risk requirements are integrated in that legislation (Art. 2(2))."
        )
    else:
        draft.names.add("annex_i_section_a")
        draft.reasons.append(f"High risk: {question.label} ({question.article}, Annex I).")
    return True


def _gpai(given: Mapping[str, bool], draft: _Draft) -> str:
    if not given["gpai_provider"]:
        return "none"
    draft.names.add("gpai")
    systemic = [
        QUESTIONS[q]
        for q in ("gpai_high_impact", "gpai_compute_over_threshold", "gpai_designated")
        if given[q]
    ]
    if systemic:
        draft.names.add("gpai_systemic")
    if systemic or not given["gpai_open_source"]:
        draft.names.add("gpai_not_open_source")
    if not systemic:
        draft.articles.append("Art. 53")
        draft.reasons.append("General-purpose AI model provided by the organisation (Art. 53).")
        return "general_purpose"
    draft.articles += ["Art. 51", "Art. 55"]
    why = "; ".join(f"{q.label} ({q.article})" for q in systemic)
    draft.reasons.append(f"General-purpose AI model with systemic risk: {why} (Art. 51).")
    return "systemic_risk"


def establish(given: Mapping[str, bool]) -> Facts:
    """The tier, articles, reasons and facts of one set of effective answers."""
    draft = _Draft([], [], set())
    prohibited = _prohibited(given, draft)
    annex_i = _annex_i(given, draft)
    annex_iii = _annex_iii(given, draft)
    gpai = _gpai(given, draft)
    transparency = _yes(given, TRANSPARENCY.questions)
    draft.articles += [q.article for q in transparency]
    draft.reasons += [f"Transparency duty: {q.label} ({q.article})." for q in transparency]
    if prohibited:
        names = {n for n in draft.names if n.startswith(("prohibited", "gpai"))}
        return Facts(RiskTier.prohibited, _unique(draft.articles), tuple(draft.reasons),
                     frozenset(names), gpai)  # fmt: skip
    draft.names.add("not_prohibited")
    draft.names.update(q.id for q in transparency)
    if annex_iii:
        draft.names.add("high_act")
        _annex_iii_facts(given, annex_iii, draft)
    if annex_i:
        if "annex_i_section_a" in draft.names:
            draft.names.add("high_act")
        elif not annex_iii:
            draft.names.add("section_b_only")
    if annex_i or annex_iii:
        tier = RiskTier.high
    elif transparency:
        tier = RiskTier.limited
    else:
        tier = RiskTier.minimal
        draft.names.add("minimal")
        draft.reasons.append(
            "Minimal risk: no prohibited practice, high-risk use or transparency case."
        )
    return Facts(tier, _unique(draft.articles), tuple(draft.reasons), frozenset(draft.names), gpai)


def _unique(items: list[str]) -> tuple[str, ...]:
    return tuple(dict.fromkeys(items))
