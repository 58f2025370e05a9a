"""Evaluation with two replicas on one database, incidents, and the outbox sent to real peers:
a signed webhook receiver, a Slack-compatible one and an SMTP server, all on loopback."""

from __future__ import annotations

import hashlib
import hmac
import uuid
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import func, select

from aitower.alerts import channels, incidents, rules
from aitower.alerts.alert_domain import AlertState, Comparator, Notice, RuleSpec
from aitower.alerts.evaluator import claim_rule, evaluate_due_rules
from aitower.alerts.notify import backoff, deliver_due
from aitower.alerts.tables import IncidentRow, NotificationDeliveryRow
from aitower.core.db.engine import Database
from alerts.helpers import add_minute
from alerts.receivers import WebhookReceiver, smtp_server, webhook_receiver
from support import CTX, seed_units
from support_inventory import make_system

T0 = datetime(2025, 3, 1, 12, 0, tzinfo=UTC)
SECRET = "whsec-" + "k" * 26


def minute(n: float) -> datetime:
    return T0 + timedelta(minutes=n)


@pytest.fixture
def system(db: Database) -> uuid.UUID:
    return make_system(db, seed_units(db).unit_id, "support-bot")


@pytest.fixture
def hook(db: Database) -> Iterator[WebhookReceiver]:
    with webhook_receiver() as receiver:
        with db.writing() as session:
            channels.create_channel(
                session, CTX, "webhook", "on-call", {"url": receiver.url, "secret": SECRET}
            )
        yield receiver


def make_rule(db: Database, system: uuid.UUID | None, **kw: object) -> uuid.UUID:
    spec = RuleSpec(
        name="Error rate",
        metric="error_rate",
        comparator=Comparator.gt,
        threshold=0.1,
        window_minutes=5,
        min_samples=10,
        system_id=None if system is None else str(system),
    )
    from dataclasses import replace

    with db.writing() as session:
        return rules.create_rule(session, CTX, replace(spec, **kw)).id  # type: ignore[arg-type]


def traffic(db: Database, system: uuid.UUID, at: datetime, requests: int, errors: int) -> None:
    add_minute(db, at, str(system), durations=[100.0] * requests, errors=errors)


def verify(received: list, secret: str = SECRET) -> list[dict]:  # type: ignore[type-arg]
    """The receiver's side of docs/notifications.md: recompute and compare each signature."""
    payloads = []
    for r in received:
        ts = r.headers["X-Aitower-Timestamp"]
        expected = hmac.new(secret.encode(), ts.encode() + b"." + r.body, hashlib.sha256)
        assert hmac.compare_digest(
            r.headers["X-Aitower-Signature"], "sha256=" + expected.hexdigest()
        )
        payloads.append(r.json)
    return payloads


def deliveries(db: Database) -> int:
    with db.reading() as session:
        return int(
            session.execute(select(func.count()).select_from(NotificationDeliveryRow)).scalar_one()
        )


def test_two_replicas_one_incident_one_delivery_quiet_while_firing_then_resolve(
    db: Database, system: uuid.UUID, hook: WebhookReceiver
) -> None:
    rule_id = make_rule(db, system)
    traffic(db, system, minute(0), 50, 20)
    # Two replicas run a pass at the same moment: only one evaluates the rule.
    first = evaluate_due_rules(db, minute(1), "replica-a")
    second = evaluate_due_rules(db, minute(1), "replica-b")
    assert [t.transition.notice for t in first + second] == [Notice.fired]
    assert deliveries(db) == 1
    assert deliver_due(db, minute(1)).sent == 1
    # Still breaching a minute later, evaluated by the other replica: no new notification.
    traffic(db, system, minute(2), 50, 20)
    again = evaluate_due_rules(db, minute(3), "replica-b")
    assert [(t.transition.after, t.transition.notice) for t in again] == [(AlertState.firing, None)]
    assert deliveries(db) == 1 and deliver_due(db, minute(3)).sent == 0
    # Healthy traffic once the errors leave the window: resolved, incident closed, notified.
    traffic(db, system, minute(8), 60, 0)
    done = evaluate_due_rules(db, minute(9), "replica-a")
    assert [t.transition.notice for t in done] == [Notice.resolved]
    assert deliver_due(db, minute(9)).sent == 1
    payloads = verify(hook.received)
    assert [p["event"] for p in payloads] == ["fired", "resolved"]
    assert payloads[0]["system"] == {"id": str(system), "name": "support-bot"}
    assert payloads[0]["value"] == pytest.approx(20 / 50) and payloads[0]["samples"] == 50
    assert payloads[0]["rule"]["id"] == str(rule_id)
    with db.reading() as session:
        (inc,) = session.execute(select(IncidentRow)).scalars()
        events = incidents.timeline(session, CTX.principal, inc.id)
    assert inc.status == "resolved" and inc.system_id == system and inc.rule_id == rule_id
    assert [e.kind for e in events] == ["fired", "notified", "resolved", "notified"]


