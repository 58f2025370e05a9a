"""Facts of two systems built by hand: a credit model with much recorded, and a bare one."""

from __future__ import annotations

from datetime import UTC, date, datetime

from aitower.documents.common import Issue
from aitower.documents.facts import (
    AssessmentFact,
    DataSourceFact,
    DocumentFacts,
    EvidenceFact,
    ModelFact,
    MonitorFact,
    PolicyFact,
    RiskFact,
    SystemInfo,
    TelemetryFact,
)

AT = datetime(2026, 11, 2, 9, 30, tzinfo=UTC)
ISSUE = Issue(3, datetime(2026, 12, 7, 15, 0, tzinfo=UTC), "gina")


def system(**changes: object) -> SystemInfo:
    base: dict[str, object] = {
        "id": "6f1c0d3e-0000-4000-8000-000000000001",
        "name": "Credit Scoring Model",
        "purpose": "Scores consumer loan applications",
        "kind": "ml_model",
        "unit": "Retail Banking",
        "stage": "validation",
        "risk_tier": "high",
        "accountable_owner": "Olivia Owner",
        "technical_owner": "Eddie Engineer",
        "autonomy": "human_on_the_loop",
        "affected": ("customers",),
        "models": (ModelFact("in-house", "credit-gbm", "4.2", "self_hosted"),),
        "vendors": ("Experian",),
        "data_sources": (DataSourceFact("Loan applications", "confidential", True, False),),
        "data_classification": "confidential",
        "personal_data": True,
        "special_category_data": False,
        "environments": ("production",),
        "services": ("credit-api",),
        "docs_url": "https://wiki.example.com/credit",
        "repository_url": "",
        "tags": ("lending",),
        "notes": "",
    }
    base.update(changes)
    return SystemInfo(**base)  # type: ignore[arg-type]


def rich_facts() -> DocumentFacts:
    return DocumentFacts(
        system=system(),
        assessment=AssessmentFact(
            2,
            "high",
            ("Annex III point 5(b)",),
            ("Evaluates creditworthiness of natural persons",),
            ("Human oversight (Art. 14)",),
            "gina",
            AT,
        ),
        risks=(
            RiskFact(
                "Age bias", "fairness", "open", 16, 12, "Reweighting", "gina", date(2027, 1, 5)
            ),
            RiskFact("Old risk", "security", "closed", 4, 2, "", None, None),
        ),
        policies=(
            PolicyFact("high-risk", "High-risk controls", "block", ("Bias evaluation missing",)),
        ),
        evidence=(EvidenceFact("human_oversight_plan", "Oversight plan", "DOC-7", "eddie", AT),),
        monitors=(
            MonitorFact(
                name="credit weekly",
                model="credit-gbm",
                task="binary",
                status="alert",
                run_at=AT,
                window_start=datetime(2026, 10, 26, tzinfo=UTC),
                window_end=datetime(2026, 11, 2, tzinfo=UTC),
                rows=1200,
                labelled_rows=800,
                drift_share=0.25,
                drifted_features=2,
                judged_features=8,
                performance=(("roc_auc", 0.812),),
                fairness_ratio=0.0712,
                fairness_floor=0.8,
                sensitive=("age_band",),
                signals=("demographic parity ratio 0.0712 under 0.8",),
            ),
        ),
        telemetry=TelemetryFact(30, 1000, 25, 0.025, 1834.0, 12.5, 0.0125, 990, 450000),
    )


def bare_facts() -> DocumentFacts:
    return DocumentFacts(
        system=system(
            name="Bare Tool",
            purpose="",
            risk_tier=None,
            accountable_owner=None,
            technical_owner=None,
            affected=(),
            models=(),
            vendors=(),
            data_sources=(),
            environments=(),
            services=(),
            docs_url="",
            tags=(),
            personal_data=False,
        )
    )
