"""What a notification says, in each channel's shape, and how a webhook body is signed.

The payload (a JSON document) is built once, when the delivery is enqueued, and stored with it,
so a retry sends exactly what was decided at the time. The signature follows the scheme in
``docs/notifications.md``: HMAC-SHA256, keyed by the channel's secret, over
``<timestamp>.<body>``, hex-encoded, sent as ``X-Aitower-Signature: sha256=<hex>`` with the
timestamp (Unix seconds) in ``X-Aitower-Timestamp``; binding the timestamp lets a receiver
refuse replays of old deliveries.
"""

from __future__ import annotations

import hashlib
import hmac
import json
from datetime import datetime
from typing import Any

SIGNATURE_HEADER = "X-Aitower-Signature"
TIMESTAMP_HEADER = "X-Aitower-Timestamp"
DELIVERY_HEADER = "X-Aitower-Delivery"
PAYLOAD_VERSION = 1
LABELS = {
    "fired": "FIRING",
    "resolved": "RESOLVED",
    # Reminders of a serious incident's reporting deadline (``serious_reminders``).
    "report_half_time": "REPORT: HALF THE TIME GONE",
    "report_day_left": "REPORT: 24 H LEFT",
    "report_overdue": "REPORT OVERDUE",
}


def build_payload(
    *,
    event: str,
    incident: dict[str, Any],
    rule: dict[str, Any] | None,
    system: dict[str, Any] | None,
    value: float | None,
    samples: int | None,
    at: datetime,
) -> dict[str, Any]:
    """The document every channel renders: ``event`` is fired, resolved or test."""
    return {
        "version": PAYLOAD_VERSION,
        "event": event,
        "at": at.isoformat(),
        "incident": incident,
        "rule": rule,
        "system": system,
        "value": value,
        "samples": samples,
    }


def summary(payload: dict[str, Any]) -> str:
    """One line: ``[FIRING] high: Error rate of chatbot (error_rate > 0.05 over 5 min) = 0.2``."""
    label = LABELS.get(payload["event"], "TEST")
    incident = payload.get("incident") or {}
    line = f"[{label}] {incident.get('severity', '')}: {incident.get('title', '')}"
    serious = payload.get("serious")
    if serious:
        line += f" (EU AI Act Art. {serious['article']} report due {serious['deadline_at']})"
    rule = payload.get("rule")
    if rule:
        line += f" ({rule['condition']})"
    if payload.get("value") is not None:
        line += f" = {payload['value']:g}"
    return line


def webhook_body(payload: dict[str, Any]) -> bytes:
    return json.dumps(payload, sort_keys=True, separators=(",", ":")).encode()


def sign(secret: str, timestamp: str, body: bytes) -> str:
    """``sha256=<hex HMAC-SHA256(secret, timestamp + "." + body)>``."""
    mac = hmac.new(secret.encode(), timestamp.encode() + b"." + body, hashlib.sha256)
    return f"sha256={mac.hexdigest()}"


def slack_body(payload: dict[str, Any]) -> bytes:
    """A Slack-compatible incoming-webhook message: ``text`` plus Block Kit ``blocks``."""
    text = summary(payload)
    incident = payload.get("incident") or {}
    facts = [
        f"*Status:* {incident.get('status', '')}",
        f"*Severity:* {incident.get('severity', '')}",
    ]
    if payload.get("system"):
        facts.append(f"*System:* {payload['system'].get('name', '')}")
    if payload.get("samples") is not None:
        facts.append(f"*Samples:* {payload['samples']}")
    blocks = [
        {"type": "section", "text": {"type": "mrkdwn", "text": f"*{text}*"}},
        {"type": "section", "fields": [{"type": "mrkdwn", "text": f} for f in facts]},
        {"type": "context", "elements": [{"type": "mrkdwn", "text": f"at {payload['at']}"}]},
    ]
    return json.dumps({"text": text, "blocks": blocks}).encode()


def email_message(payload: dict[str, Any]) -> tuple[str, str]:
    """Subject and plain-text body."""
    subject = f"aitower {summary(payload)}"[:250]
    incident = payload.get("incident") or {}
    lines = [
        summary(payload),
        "",
        f"Incident: {incident.get('title', '')}",
        f"Status:   {incident.get('status', '')}",
        f"Severity: {incident.get('severity', '')}",
    ]
    if payload.get("system"):
        lines.append(f"System:   {payload['system'].get('name', '')}")
    if payload.get("rule"):
        lines.append(f"Rule:     {payload['rule']['name']} ({payload['rule']['condition']})")
    if payload.get("value") is not None:
        lines.append(f"Value:    {payload['value']:g} over {payload.get('samples')} samples")
    lines += [f"At:       {payload['at']}", f"Incident id: {incident.get('id', '')}"]
    return subject, "\n".join(lines) + "\n"
