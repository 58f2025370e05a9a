"""The demo's alert rules on the support chatbot, replayed over its 30 days of LLM traffic.

The telemetry demo (``telemetry.demo_traffic``) writes a latency episode into the chatbot's
history: five days ago from 10:00 to 16:00 UTC its provider is about twice as slow and times
out more often. This contributor adds two rules on the chatbot (p95 latency and error rate
over three hours) and evaluates them every hour from before the episode to after it, as the
server's background pass would have, once the traffic is stored (``DemoHistory`` runs after
the telemetry contributor's). The episode leaves a resolved incident with its timeline:
fired, then resolved when the window is clean again.

Why three hours: the demo's volume is small at low scales (a few requests an hour), and a
shorter window's p95 swings above the threshold on a quiet hour or below it in the middle of
the episode, which would open two incidents for one episode. Three hours hold enough requests
at any scale for the p95 to say the same thing throughout.
"""

from __future__ import annotations

import uuid
from datetime import datetime, timedelta

from sqlalchemy.orm import Session

from aitower.alerts import rules
from aitower.alerts.alert_domain import Comparator, RuleSpec, Severity
from aitower.alerts.evaluator import evaluate_due_rules
from aitower.core.audit.service import ChangeContext
from aitower.core.db.base import utcnow
from aitower.core.db.engine import Database
from aitower.core.demo.organisation import DemoHistory, DemoOrganisation, Report
from aitower.inventory.service import system_ids_by_name
from aitower.telemetry.demo_traffic import DemoTimeline

CHATBOT_SYSTEM = "Customer support chatbot"
WINDOW_MINUTES = 180
# The chatbot's p95 is about 4 s on a normal day (at most 5.2 s in a quiet three hours) and
# over 8 s during the episode, but a three-hour window of the episode holds 30 requests at the
# tests' scale and its p95 dipped to 6.2 s in the middle of it for about 1 `now` in 16, which
# resolved the incident and opened a second one. 6 s lies between the two at any scale >= 0.1.
LATENCY_THRESHOLD_MS = 6_000.0
ERROR_RATE_THRESHOLD = 0.05
# An error rate judged on fewer requests swings across 5 % on a handful of failures (the
# chatbot's usual rate is 1 to 4 %): at the default scale the episode's windows hold 130 to
# 190 requests and the rule fires once; at small scales it waits for data instead of flapping.
ERROR_RULE_SAMPLES = 100
RULE_OWNER = "demo-backfill"
# The replayed moments lie in the past; a rule is due whenever it was last evaluated.
REPLAY_GAP = -timedelta(days=60)
LATENCY_RULE = "Support chatbot: p95 latency"
ERROR_RULE = "Support chatbot: error rate"


def chatbot_rule_specs(system_id: uuid.UUID, scale: float) -> list[tuple[RuleSpec, str]]:
    """The chatbot's rules; they judge a window only with enough requests in it (the latency
    rule about a sixth of the episode's requests at any scale, the error rule 100)."""
    enough = max(5, round(30 * scale))
    return [
        (
            RuleSpec(
                name=LATENCY_RULE,
                metric="latency_p95",
                comparator=Comparator.gt,
                threshold=LATENCY_THRESHOLD_MS,
                window_minutes=WINDOW_MINUTES,
                min_samples=enough,
                severity=Severity.high,
                system_id=str(system_id),
            ),
            "The chatbot's answers take too long: p95 over 6 s (half again its usual).",
        ),
        (
            RuleSpec(
                name=ERROR_RULE,
                metric="error_rate",
                comparator=Comparator.gt,
                threshold=ERROR_RATE_THRESHOLD,
                window_minutes=WINDOW_MINUTES,
                min_samples=ERROR_RULE_SAMPLES,
                severity=Severity.medium,
                system_id=str(system_id),
            ),
            "More than 5 % of the chatbot's requests fail.",
        ),
    ]


def replay_moments(timeline: DemoTimeline) -> list[datetime]:
    """Every hour from an hour before the episode to a full window after it."""
    first = timeline.incident_start - timedelta(hours=1)
    last = timeline.incident_end + timedelta(minutes=WINDOW_MINUTES + 60)
    hours = int((last - first) / timedelta(hours=1))
    return [first + timedelta(hours=h) for h in range(hours + 1)]


def _add_rules(db: Database, ctx: ChangeContext, scale: float) -> set[uuid.UUID]:
    made: set[uuid.UUID] = set()
    with db.writing() as session:
        found = system_ids_by_name(session, (CHATBOT_SYSTEM,))
        if CHATBOT_SYSTEM not in found:
            return made
        existing = {r.spec.name for r in rules.list_rules(session, ctx.principal, limit=1000)[0]}
        for spec, description in chatbot_rule_specs(found[CHATBOT_SYSTEM], scale):
            if spec.name not in existing:
                made.add(rules.create_rule(session, ctx, spec, description=description).id)
    return made


def replay_chatbot_rules(db: Database, ctx: ChangeContext, scale: float, now: datetime) -> int:
    """Add the chatbot's rules that do not exist yet and replay them over the episode of the
    traffic generated at ``now``; how many rules were replayed."""
    rule_ids = _add_rules(db, ctx, scale)
    if rule_ids:
        for moment in replay_moments(DemoTimeline.ending(now)):
            evaluate_due_rules(db, moment, RULE_OWNER, min_gap=REPLAY_GAP, only=rule_ids)
    return len(rule_ids)


def add_demo_llm_rules(session: Session, ctx: ChangeContext, demo: DemoOrganisation) -> None:
    """Ask for the chatbot's rules after the traffic history, unless they exist already."""
    existing = {r.spec.name for r in rules.list_rules(session, ctx.principal, limit=1000)[0]}
    if LATENCY_RULE in existing:
        return

    def store(db: Database, scale: float, report: Report) -> str:
        del report  # a few dozen evaluations: quick
        made = replay_chatbot_rules(db, ctx, scale, utcnow())
        if not made:
            return "No LLM alert rules added (no support chatbot in the inventory)."
        demo.note("alert rules", LATENCY_RULE)
        demo.note("alert rules", ERROR_RULE)
        return (
            f"Added {made} alert rules on the support chatbot, replayed over its latency episode."
        )

    demo.history.append(DemoHistory("LLM alert rules", store))
