"""A small portfolio for the report tests, on a fixed calendar: three systems in two units,
a year of cost from the ledger and LLM rollups, value models, a risk, an incident, a decision.

The report period is November 2026 (``PERIOD``); every figure the tests expect is either
hand-computed here or read back through ``values.system_values``.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import UTC, date, datetime

from aitower.alerts.incidents import create_incident
from aitower.core.access.principal import Principal, PrincipalKind
from aitower.core.access.roles import Role
from aitower.core.db.engine import Database
from aitower.portfolio.report_model import Period
from aitower.portfolio.tables import PortfolioDecisionRow, ValueModelRow
from aitower.risk.register import RiskFields
from aitower.risk.service_risks import NewRisk, add_risk
from aitower.spend.tables import SpendRecordRow
from aitower.telemetry.tables import DayRollupRow, KeyRollupRow
from support import CTX, seed_units
from support_inventory import make_system

PERIOD = Period("monthly", date(2026, 11, 1), date(2026, 12, 1))
SENT_AT = datetime(2026, 12, 1, 6, 0, tzinfo=UTC)  # six hours into December
ORG = Principal(PrincipalKind.user, None, "ops", Role.ops_manager, None)


@dataclass(frozen=True)
class Portfolio:
    finance: uuid.UUID
    marketing: uuid.UUID
    chatbot: uuid.UUID  # finance, high tier, value model, LLM + cloud cost, risk, incident
    scorer: uuid.UUID  # finance, no value model, a licence
    copy: uuid.UUID  # marketing, revenue only, an invoice

    def stakeholder(self) -> Principal:
        return Principal(
            PrincipalKind.user, None, "sam", Role.stakeholder, frozenset({self.finance})
        )


def _record(
    system: uuid.UUID | None, source: str, start: date, end: date, amount: float
) -> SpendRecordRow:
    return SpendRecordRow(
        id=uuid.uuid4(), source=source, day_start=start, day_end=end, amount=amount,
        billed_amount=amount, system_id=system, vendor="AWS" if source == "cloud" else "Acme",
    )  # fmt: skip


def _rollup(system: uuid.UUID, at: datetime, requests: int, cost: float) -> DayRollupRow:
    return DayRollupRow(
        bucket_start=at, system_key=str(system), model="gpt-4o", spans=requests,
        requests=requests, latency_hist=[], llm_calls=requests, cost=cost,
    )  # fmt: skip


def _user(system: uuid.UUID, key: str, requests: int) -> KeyRollupRow:
    day = date(2026, 11, 10)
    return KeyRollupRow(
        day=day, system_key=str(system), key_kind="user", key=key, requests=requests
    )


def seed(db: Database) -> Portfolio:
    units = seed_units(db)
    chatbot = make_system(db, units.unit_id, "Support chatbot", risk_tier="high")
    scorer = make_system(db, units.unit_id, "Invoice scorer")
    copy = make_system(db, units.other_unit_id, "Ad copy writer", risk_tier="minimal")
    with db.writing() as session:
        session.add_all(
            [
                # Cloud for the chatbot: $300 over November, $150 over October.
                _record(chatbot, "cloud", date(2026, 11, 1), date(2026, 12, 1), 300.0),
                _record(chatbot, "cloud", date(2026, 10, 1), date(2026, 11, 1), 150.0),
                # A licence for the scorer: $120 for November; an invoice for the copy writer.
                _record(scorer, "licence", date(2026, 11, 1), date(2026, 12, 1), 120.0),
                _record(copy, "invoice", date(2026, 11, 10), date(2026, 11, 11), 50.0),
                # Cost no system claims: $40 in November.
                _record(None, "cloud", date(2026, 11, 5), date(2026, 11, 6), 40.0),
                # LLM usage: 100 requests and $12.50 in November, 40 and $5 in October.
                _rollup(chatbot, datetime(2026, 11, 10, tzinfo=UTC), 100, 12.5),
                _rollup(chatbot, datetime(2026, 10, 3, tzinfo=UTC), 40, 5.0),
                _user(chatbot, "u1", 60),
                _user(chatbot, "u2", 40),
                # Value: 0.5 h saved per request at $60/h plus $100 revenue a month.
                ValueModelRow(
                    system_id=chatbot, use_driver="requests", hours_saved_per_use=0.5,
                    loaded_hourly_rate=60.0, revenue_per_month=100.0, declared_by="user:sam",
                ),
                ValueModelRow(system_id=copy, revenue_per_month=25.0, declared_by="user:mia"),
                PortfolioDecisionRow(
                    id=uuid.uuid4(), system_id=chatbot, decision="scale", decided_by="user:olga",
                    decided_at=datetime(2026, 11, 20, tzinfo=UTC),
                ),
            ]
        )  # fmt: skip
        fields = RiskFields("Wrong refunds", "operational", 4, 4)  # residual 16: high
        add_risk(session, CTX, chatbot, NewRisk(fields))
        create_incident(session, CTX, title="Slow answers", severity="high", system_id=chatbot)
    return Portfolio(units.unit_id, units.other_unit_id, chatbot, scorer, copy)
