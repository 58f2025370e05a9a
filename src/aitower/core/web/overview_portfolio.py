"""The portfolio half of the overview: what exists, where it stands, what blocks, what is due.

Each figure comes from its slice's service and respects the principal's business units, so a
scoped engineer sees their units' portfolio and an ops manager the whole organisation.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from markupsafe import Markup
from sqlalchemy.orm import Session

from aitower.core.access.principal import Principal
from aitower.core.access.roles import Permission
from aitower.core.web import charts
from aitower.governance import approvals
from aitower.governance.compliance import portfolio_compliance
from aitower.inventory import queries
from aitower.inventory.lifecycle import PRODUCTION_STAGES
from aitower.inventory.vendors import list_vendors
from aitower.risk import service as risk
from aitower.risk.pages_portfolio import heat_map_chart

RENEWAL_HORIZON_DAYS = 90


@dataclass(frozen=True, slots=True)
class Portfolio:
    by_stage: dict[str, int]
    by_tier: dict[str, int]
    compliance: dict[str, int] | None  # systems per worst outcome: pass / warn / block
    awaiting_me: int
    pending_requests: int
    overdue_reviews: int
    renewals_due: int
    heat: list[list[int]]

    @property
    def systems(self) -> int:
        return sum(self.by_stage.values())

    @property
    def in_production(self) -> int:
        return sum(n for stage, n in self.by_stage.items() if stage in PRODUCTION_STAGES)

    def stage_chart(self) -> Markup:
        return charts.bar_chart_svg(
            [(stage, float(n)) for stage, n in self.by_stage.items()],
            title="AI systems by lifecycle stage",
        )

    def tier_chart(self) -> Markup:
        return charts.bar_chart_svg(
            [(tier, float(n)) for tier, n in self.by_tier.items()],
            title="AI systems by EU AI Act risk tier",
        )

    def compliance_chart(self) -> Markup:
        totals = self.compliance or {}
        return charts.bar_chart_svg(
            [(label, float(totals.get(key, 0))) for key, label in _OUTCOMES],
            title="Systems by policy compliance (worst outcome)",
            horizontal=True,
        )

    def heat_chart(self) -> Markup:
        return heat_map_chart(self.heat, "Open risks by residual likelihood and impact")


_OUTCOMES = (("pass", "compliant"), ("warn", "warnings"), ("block", "blocked"))


def collect_portfolio(session: Session, principal: Principal, today: date) -> Portfolio | None:
    """None for a principal who may not read the inventory."""
    if not principal.can(Permission.systems_read):
        return None
    compliance = None
    if principal.can(Permission.policies_read):
        compliance = portfolio_compliance(session, principal, today).totals
    inbox = approvals.inbox(session, principal)
    _, renewals = list_vendors(
        session, today=today, renewal_within_days=RENEWAL_HORIZON_DAYS, limit=1
    )
    return Portfolio(
        by_stage=queries.stage_counts(session, principal),
        by_tier=risk.tier_counts(session, principal),
        compliance=compliance,
        awaiting_me=inbox.count,
        pending_requests=len(inbox.mine) + inbox.count,
        overdue_reviews=len(risk.overdue_reviews(session, principal, today)),
        renewals_due=renewals,
        heat=risk.heat_map(session, principal),
    )
