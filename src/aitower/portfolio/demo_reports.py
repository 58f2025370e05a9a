"""The demo's report subscriptions: the whole portfolio monthly to the ops manager, and the
stakeholder's unit weekly to her.

No mail leaves the demo: the demo sets up no e-mail channel, so the background pass keeps "no
e-mail channel" as each subscription's last error (shown on the page) until someone adds one.
"""

from __future__ import annotations

from sqlalchemy.orm import Session

from aitower.core.access.roles import Role
from aitower.core.audit.service import ChangeContext
from aitower.core.db.base import utcnow
from aitower.core.demo.organisation import DemoOrganisation
from aitower.portfolio.report_subscriptions import (
    SubscriptionSpec,
    create_subscription,
    list_subscriptions,
)

PORTFOLIO_REPORT = "Monthly AI portfolio report"
UNIT_REPORT = "Weekly report: {unit}"


def add_demo_reports(session: Session, ctx: ChangeContext, demo: DemoOrganisation) -> None:
    """Add the two subscriptions unless they exist (by name)."""
    existing = {s.name for s in list_subscriptions(session, ctx.principal)}
    now = utcnow()
    manager = demo.users.get(Role.ops_manager)
    if manager is not None and PORTFOLIO_REPORT not in existing:
        spec = SubscriptionSpec(PORTFOLIO_REPORT, "monthly", [manager.email], ["pdf", "csv"])
        create_subscription(session, ctx, spec, now)
        demo.note("report subscriptions", PORTFOLIO_REPORT)
    stakeholder = demo.users.get(Role.stakeholder)
    if stakeholder is None or not stakeholder.unit_ids:
        return
    unit_id = stakeholder.unit_ids[0]
    unit_name = next((u.name for u in demo.units.values() if u.id == unit_id), "her unit")
    name = UNIT_REPORT.format(unit=unit_name)
    if name not in existing:
        spec = SubscriptionSpec(name, "weekly", [stakeholder.email], ["pdf", "html"], unit_id)
        create_subscription(session, ctx, spec, now)
        demo.note("report subscriptions", name)
