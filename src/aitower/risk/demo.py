"""The risk part of the demo: EU AI Act assessments and a lived-in risk register.

Runs after the inventory's contributor, finds its systems by name and skips any that is
missing. Idempotent: a system already assessed is not re-assessed, and a risk is added only
when its system has no risk of that title, so loading twice changes nothing.
"""

from __future__ import annotations

import datetime as dt
import uuid
from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from aitower.core.access.roles import Role
from aitower.core.audit.service import ChangeContext
from aitower.core.db.base import utcnow
from aitower.core.demo.organisation import DemoOrganisation
from aitower.inventory.tables import SystemRow
from aitower.risk import service
from aitower.risk.eu_ai_act import template_answers
from aitower.risk.register import RiskFields
from aitower.risk.tables import RiskRow

# Which questions each demo system answers "yes" to (all others "no", except the role of
# deployer, which every demo system has: the organisation uses them all). The bank builds its
# credit and fraud models itself, so it is also their provider. The Sales Forecasting Model is
# left unassessed on purpose: the portfolio then shows a gap to close.
ASSESSMENTS: dict[str, tuple[str, ...]] = {
    "Credit Scoring Model": (
        "role_provider",
        "creditworthiness",
        "profiling",
        "exemption_preparatory",
    ),
    "Healthcare Triage Assistant": ("emergency_triage", "interacts_with_people"),
    "Customer Support Chatbot": ("interacts_with_people", "generates_synthetic_content"),
    "Knowledge Assistant": ("interacts_with_people", "generates_synthetic_content"),
    "Marketing Content Generator": ("generates_synthetic_content", "deep_fakes"),
    "Fraud Detection Model": ("role_provider",),
    "Coding Copilot": (),
}


@dataclass(frozen=True, slots=True)
class DemoRisk:
    title: str
    category: str
    likelihood: int
    impact: int
    residual: tuple[int, int] | None
    status: str
    review_in_days: int | None  # negative: overdue
    mitigations: str
    owner: Role | None = None


_r = DemoRisk


RISKS: dict[str, tuple[DemoRisk, ...]] = {
    "Credit Scoring Model": (
        _r(
            "Disparate impact on protected groups",
            "bias",
            4,
            5,
            (3, 4),
            "mitigating",
            -12,
            "Quarterly fairness tests across age and gender; adverse action reasons reviewed",
            owner=Role.analyst,
        ),
        _r(
            "Model drift after rate changes",
            "operational",
            3,
            4,
            (2, 3),
            "open",
            30,
            "Monthly PSI monitoring with retraining trigger",
        ),
        _r(
            "Explanations insufficient for adverse action notices",
            "compliance",
            3,
            4,
            None,
            "open",
            14,
            "",
            owner=Role.governance,
        ),
    ),
    "Healthcare Triage Assistant": (
        _r(
            "Under-triage of urgent symptoms",
            "hallucination",
            3,
            5,
            (2, 5),
            "mitigating",
            7,
            "Clinician reviews every red-flag case; conservative thresholds",
        ),
        _r(
            "Patient data sent to model provider",
            "privacy",
            2,
            5,
            (1, 5),
            "accepted",
            90,
            "EU-hosted endpoint, DPA signed, no training on prompts",
        ),
    ),
    "Customer Support Chatbot": (
        _r(
            "Invents refund policies",
            "hallucination",
            4,
            3,
            (2, 3),
            "mitigating",
            -5,
            "Answers grounded on the policy knowledge base; citations shown",
            owner=Role.prompt_engineer,
        ),
        _r(
            "Prompt injection through ticket text",
            "security",
            3,
            4,
            (2, 3),
            "open",
            21,
            "Input filtering and tool allow-list",
            owner=Role.security,
        ),
        _r(
            "Customer PII echoed in logs",
            "data_leakage",
            3,
            3,
            (1, 3),
            "closed",
            None,
            "PII redaction in the telemetry pipeline",
        ),
    ),
    "Knowledge Assistant": (
        _r("Outdated internal documents surfaced", "operational", 3, 2, None, "open", 45, ""),
        _r(
            "Access to documents beyond the user's rights",
            "data_leakage",
            2,
            4,
            (1, 4),
            "mitigating",
            20,
            "Retrieval filtered by the user's document permissions",
        ),
    ),
    "Marketing Content Generator": (
        _r(
            "Copyrighted material in generated images",
            "compliance",
            3,
            3,
            (2, 3),
            "open",
            60,
            "Licensed image model; human review before publishing",
        ),
        _r(
            "Off-brand or offensive copy",
            "operational",
            2,
            3,
            (1, 3),
            "accepted",
            120,
            "Brand guidelines in the system prompt; approval workflow",
        ),
    ),
    "Sales Forecasting Model": (
        _r(
            "Forecast overconfidence in volatile quarters",
            "operational",
            3,
            3,
            (2, 3),
            "open",
            30,
            "Prediction intervals shown next to every forecast",
        ),
        _r("Vendor price increase for the ML platform", "vendor", 2, 2, None, "open", 180, ""),
    ),
    "Fraud Detection Model": (
        _r(
            "False positives block legitimate customers",
            "operational",
            4,
            3,
            (3, 2),
            "mitigating",
            10,
            "Manual review queue for blocks above threshold",
        ),
        _r(
            "Adversaries adapt to the model",
            "security",
            3,
            4,
            (3, 3),
            "open",
            -30,
            "Weekly retraining on confirmed fraud labels",
            owner=Role.analyst,
        ),
    ),
    "Coding Copilot": (
        _r(
            "Secrets pasted into prompts",
            "data_leakage",
            3,
            4,
            (2, 3),
            "mitigating",
            25,
            "Secret scanning on prompts at the AI gateway",
            owner=Role.security,
        ),
        _r(
            "Licence-incompatible code suggestions",
            "compliance",
            2,
            3,
            (1, 3),
            "open",
            60,
            "Duplicate-code filter enabled",
        ),
        _r(
            "Vulnerable code suggestions merged",
            "security",
            3,
            3,
            (2, 3),
            "open",
            40,
            "SAST in CI on every pull request",
        ),
    ),
}


