"""The demo's alert rules on the classic models, replayed over the models' backfilled history.

The model monitors' demo (``model_monitors.demo``) backfills 90 daily results per model; the
composition root hands it ``replay_model_rules`` (the alert rules live above that slice), which
adds two rules and evaluates them just after each daily boundary, as the server's background
pass would have: the fraud drift episode leaves a resolved incident and the credit model's age
gap an open one. A rule reads the latest result *run* before the moment it is evaluated at
(``model_monitors.alert_metrics``), so replaying after every result is stored gives the
transitions a pass after each run would have given.
"""

from __future__ import annotations

import uuid
from datetime import datetime, timedelta

from aitower.alerts import rules
from aitower.alerts.alert_domain import Comparator, RuleSpec, Severity
from aitower.alerts.evaluator import evaluate_due_rules
from aitower.core.audit.service import ChangeContext
from aitower.core.db.engine import Database
from aitower.inventory.service import system_ids_by_name
from aitower.predictions.demo_data import DAYS

FRAUD_SYSTEM = "Fraud detection model"
CREDIT_SYSTEM = "Credit scoring model"
# The rules are evaluated this long after each daily run, as the background pass would be.
RULE_DELAY = timedelta(minutes=5)
RULE_OWNER = "demo-backfill"
# A running server's background pass may evaluate the new rules at the real "now" while the
# replay walks the past; a negative gap lets the replay go on (a rule is "due" whenever it was
# last evaluated, even later than the replayed moment).
REPLAY_GAP = -timedelta(days=DAYS + 1)


def _rule_specs(system_ids: dict[str, uuid.UUID], scale: float) -> list[tuple[RuleSpec, str]]:
    """The demo's model alert rules (a daily monitor: a window of a day and a bit).

    The credit rule wants 1,000 labelled predictions in the window (at scale 1, four days of
    applications; at least 200 at any scale): the youngest applicants, a fifth of them, are
    then enough to count (30 rows). In the last weeks too few labels have come in, and the
    rule waits with its incident open instead of reading a verdict from a window where the
    youngest group is too small to be judged.
    """
    window = 24 * 60 + 60
    enough = max(200, round(1000 * scale))
    return [
        (
            RuleSpec(
                name="Fraud model: features drifting",
                metric="drift_share",
                comparator=Comparator.gt,
                threshold=0.5,
                window_minutes=window,
                min_samples=100,
                severity=Severity.high,
                system_id=str(system_ids[FRAUD_SYSTEM]),
            ),
            "More than half of the fraud model's features drifted from the reference.",
        ),
        (
            RuleSpec(
                name="Credit model: four-fifths rule",
                metric="demographic_parity_ratio",
                comparator=Comparator.lt,
                threshold=0.8,
                window_minutes=window,
                min_samples=enough,
                severity=Severity.high,
                system_id=str(system_ids[CREDIT_SYSTEM]),
            ),
            "A group's approval rate fell under 4/5 of the most approved group's.",
        ),
    ]


def _add_rules(db: Database, ctx: ChangeContext, scale: float) -> set[uuid.UUID]:
    """The demo's rules that do not exist yet (by name); their ids."""
    made: set[uuid.UUID] = set()
    with db.writing() as session:
        found = system_ids_by_name(session, (FRAUD_SYSTEM, CREDIT_SYSTEM))
        existing = {r.spec.name for r in rules.list_rules(session, ctx.principal, limit=1000)[0]}
        for spec, description in _rule_specs(found, scale):
            if spec.name not in existing:
                made.add(rules.create_rule(session, ctx, spec, description=description).id)
    return made


def replay_model_rules(
    db: Database, ctx: ChangeContext, scale: float, boundaries: list[datetime]
) -> None:
    """Add the demo's model rules that do not exist yet, then evaluate them after each of
    ``boundaries`` (oldest first)."""
    rule_ids = _add_rules(db, ctx, scale)
    if not rule_ids:
        return
    for boundary in boundaries:
        evaluate_due_rules(db, boundary + RULE_DELAY, RULE_OWNER, min_gap=REPLAY_GAP, only=rule_ids)
