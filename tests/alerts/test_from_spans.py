"""From spans to a notification: ingest maintains the rollups that alert rules read."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta

from aitower.alerts import channels, rules
from aitower.alerts.alert_domain import Comparator, Notice, RuleSpec
from aitower.alerts.evaluator import evaluate_due_rules
from aitower.alerts.metric_values import metric_value
from aitower.alerts.notify import deliver_due
from aitower.core.db.engine import Database
from aitower.inventory import service as inventory
from aitower.telemetry.ingest import store_spans
from alerts.receivers import webhook_receiver
from support import CTX, seed_units
from support_inventory import make_system
from support_spans import agent_trace, ns

T0 = datetime(2026, 5, 20, 9, 0, tzinfo=UTC)
SECRET = "whsec-" + "s" * 26


def _chatbot(db: Database) -> uuid.UUID:
    system_id = make_system(db, seed_units(db).unit_id, "Support chatbot")
    with db.writing() as session:
        inventory.update_system(session, CTX, system_id, {"services": ["support-bot"]})
    return system_id


def test_slow_traces_fire_a_latency_alert_and_notify_once(db: Database) -> None:
    system_id = _chatbot(db)
    spans = []
    for i in range(40):  # one request every 3 s; every fourth takes 9 s, the rest 0.8 s
        slow = i % 4 == 0
        start = T0 + timedelta(seconds=3 * i)
        spans += agent_trace(start_ns=ns(start), duration_ms=9000.0 if slow else 800.0)
    store_spans(db, spans)
    with db.reading() as session:
        window = metric_value(session, "latency_p95", str(system_id), T0, T0 + timedelta(minutes=5))
    assert window.samples == 40 and window.value is not None
    assert abs(window.value - 9000.0) <= 90.0  # within the histogram's 1 %
    spec = RuleSpec(
        name="p95 latency",
        metric="latency_p95",
        comparator=Comparator.gt,
        threshold=5000.0,
        window_minutes=5,
        min_samples=20,
        system_id=str(system_id),
    )
    with webhook_receiver() as hook:
        with db.writing() as session:
            channels.create_channel(
                session, CTX, "webhook", "on-call", {"url": hook.url, "secret": SECRET}
            )
            rules.create_rule(session, CTX, spec)
        fired = evaluate_due_rules(db, T0 + timedelta(minutes=3), "replica-a")
        assert [t.transition.notice for t in fired] == [Notice.fired]
        assert deliver_due(db, T0 + timedelta(minutes=3)).sent == 1
        still = evaluate_due_rules(db, T0 + timedelta(minutes=4), "replica-b")
        assert [t.transition.notice for t in still] == [None]  # firing, quiet
        assert deliver_due(db, T0 + timedelta(minutes=4)).sent == 0
    assert [r.json["event"] for r in hook.received] == ["fired"]
    assert hook.received[0].json["system"]["name"] == "Support chatbot"
