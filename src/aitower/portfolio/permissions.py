"""What the portfolio lets each role do: read value and ROI, declare value, decide, report.

A business stakeholder declares the value of her units' systems and reads their ROI; the
ops manager decides what to scale, fix or retire, for the whole portfolio.
"""

from __future__ import annotations

from aitower.core.access.roles import ALL_ROLES, Permission, Role


class PortfolioPermission(Permission):
    read = (
        "value.read",
        "See value models, ROI, payback, optimisation advice, decisions and the executive "
        "dashboard",
        ALL_ROLES,
    )
    declare = (
        "value.declare",
        "Declare or change a system's value model (a stakeholder: her units' systems)",
        {Role.admin, Role.ops_manager, Role.stakeholder},
    )
    decide = (
        "portfolio.decide",
        "Record a scale, keep, fix, retire or consolidate decision on a system",
        {Role.admin, Role.ops_manager},
    )
    reports_write = (
        "reports.write",
        "Subscribe people to the scheduled executive report, change or stop a subscription, "
        "send one now",
        {Role.admin, Role.ops_manager, Role.stakeholder},
    )
