"""Sending the outbox: due deliveries go out outside any transaction, then their result is kept.

A delivery is claimed by a conditional UPDATE that pushes its ``next_attempt_at`` forward
(so another replica's pass skips it while it is in flight), sent with no transaction open (a
slow receiver never holds a database lock), and its outcome recorded: sent, or retried after
an exponential back-off (30 s, 1 min, 2 min, ... capped at an hour), or failed after
``max_attempts`` with a ``notification_failed`` event on the incident's timeline.
"""

from __future__ import annotations

import logging
import smtplib
import urllib.error
import urllib.request
import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta
from email.message import EmailMessage
from typing import Any

from sqlalchemy import select, update

from aitower.alerts import messages
from aitower.alerts.channel_domain import ChannelKind
from aitower.alerts.incidents import add_event
from aitower.alerts.tables import NotificationChannelRow, NotificationDeliveryRow
from aitower.core.db.engine import Database

log = logging.getLogger("aitower.alerts.notify")

BACKOFF_FIRST = timedelta(seconds=30)
BACKOFF_MAX = timedelta(hours=1)
MAX_ATTEMPTS = 6
IN_FLIGHT = timedelta(minutes=2)  # a claimed delivery is retried after this if its sender died
BATCH = 100
ACTOR = "system:notifications"


@dataclass(frozen=True, slots=True)
class SendResult:
    ok: bool
    response_code: int | None = None
    error: str = ""


@dataclass(frozen=True, slots=True)
class DeliveryReport:
    sent: int = 0
    retrying: int = 0
    failed: int = 0


def backoff(attempts: int) -> timedelta:
    """Wait before attempt ``attempts + 1``: 30 s doubled per attempt already made, at most 1 h."""
    factor: int = 2 ** min(max(attempts - 1, 0), 20)
    return min(BACKOFF_FIRST * factor, BACKOFF_MAX)


def _post(url: str, body: bytes, headers: dict[str, str], timeout: float) -> SendResult:
    if not url.startswith(("http://", "https://")):
        return SendResult(False, None, "not an http(s) URL")
    request = urllib.request.Request(url, data=body, headers=headers, method="POST")  # noqa: S310
    try:
        with urllib.request.urlopen(request, timeout=timeout) as answer:  # noqa: S310
            code = int(answer.status)
    except urllib.error.HTTPError as exc:
        return SendResult(False, exc.code, f"HTTP {exc.code}")
    except (OSError, ValueError) as exc:
        return SendResult(False, None, f"{type(exc).__name__}: {exc}"[:500])
    return SendResult(200 <= code < 300, code, "" if code < 300 else f"HTTP {code}")


def _webhook(
    config: dict[str, Any], payload: dict[str, Any], delivery_id: str, now: datetime, timeout: float
) -> SendResult:
    body = messages.webhook_body(payload)
    timestamp = str(int(now.timestamp()))
    headers = {
        "Content-Type": "application/json",
        "User-Agent": "aitower-notifications",
        messages.TIMESTAMP_HEADER: timestamp,
        messages.SIGNATURE_HEADER: messages.sign(str(config["secret"]), timestamp, body),
        messages.DELIVERY_HEADER: delivery_id,
    }
    return _post(str(config["url"]), body, headers, timeout)


def _email(config: dict[str, Any], payload: dict[str, Any], timeout: float) -> SendResult:
    subject, text = messages.email_message(payload)
    message = EmailMessage()
    message["Subject"], message["From"] = subject, config["from"]
    message["To"] = ", ".join(config["to"])
    message.set_content(text)
    error = send_email(config, message, timeout)
    return SendResult(False, None, error) if error else SendResult(True, 250)


def send_email(config: dict[str, Any], message: EmailMessage, timeout: float) -> str | None:
    """One message through an e-mail channel's SMTP server (STARTTLS and login when its
    settings say so); the server's failure as a short text, None when it took the message.
    Notifications and the scheduled reports both send through it."""
    try:
        with smtplib.SMTP(config["host"], int(config["port"]), timeout=timeout) as smtp:
            if config.get("starttls"):
                smtp.starttls()
            if config.get("username"):
                smtp.login(config["username"], config.get("password", ""))
            smtp.send_message(message)
    except (OSError, smtplib.SMTPException) as exc:
        return f"{type(exc).__name__}: {exc}"[:500]
    return None


