"""The sentences of findings: what a requirement checks and, when it fails, what is missing.

Kept apart from ``evaluation`` so the wording can be read (and reviewed) in one place. A
failing sentence names the thing to fix ("a human-oversight plan; none is attached", "vendor
Acme AI has no signed DPA") rather than the rule that caught it. Pure.
"""

from __future__ import annotations

from datetime import date

from aitower.governance.judged import judge_requirement
from aitower.governance.policy import Policy, Requirement
from aitower.governance.policy_terms import (
    DOCUMENT_TITLES,
    FIELD_TITLES,
    JUDGED_KINDS,
    VENDOR_RATINGS,
)
from aitower.inventory.system_facts import SystemFacts, VendorFacts
from aitower.inventory.vocabulary import KIND_TITLES, SystemKind

_TIER_NOUNS = {
    "prohibited": "prohibited systems",
    "unassessed": "systems not yet assessed",
}


def _article(noun: str) -> str:
    return "an" if noun[:1] in "aeiou" else "a"


def tier_noun(tier: str) -> str:
    return _TIER_NOUNS.get(tier, f"{tier}-risk systems")


def subject(policy: Policy) -> tuple[str, str]:
    """Who the policy speaks of, and the verb agreeing with it: ("high-risk systems", "need")."""
    sel = policy.applies_to
    if sel.tiers is not None and len(sel.tiers) == 1:
        return tier_noun(next(iter(sel.tiers))), "need"
    if sel.kinds is not None and len(sel.kinds) == 1:
        kind = next(iter(sel.kinds))
        return f"{KIND_TITLES[SystemKind(kind)].lower()}s", "need"
    if sel.personal_data:
        return "systems processing personal data", "need"
    return "this system", "needs"


def pass_detail(req: Requirement, policy: Policy, system: SystemFacts, today: date) -> str:
    """What a met requirement confirms (for a judged kind, which object proves it)."""
    if req.type == "document" and req.document in JUDGED_KINDS:
        return judge_requirement(req, system, today, *subject(policy)).detail
    if req.type == "document":
        return f"{DOCUMENT_TITLES[str(req.document)]} attached."
    if req.type == "field":
        return f"the {FIELD_TITLES[str(req.field_name)]} is set."
    if req.type == "questionnaire":
        return "the EU AI Act questionnaire is done."
    if req.type == "approval":
        return f"approved by {req.role}."
    if req.type == "vendor":
        return "every vendor meets the vendor requirement."
    if req.type == "risk":
        return f"no open risk has a residual score above {req.max_open_score}."
    return "the risk tier is allowed."


def _vendor_problem(
    req: Requirement, vendor: VendorFacts, system: SystemFacts, today: date
) -> str | None:
    name = f"vendor {vendor.name}"
    if req.vendor_check == "dpa_signed":
        if vendor.dpa_signed:
            return None
        why = ", and this system processes personal data" if system.personal_data else ""
        return f"{name} has no signed DPA{why}"
    if req.vendor_check == "attestation_valid":
        if vendor.attestation_valid(today):
            return None
        return f"{name} has no valid SOC 2 or ISO/IEC 27001 attestation"
    if req.vendor_check == "no_training_on_customer_data":
        if vendor.trains_on_customer_data is False:
            return None
        if vendor.trains_on_customer_data is None:
            return f"{name} has not said whether it trains on customer data"
        return f"{name} trains on customer data"
    limit = str(req.risk_rating_at_most)
    if VENDOR_RATINGS.index(limit) >= _level(vendor.risk_rating):
        return None
    return f"{name} is rated {vendor.risk_rating} risk (at most {limit} allowed)"


def _level(rating: str) -> int:
    return VENDOR_RATINGS.index(rating) if rating in VENDOR_RATINGS else len(VENDOR_RATINGS)


def _risk_problem(req: Requirement, system: SystemFacts) -> str | None:
    limit = int(req.max_open_score or 0)
    above = sorted((s for s in system.open_risk_scores if s > limit), reverse=True)
    if not above:
        return None
    if len(above) == 1:
        return f"an open risk has residual score {above[0]} (limit {limit})."
    return f"{len(above)} open risks have residual scores above {limit} (highest {above[0]})."


def failure_detail(
    policy: Policy, req: Requirement, system: SystemFacts, gate: str, today: date
) -> str | None:
    """None when the requirement is met; else the plain sentence saying what is missing."""
    if req.type == "document" and req.document in JUDGED_KINDS:
        verdict = judge_requirement(req, system, today, *subject(policy))
        return None if verdict.met else verdict.detail
    if req.type == "document":
        if req.document in system.documents:
            return None
        who, verb = subject(policy)
        title = DOCUMENT_TITLES[str(req.document)]
        if req.document in system.expired_documents:
            return f"{who} {verb} {_article(title)} {title}; the attached one has expired."
        return f"{who} {verb} {_article(title)} {title}; none is attached."
    if req.type == "field":
        if req.field_name in system.fields_set:
            return None
        return f"the {FIELD_TITLES[str(req.field_name)]} is not set."
    if req.type == "questionnaire":
        return None if system.questionnaire_done else "the EU AI Act questionnaire is not done."
    if req.type == "vendor":
        problems = [p for v in system.vendors if (p := _vendor_problem(req, v, system, today))]
        return "; ".join(problems) + "." if problems else None
    if req.type == "risk":
        return _risk_problem(req, system)
    tier = system.tier or "unassessed"
    if tier not in req.tiers:
        return None
    where = {"continuous": f"be at stage {system.stage}", "intake": "be admitted"}.get(
        gate, f"move to {gate}"
    )
    return f"{tier_noun(tier)} may not {where}."