def test_a_held_lease_keeps_other_replicas_out_until_it_expires(
    db: Database, system: uuid.UUID
) -> None:
    rule_id = make_rule(db, system)
    assert claim_rule(db, rule_id, "a", minute(0))
    assert not claim_rule(db, rule_id, "b", minute(0.5))
    assert evaluate_due_rules(db, minute(0.5), "b") == []
    # "a" died holding the lease: after it expires, "b" evaluates.
    assert [t.rule_id for t in evaluate_due_rules(db, minute(2), "b")] == [rule_id]


def test_not_enough_data_never_fires(
    db: Database, system: uuid.UUID, hook: WebhookReceiver
) -> None:
    make_rule(db, system)
    traffic(db, system, minute(0), 5, 5)  # 100 % errors, but 5 < 10 samples
    (t,) = evaluate_due_rules(db, minute(1), "a")
    assert t.transition.after is AlertState.ok and deliveries(db) == 0


def test_refiring_joins_the_open_incident(db: Database, system: uuid.UUID) -> None:
    rule_id = make_rule(db, system, comparator=Comparator.gt)
    traffic(db, system, minute(0), 50, 50)
    evaluate_due_rules(db, minute(1), "a")
    # Someone works the incident while a new breach streak begins after a healthy spell.
    with db.writing() as session:
        (inc_id,) = session.execute(select(IncidentRow.id)).scalars()
        incidents.acknowledge(session, CTX, inc_id)
    traffic(db, system, minute(6), 50, 0)
    evaluate_due_rules(db, minute(7), "a")  # resolves (and resolves the incident)
    traffic(db, system, minute(12), 50, 50)
    evaluate_due_rules(db, minute(13), "a")
    with db.reading() as session:
        statuses = sorted(session.execute(select(IncidentRow.status)).scalars())
    assert statuses == ["open", "resolved"]
    assert rule_id


def test_slack_and_email_receive_exactly_the_notification(db: Database, system: uuid.UUID) -> None:
    with webhook_receiver() as slack, smtp_server() as smtp:
        with db.writing() as session:
            channels.create_channel(session, CTX, "slack", "ops-slack", {"url": slack.url})
            channels.create_channel(
                session,
                CTX,
                "email",
                "ops-mail",
                {
                    "host": smtp.host,
                    "port": smtp.port,
                    "from": "aitower@example.com",
                    "to": "oncall@example.com, lead@example.com",
                },
            )
            disabled = channels.create_channel(
                session, CTX, "slack", "muted", {"url": slack.url}, enabled=False
            )
        make_rule(db, system, severity="critical")
        traffic(db, system, minute(0), 40, 40)
        evaluate_due_rules(db, minute(1), "a")
        assert deliver_due(db, minute(1)).sent == 2
        assert deliver_due(db, minute(2)).sent == 0
    (msg,) = slack.received
    body = msg.json
    assert set(body) == {"text", "blocks"} and body["text"].startswith("[FIRING] critical")
    (mail,) = smtp.messages
    sender, rcpts, message = mail
    assert sender == "aitower@example.com"
    assert rcpts == ["oncall@example.com", "lead@example.com"]
    assert message["Subject"].startswith("aitower [FIRING] critical: Error rate on support-bot")
    assert "Value:    1 over 40 samples" in message.get_payload()
    assert disabled.enabled is False


def test_retries_with_backoff_then_sends(db: Database, system: uuid.UUID) -> None:
    with webhook_receiver(fail_first=2) as hook:
        with db.writing() as session:
            channels.create_channel(
                session, CTX, "webhook", "flaky", {"url": hook.url, "secret": SECRET}
            )
        make_rule(db, system)
        traffic(db, system, minute(0), 50, 50)
        evaluate_due_rules(db, minute(1), "a")
        now = minute(1)
        assert deliver_due(db, now).retrying == 1  # 503
        assert deliver_due(db, now + backoff(1) - timedelta(seconds=1)).sent == 0  # not due yet
        now += backoff(1)
        assert deliver_due(db, now).retrying == 1  # 503 again
        now += backoff(2)
        assert deliver_due(db, now).sent == 1
    assert len(verify(hook.received)) == 1
    assert [backoff(n).total_seconds() for n in (1, 2, 3, 4)] == [30, 60, 120, 240]
    with db.reading() as session:
        row = session.execute(select(NotificationDeliveryRow)).scalar_one()
    assert (row.status, row.attempts, row.response_code) == ("sent", 3, 200)


def test_gives_up_after_max_attempts_and_says_so_on_the_timeline(
    db: Database, system: uuid.UUID
) -> None:
    with webhook_receiver(fail_first=100) as hook:
        with db.writing() as session:
            channels.create_channel(
                session, CTX, "webhook", "down", {"url": hook.url, "secret": SECRET}
            )
        make_rule(db, system)
        traffic(db, system, minute(0), 50, 50)
        evaluate_due_rules(db, minute(1), "a")
        now = minute(1)
        reports = []
        for _ in range(3):
            reports.append(deliver_due(db, now, max_attempts=3))
            now += timedelta(hours=2)
    assert [(r.retrying, r.failed) for r in reports] == [(1, 0), (1, 0), (0, 1)]
    with db.reading() as session:
        inc = session.execute(select(IncidentRow)).scalar_one()
        kinds = [e.kind for e in incidents.timeline(session, CTX.principal, inc.id)]
    assert kinds == ["fired", "notification_failed"]