def _systems(session: Session) -> dict[str, uuid.UUID]:
    """Our names → ids, matched case-insensitively ("Credit scoring model" is ours too)."""
    wanted = {name.lower(): name for name in (*ASSESSMENTS, *RISKS)}
    rows = session.execute(
        select(SystemRow.name, SystemRow.id).where(func.lower(SystemRow.name).in_(sorted(wanted)))
    )
    return {wanted[name.lower()]: system_id for name, system_id in rows.all()}


def _assess(
    session: Session, ctx: ChangeContext, demo: DemoOrganisation, found: dict[str, uuid.UUID]
) -> None:
    done = service.questionnaire_done(session, list(found.values()))
    for name, yes in ASSESSMENTS.items():
        system_id = found.get(name)
        if system_id is None or system_id in done:
            continue
        answers = template_answers()
        answers.update(dict.fromkeys(yes, True))
        service.assess(session, ctx, system_id, answers)
        demo.note("EU AI Act assessments", name)


def _fields(spec: DemoRisk, today: dt.date) -> RiskFields:
    review = None if spec.review_in_days is None else today + dt.timedelta(days=spec.review_in_days)
    residual = spec.residual or (None, None)
    return RiskFields(
        title=spec.title,
        category=spec.category,
        likelihood=spec.likelihood,
        impact=spec.impact,
        residual_likelihood=residual[0],
        residual_impact=residual[1],
        mitigations=spec.mitigations,
        status=spec.status,
        next_review=review,
    )


def add_demo_risk(session: Session, ctx: ChangeContext, demo: DemoOrganisation) -> None:
    """Assess the demo systems and fill their registers with what is missing."""
    found = _systems(session)
    _assess(session, ctx, demo, found)
    rows = session.execute(select(RiskRow.system_id, RiskRow.title)).all()
    existing = {(system_id, title) for system_id, title in rows}
    today = utcnow().date()
    for name, risks in RISKS.items():
        system_id = found.get(name)
        if system_id is None:
            continue
        for spec in risks:
            if (system_id, spec.title) in existing:
                continue
            owner = demo.users.get(spec.owner) if spec.owner is not None else None
            new = service.NewRisk(
                _fields(spec, today), owner=None if owner is None else owner.username
            )
            service.add_risk(session, ctx, system_id, new)
            demo.note("risks", spec.title)
