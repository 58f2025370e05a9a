"""The demo inventory: realistic vendors and the eight AI systems of a mid-size company.

``add_demo_inventory`` is a demo contributor (``core/demo/loader.py``): it goes through the
services (so every record is on the audit trail), adds only what is missing, and notes what it
created. Dates are relative to today so the demo always shows one renewal due soon, one expired
SOC 2 and one vendor training on customer data.
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from sqlalchemy.orm import Session

from aitower.core.access.roles import Role
from aitower.core.audit.service import ChangeContext
from aitower.core.db.base import utcnow
from aitower.core.demo.organisation import DemoOrganisation
from aitower.inventory import service, vendors

# Dates are offsets in days from today, so the demo never goes stale.
DATE_FIELDS = frozenset(
    {"contract_start", "contract_end", "renewal_date", "soc2_until", "iso27001_until"}
)
_COMMON = {"dpa_signed": True, "trains_on_customer_data": False, "retention_days": 30}
VENDORS: list[dict[str, Any]] = [
    {
        **_COMMON,
        "name": "OpenAI",
        "vendor_type": "model_provider",
        "website": "https://openai.com",
        "contract_start": -320,
        "contract_end": 45,
        "renewal_date": 45,
        "annual_value": 180_000,
        "soc2_until": 200,
        "data_residency": "US",
        "notes": "Enterprise API agreement; zero data retention requested.",
    },
    {
        **_COMMON,
        "name": "Anthropic",
        "vendor_type": "model_provider",
        "website": "https://www.anthropic.com",
        "contract_start": -60,
        "contract_end": 305,
        "renewal_date": 305,
        "annual_value": 95_000,
        "soc2_until": 250,
        "iso27001_until": 400,
        "data_residency": "US",
    },
    {
        **_COMMON,
        "name": "Microsoft Azure AI",
        "vendor_type": "ai_platform",
        "website": "https://azure.microsoft.com",
        "contract_start": -500,
        "contract_end": 230,
        "renewal_date": 230,
        "annual_value": 240_000,
        "soc2_until": 180,
        "iso27001_until": 300,
        "data_residency": "EU",
    },
    {
        **_COMMON,
        "name": "GitHub (Copilot)",
        "vendor_type": "saas_tool",
        "website": "https://github.com/features/copilot",
        "contract_start": -200,
        "contract_end": 165,
        "renewal_date": 165,
        "annual_value": 46_800,
        "soc2_until": 140,
        "data_residency": "US",
    },
    {
        **_COMMON,
        "name": "Google Cloud Vertex AI",
        "vendor_type": "ai_platform",
        "website": "https://cloud.google.com/vertex-ai",
        "contract_start": -100,
        "contract_end": 265,
        "renewal_date": 265,
        "annual_value": 60_000,
        "soc2_until": 220,
        "iso27001_until": 220,
        "data_residency": "EU",
    },
    {
        "name": "Zendesk",
        "vendor_type": "saas_tool",
        "website": "https://www.zendesk.com",
        "contract_start": -400,
        "contract_end": 330,
        "renewal_date": 330,
        "annual_value": 72_000,
        "soc2_until": -40,
        "dpa_signed": True,
        "data_residency": "EU",
        "trains_on_customer_data": None,
        "notes": "SOC 2 report renewal requested from the account team.",
    },
    {
        "name": "Northwind Analytics",
        "vendor_type": "consultancy",
        "website": "https://northwind-analytics.example.com",
        "contract_start": -90,
        "contract_end": 90,
        "annual_value": 130_000,
        "dpa_signed": False,
        "trains_on_customer_data": True,
        "notes": "Builds the credit-scoring model; their terms allow reuse of training data.",
    },
]


def _vendors(today: date) -> list[dict[str, Any]]:
    """The vendor records with their day offsets turned into dates around ``today``."""
    return [
        {
            k: (today + timedelta(days=v)).isoformat() if k in DATE_FIELDS else v
            for k, v in spec.items()
        }
        for spec in VENDORS
    ]


# Owners are given by role and become the demo users of those roles.
SYSTEMS: list[dict[str, Any]] = [
    {
        "name": "Customer support chatbot",
        "kind": "llm_app",
        "unit": "Customer Support",
        "stage": "monitoring",
        "purpose": "Answers customer questions in the help centre and hands over to agents.",
        "accountable_owner": Role.ops_manager,
        "technical_owner": Role.engineer,
        "autonomy": "human_on_the_loop",
        "affected": ["customers"],
        "vendors": ["OpenAI", "Zendesk"],
        "models": [{"provider": "openai", "name": "gpt-4o", "version": "2024-08-06"}],
        "data_sources": [
            {
                "name": "support tickets",
                "classification": "confidential",
                "personal_data": True,
            },
            {"name": "help centre articles", "classification": "public"},
        ],
        "environments": [{"name": "prod", "endpoint": "https://support.example.com/assistant"}],
        "services": ["support-chatbot"],
        "tags": ["customer-facing", "genai"],
        "links": {"docs": "https://wiki.example.com/ai/support-chatbot"},
    },
    {
        "name": "Knowledge assistant",
        "kind": "llm_app",
        "unit": "IT",
        "stage": "deployment",
        "purpose": "Answers employees' questions from the intranet and IT runbooks.",
        "accountable_owner": Role.ops_manager,
        "technical_owner": Role.engineer,
        "affected": ["employees"],
        "vendors": ["Anthropic"],
        "models": [{"provider": "anthropic", "name": "claude-sonnet", "version": "4"}],
        "data_sources": [{"name": "intranet", "classification": "internal"}],
        "services": ["knowledge-assistant"],
        "tags": ["internal-tool", "genai"],
    },
    {
        "name": "Marketing content generator",
        "kind": "llm_app",
        "unit": "Marketing",
        "stage": "development",
        "purpose": "Drafts campaign copy and product descriptions for review.",
        "accountable_owner": Role.stakeholder,
        "technical_owner": Role.prompt_engineer,
        "affected": ["public"],
        "vendors": ["Google Cloud Vertex AI"],
        "models": [{"provider": "google", "name": "gemini", "version": "1.5-pro"}],
        "data_sources": [{"name": "product catalogue", "classification": "internal"}],
        "services": ["marketing-content"],
        "tags": ["genai"],
    },
    {
        "name": "Sales forecasting model",
        "kind": "ml_model",
        "unit": "Finance",
        "stage": "monitoring",
        "purpose": "Forecasts quarterly sales per region for planning.",
        "accountable_owner": Role.analyst,
        "technical_owner": Role.engineer,
        "autonomy": "human_in_the_loop",
        "affected": ["employees"],
        "models": [
            {
                "provider": "internal",
                "name": "sales-forecast-gbm",
                "version": "7",
                "hosting": "internal",
            }
        ],
        "data_sources": [{"name": "sales ledger", "classification": "confidential"}],
        "services": ["sales-forecast"],
        "tags": ["forecasting"],
    },
    {
        "name": "Fraud detection model",
        "kind": "ml_model",
        "unit": "Risk",
        "stage": "monitoring",
        "purpose": "Scores card transactions for fraud in real time.",
        "accountable_owner": Role.analyst,
        "technical_owner": Role.engineer,
        "autonomy": "autonomous",
        "affected": ["customers"],
        "models": [
            {
                "provider": "internal",
                "name": "fraud-xgb",
                "version": "12",
                "hosting": "internal",
            }
        ],
        "data_sources": [
            {"name": "card transactions", "classification": "restricted", "personal_data": True}
        ],
        "services": ["fraud-detection"],
        "tags": ["real-time"],
    },
    {
        "name": "Credit scoring model",
        "kind": "ml_model",
        "unit": "Finance",
        "stage": "development",
        "purpose": "Scores consumer credit applications (decision support for underwriters).",
        "accountable_owner": Role.analyst,
        "technical_owner": Role.engineer,
        "affected": ["customers"],
        "vendors": ["Northwind Analytics"],
        "models": [
            {
                "provider": "internal",
                "name": "credit-score-lr",
                "version": "0.3",
                "hosting": "internal",
            }
        ],
        "data_sources": [
            {
                "name": "credit applications",
                "classification": "restricted",
                "personal_data": True,
            },
            {"name": "bureau reports", "classification": "restricted", "personal_data": True},
        ],
        "services": ["credit-scoring"],
        "tags": ["credit", "high-impact"],
    },
    {
        "name": "Healthcare triage assistant",
        "kind": "llm_app",
        "unit": "Operations",
        "stage": "development",
        "purpose": "Suggests an urgency level for employee health-line calls.",
        "accountable_owner": Role.ops_manager,
        "technical_owner": Role.engineer,
        "affected": ["employees", "public"],
        "vendors": ["Microsoft Azure AI"],
        "models": [{"provider": "azure-openai", "name": "gpt-4o", "version": "2024-08-06"}],
        "data_sources": [
            {"name": "call notes", "classification": "restricted", "special_category": True}
        ],
        "services": ["triage-assistant"],
        "tags": ["health", "high-impact"],
    },
    {
        "name": "Coding copilot",
        "kind": "third_party_tool",
        "unit": "IT",
        "stage": "deployment",
        "purpose": "Code completion in developers' editors.",
        "accountable_owner": Role.ops_manager,
        "technical_owner": Role.engineer,
        "affected": ["employees"],
        "vendors": ["GitHub (Copilot)"],
        "models": [{"provider": "github", "name": "copilot"}],
        "data_sources": [{"name": "source code", "classification": "confidential"}],
        "services": ["coding-copilot"],
        "tags": ["developer-tools"],
    },
]


def _systems(owner: dict[Role, str | None]) -> list[dict[str, Any]]:
    return [
        {k: owner[v] if isinstance(v, Role) else v for k, v in spec.items()} for spec in SYSTEMS
    ]


def add_demo_inventory(session: Session, ctx: ChangeContext, demo: DemoOrganisation) -> None:
    """Vendors, then systems, each only if no record of that name exists yet."""
    today = utcnow().date()
    specs = _vendors(today)
    existing = vendors.vendor_ids_by_name(session, [v["name"] for v in specs])
    for spec in specs:
        if spec["name"] not in existing:
            owner = demo.users.get(Role.ops_manager)
            values = {**spec, "contract_owner": None if owner is None else owner.username}
            vendors.create_vendor(session, ctx, values, today)
            demo.note("vendors", spec["name"])
    owners = {
        role: None if demo.users.get(role) is None else demo.users[role].username for role in Role
    }
    systems = _systems(owners)
    known = service.system_ids_by_name(session, [s["name"] for s in systems])
    for system in systems:
        if system["name"] not in known:
            known[system["name"]] = service.create_system(session, ctx, system).id
            demo.note("AI systems", system["name"])
    demo.extras["systems"] = dict(known)
