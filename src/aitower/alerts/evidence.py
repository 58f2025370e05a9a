"""Alert rules as live evidence of monitoring: an LLM app has no model monitor, but a rule that
watches its telemetry is its monitoring, and a gate can judge it like a monitor.

A rule backs ``monitoring`` when it is enabled and the background pass has evaluated it (its
newest evaluation is the result a gate weighs for age). Whether it is firing does not matter
here: a firing rule is monitoring that works; the incident it opened is another matter.
"""

from __future__ import annotations

import re
import uuid
from collections.abc import Iterable
from datetime import datetime
from urllib.parse import urlsplit

from sqlalchemy import select
from sqlalchemy.orm import Session

from aitower.alerts.tables import AlertRuleRow, AlertRuleStateRow
from aitower.core.access.principal import Principal
from aitower.core.evidence_facts import Judgement, LiveObject

OBJECT_TYPE = "alert_rule"
_RULE_PATH = re.compile(r"^/monitoring/alerts/([0-9a-fA-F-]{36})/?$")


def _verdict(kind: str, rule: AlertRuleRow, state: AlertRuleStateRow | None) -> Judgement:
    title = f"alert rule '{rule.name}'"
    if kind != "monitoring":
        return Judgement(kind, title, False, None, "an alert rule shows only monitoring")
    watches = f"{rule.metric} {rule.comparator} {rule.threshold:g}"
    evaluated = None if state is None else state.last_evaluated_at
    if not rule.enabled:
        return Judgement(kind, title, False, evaluated, f"disabled (watched {watches})")
    if evaluated is None:
        return Judgement(kind, title, False, None, f"enabled but never evaluated ({watches})")
    state_now = "firing" if state is not None and state.state == "firing" else "evaluated"
    return Judgement(kind, title, True, evaluated, f"enabled, {state_now}: {watches}")


class AlertRuleEvidence:
    """The alert rules' ``EvidenceSource``."""

    object_type = OBJECT_TYPE

    def offer(
        self, session: Session, principal: Principal | None, system_id: uuid.UUID
    ) -> list[LiveObject]:
        del principal  # the caller checked the system is visible; its rules come with it
        rows = session.execute(
            select(AlertRuleRow)
            .where(AlertRuleRow.system_id == system_id)
            .order_by(AlertRuleRow.name)
        ).scalars()
        return [
            LiveObject(
                OBJECT_TYPE,
                r.id,
                system_id,
                f"alert rule '{r.name}'",
                f"/monitoring/alerts/{r.id}",
                frozenset({"monitoring"}),
            )
            for r in rows
        ]

    def judge(
        self, session: Session, objects: Iterable[tuple[uuid.UUID, str]], now: datetime
    ) -> dict[tuple[uuid.UUID, str], Judgement]:
        del now  # a rule's state is its newest evaluation; the gate weighs its age
        wanted = list(objects)
        ids = list({object_id for object_id, _ in wanted})
        found = session.execute(
            select(AlertRuleRow, AlertRuleStateRow)
            .outerjoin(AlertRuleStateRow, AlertRuleStateRow.rule_id == AlertRuleRow.id)
            .where(AlertRuleRow.id.in_(ids))
        ).all()
        rules = {rule.id: (rule, state) for rule, state in found}
        return {
            (object_id, kind): _verdict(kind, *rules[object_id])
            for object_id, kind in wanted
            if object_id in rules
        }

    def object_in_link(self, session: Session, link: str) -> uuid.UUID | None:
        match = _RULE_PATH.match(urlsplit(link).path)
        if match is None:
            return None
        rule_id = uuid.UUID(match.group(1))
        return rule_id if session.get(AlertRuleRow, rule_id) is not None else None
