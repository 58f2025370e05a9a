"""The demo's value story: value models for the demo systems (mostly measured drivers), three
summarisers doing the same job in three units (the journey consolidates them), and the ops
manager's earlier decision to scale the support chatbot.

- Strongly positive: the support chatbot (requests measured, five minutes of an agent each)
  and the ticket summariser.
- Negative: the meeting summariser (little use, a dear invoice), a duplicate of the ticket one.
- Low adoption: the coding copilot (300 paid seats, 40 active users, from the licence the
  spend demo imports).
The summarisers have no telemetry: their cost is a monthly invoice in the ledger (written
here, one record a month for a year), their uses are declared. The decision is recorded after
the other slices' histories are stored (``DemoHistory``), so its reasons are those shown then.
Retire and consolidate are left for the journey.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from aitower.core.access.authn import user_principal
from aitower.core.access.roles import Role
from aitower.core.access.tables import UserRow
from aitower.core.audit.service import ChangeContext
from aitower.core.db.base import utcnow
from aitower.core.db.engine import Database
from aitower.core.demo.organisation import DemoHistory, DemoOrganisation, Report
from aitower.inventory import service as inventory
from aitower.portfolio import decisions
from aitower.portfolio.tables import PortfolioDecisionRow, ValueModelRow
from aitower.portfolio.value_service import ValueModelFields, declare_value_model
from aitower.portfolio.values import add_months, month_start
from aitower.spend.tables import SpendRecordRow

CHATBOT = "Customer support chatbot"
TICKETS = "Ticket summariser"
MEETINGS = "Meeting summariser"
REPORTS = "Report summariser"
SUMMARY_JOB = "long {what} and email threads into short summaries for {whom}"
SUMMARISERS: tuple[dict[str, Any], ...] = (
    {
        "name": TICKETS,
        "unit": "Customer Support",
        "what": "support tickets",
        "whom": "agents",
        "vendor": "Anthropic",
        "monthly": 1200.0,
    },
    {
        "name": MEETINGS,
        "unit": "Marketing",
        "what": "meeting transcripts",
        "whom": "teams",
        "vendor": "OpenAI",
        "monthly": 900.0,
    },
    {
        "name": REPORTS,
        "unit": "Finance",
        "what": "reports",
        "whom": "analysts",
        "vendor": "Mistral AI",
        "monthly": 700.0,
    },
)
MONTHS_OF_INVOICES = 12


def _fields(**values: Any) -> ValueModelFields:
    return ValueModelFields(**values)


MODELS: dict[str, ValueModelFields] = {
    CHATBOT: _fields(
        use_driver="requests",
        hours_saved_per_use=0.08,
        loaded_hourly_rate=38.0,
        declared_uses_per_month=14000.0,
        assumptions="An answered question saves an agent about five minutes.",
    ),
    "Knowledge assistant": _fields(
        use_driver="active_users",
        hours_saved_per_use=2.5,
        loaded_hourly_rate=70.0,
        declared_uses_per_month=150.0,
        assumptions="An employee who uses it saves about 2.5 hours a month on IT questions.",
    ),
    "Marketing content generator": _fields(
        use_driver="requests",
        hours_saved_per_use=0.25,
        loaded_hourly_rate=55.0,
        declared_uses_per_month=1200.0,
        eligible_users=40,
        declared_adoption_percent=30.0,
        assumptions="A first draft saves a copywriter 15 minutes; 40 people could use it.",
    ),
    "Coding copilot": _fields(
        use_driver="active_users",
        hours_saved_per_use=1.5,
        loaded_hourly_rate=80.0,
        declared_uses_per_month=40.0,
        eligible_users=300,
        assumptions="40 of the 300 licensed developers use it, saving 1.5 hours a month each.",
    ),
    "Fraud detection model": _fields(
        cost_avoided_per_month=60000.0,
        one_off_investment=150000.0,
        assumptions="Card fraud losses avoided, from the fraud team's monthly report.",
    ),
    "Sales forecasting model": _fields(
        cost_avoided_per_month=8000.0,
        assumptions="Planning hours and stock write-offs avoided, per the finance team.",
    ),
    TICKETS: _fields(
        use_driver="requests",
        hours_saved_per_use=0.1,
        loaded_hourly_rate=38.0,
        declared_uses_per_month=3000.0,
        assumptions="Six minutes saved per long ticket handed over.",
    ),
    MEETINGS: _fields(
        use_driver="requests",
        hours_saved_per_use=0.05,
        loaded_hourly_rate=55.0,
        declared_uses_per_month=400.0,
        eligible_users=60,
        declared_adoption_percent=25.0,
        assumptions="Few teams use it; three minutes saved per summary.",
    ),
    REPORTS: _fields(
        use_driver="requests",
        hours_saved_per_use=0.15,
        loaded_hourly_rate=65.0,
        declared_uses_per_month=500.0,
        assumptions="Nine minutes saved per report an analyst no longer reads in full.",
    ),
}


def _as(session: Session, demo: DemoOrganisation, role: Role) -> ChangeContext | None:
    user = demo.users.get(role)
    row = None if user is None else session.get(UserRow, user.id)
    return None if row is None else ChangeContext(user_principal(row))


def _invoices(session: Session, spec: dict[str, Any], system_id: Any, unit_id: Any) -> None:
    """A year of monthly invoices, and the current month's so far."""
    today = utcnow().date()
    this_month = month_start(today)
    for back in range(MONTHS_OF_INVOICES, -1, -1):
        first = add_months(this_month, -back)
        last = add_months(first, 1) if back else today + timedelta(days=1)
        share = (last - first).days / (add_months(first, 1) - first).days
        amount = round(spec["monthly"] * share, 2)
        session.add(
            SpendRecordRow(
                source="invoice",
                day_start=first,
                day_end=last,
                amount=amount,
                billed_amount=amount,
                system_id=system_id,
                unit_id=unit_id,
                vendor=spec["vendor"],
                service="API usage",
                account="",
                description=f"{spec['vendor']} invoice for the {spec['name'].lower()}",
            )
        )