def send(
    kind: str,
    config: dict[str, Any],
    payload: dict[str, Any],
    *,
    delivery_id: str,
    now: datetime,
    timeout: float = 10.0,
) -> SendResult:
    """Send one notification now over one channel; never raises for a peer's failure."""
    if kind == ChannelKind.webhook.value:
        return _webhook(config, payload, delivery_id, now, timeout)
    if kind == ChannelKind.slack.value:
        headers = {"Content-Type": "application/json", "User-Agent": "aitower-notifications"}
        return _post(str(config["url"]), messages.slack_body(payload), headers, timeout)
    if kind == ChannelKind.email.value:
        return _email(config, payload, timeout)
    return SendResult(False, None, f"unknown channel kind {kind!r}")


@dataclass(frozen=True, slots=True)
class _Claimed:
    id: uuid.UUID
    kind: str
    name: str
    config: dict[str, Any]
    enabled: bool
    payload: dict[str, Any]


def _claim_due(db: Database, now: datetime, batch: int) -> list[_Claimed]:
    d, c = NotificationDeliveryRow, NotificationChannelRow
    claimed: list[_Claimed] = []
    with db.writing() as session:
        due = session.execute(
            select(d.id, d.payload, c.kind, c.name, c.config, c.enabled)
            .join(c, c.id == d.channel_id)
            .where(d.status == "pending", d.next_attempt_at <= now)
            .order_by(d.next_attempt_at, d.id)
            .limit(batch)
        ).all()
        for delivery_id, payload, kind, name, config, enabled in due:
            result = session.execute(
                update(d)
                .where(d.id == delivery_id, d.status == "pending", d.next_attempt_at <= now)
                .values(next_attempt_at=now + IN_FLIGHT)
                .execution_options(synchronize_session=False)
            )
            if getattr(result, "rowcount", 0) == 1:
                claimed.append(_Claimed(delivery_id, kind, name, config, enabled, payload))
    return claimed


def _record(
    db: Database, item: _Claimed, result: SendResult, now: datetime, max_attempts: int
) -> str:
    with db.writing() as session:
        row = session.get(NotificationDeliveryRow, item.id, with_for_update=True)
        if row is None:
            return "gone"
        row.attempts += 1
        row.response_code, row.last_error = result.response_code, result.error
        channel = f"{item.name} ({item.kind})"
        data: dict[str, Any] = {"channel": item.name, "kind": item.kind, "delivery": str(row.id)}
        if result.ok:
            row.status, row.sent_at = "sent", now
            add_event(session, row.incident_id, "notified", ACTOR, channel, data, now)
            return "sent"
        if row.attempts >= max_attempts or not item.enabled:
            row.status = "failed"
            data |= {"attempts": row.attempts, "error": result.error}
            text = f"{channel}: {result.error} after {row.attempts} attempt(s)"
            add_event(session, row.incident_id, "notification_failed", ACTOR, text, data, now)
            return "failed"
        row.next_attempt_at = now + backoff(row.attempts)
        return "retrying"


def deliver_due(
    db: Database,
    now: datetime,
    *,
    timeout: float = 10.0,
    max_attempts: int = MAX_ATTEMPTS,
    batch: int = BATCH,
) -> DeliveryReport:
    """Send every delivery due at ``now`` (up to ``batch``) and record each outcome."""
    counts = {"sent": 0, "retrying": 0, "failed": 0, "gone": 0}
    for item in _claim_due(db, now, batch):
        if item.enabled:
            result = send(
                item.kind,
                item.config,
                item.payload,
                delivery_id=str(item.id),
                now=now,
                timeout=timeout,
            )
        else:
            result = SendResult(False, None, "the channel is disabled")
        if not result.ok:
            log.warning("notification %s over %s failed: %s", item.id, item.name, result.error)
        counts[_record(db, item, result, now, max_attempts)] += 1
    return DeliveryReport(counts["sent"], counts["retrying"], counts["failed"])


def send_test(
    db: Database, channel_id: uuid.UUID, now: datetime, *, timeout: float = 10.0
) -> SendResult:
    """Send a test notification over one channel right now (no outbox, no incident)."""
    from aitower.alerts.channels import channel_secret_config

    with db.reading() as session:
        kind, config = channel_secret_config(session, channel_id)
    payload = messages.build_payload(
        event="test",
        incident={
            "id": "",
            "title": "Test notification from aitower",
            "status": "test",
            "severity": "low",
            "opened_at": now.isoformat(),
        },
        rule=None,
        system=None,
        value=None,
        samples=None,
        at=now,
    )
    return send(kind, config, payload, delivery_id=f"test-{uuid.uuid4()}", now=now, timeout=timeout)
