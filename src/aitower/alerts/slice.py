"""Alerting as the app sees it: alert rules over every capability's metrics, incidents,
notification channels, their part of the background pass and of /metrics."""

from __future__ import annotations

from aitower.alerts import api, cli, pages, tables
from aitower.alerts.demo_budget import add_demo_budget_rule
from aitower.alerts.demo_llm import add_demo_llm_rules
from aitower.alerts.evaluator import evaluate_due_rules
from aitower.alerts.evidence import AlertRuleEvidence
from aitower.alerts.notify import deliver_due
from aitower.alerts.overview import alerts_panel, incident_attention, serious_attention
from aitower.alerts.permissions import AlertPermission
from aitower.alerts.prometheus import notification_lines
from aitower.alerts.serious_reminders import send_serious_reminders
from aitower.core.background import BackgroundJob
from aitower.core.slice import Slice

SLICE = Slice(
    name="alerts",
    tables=(tables,),
    permissions=(AlertPermission,),
    api_routers=(lambda _: api.build_router(),),
    routers=(lambda _: pages.build_router(),),
    cli=(cli.register,),
    prometheus=(notification_lines,),
    demo=(add_demo_llm_rules, add_demo_budget_rule),
    overview=(alerts_panel,),
    attention=(serious_attention, incident_attention),
    # Rule leases and delivery claims keep replicas' passes apart.
    jobs=(
        BackgroundJob("alert rules", evaluate_due_rules),
        # Before the notifications, so a reminder goes out in the pass that records it.
        BackgroundJob(
            "serious-incident reminders", lambda db, now, _: send_serious_reminders(db, now)
        ),
        BackgroundJob("notifications", lambda db, now, _: deliver_due(db, now)),
    ),
    # An LLM app's monitoring, for a gate that asks for it, is an alert rule on its telemetry.
    evidence_sources=(AlertRuleEvidence(),),
)