def _summarisers(session: Session, ctx: ChangeContext, demo: DemoOrganisation) -> None:
    known = inventory.system_ids_by_name(session, [s["name"] for s in SUMMARISERS])
    for spec in SUMMARISERS:
        if spec["name"] in known or spec["unit"] not in demo.units:
            continue
        made = inventory.create_system(
            session,
            ctx,
            {
                "name": spec["name"],
                "kind": "llm_app",
                "unit": spec["unit"],
                "stage": "monitoring",
                "purpose": f"Summarises {SUMMARY_JOB.format(**spec)}.",
                "tags": ["summarisation"],
            },
        )
        demo.note("AI systems", spec["name"])
        _invoices(session, spec, made.id, demo.units[spec["unit"]].id)
        demo.note("invoices", f"{spec['name']}: a year")


def _models(session: Session, ctx: ChangeContext, demo: DemoOrganisation) -> None:
    known = inventory.system_ids_by_name(session, list(MODELS))
    have = set(session.execute(select(ValueModelRow.system_id)).scalars())
    owner = _as(session, demo, Role.ops_manager) or ctx
    for name, fields in MODELS.items():
        system_id = known.get(name)
        if system_id is None or system_id in have:
            continue
        since = add_months(month_start(utcnow().date()), -18)
        declared = ValueModelFields(**{**_plain(fields), "value_since": since})
        declare_value_model(session, owner, system_id, declared)
        demo.note("value models", name)


def _plain(fields: ValueModelFields) -> dict[str, Any]:
    return {name: getattr(fields, name) for name in ValueModelFields.__dataclass_fields__}


def add_demo_value(session: Session, ctx: ChangeContext, demo: DemoOrganisation) -> None:
    """Summarisers, value models, and (after the histories) the scale decision."""
    _summarisers(session, ctx, demo)
    _models(session, ctx, demo)
    decided = session.execute(select(PortfolioDecisionRow.id).limit(1)).first()
    chatbot = inventory.system_ids_by_name(session, [CHATBOT]).get(CHATBOT)
    manager = _as(session, demo, Role.ops_manager)
    if decided is not None or chatbot is None or manager is None:
        return

    def store(db: Database, scale: float, report: Report) -> str:
        del scale, report  # one decision
        with db.writing() as writing:
            decisions.record_decision(
                writing,
                manager,
                chatbot,
                "scale",
                note="Best return in the portfolio: extend it to the order-status questions.",
            )
        demo.note("portfolio decisions", f"scale {CHATBOT}")
        return f"Recorded the ops manager's decision to scale the {CHATBOT.lower()}."

    demo.history.append(DemoHistory("Portfolio decision", store))
