"""Sending the executive report: the background job for due subscriptions, and "send now".

A due subscription (``next_due`` passed, enabled, not in flight or backing off) is claimed by a
conditional UPDATE that sets ``retry_at`` a few minutes ahead, so another replica's pass skips
it; the report of the period just ended is rendered and e-mailed with no transaction open (a
slow SMTP server holds no lock); then the outcome is kept:

- sent: ``last_sent_at``, the period sent (``last_period_*``), ``next_due`` the end of the next
  period, the error and attempts cleared;
- failed: ``last_error`` kept, ``attempts`` counted, ``retry_at`` after alerting's back-off
  (30 s doubling, at most an hour). A period that ends while it still fails is not sent late:
  the next success sends the newest period.

A period already sent (``last_period_end``) is never sent again by the schedule. The SMTP
server, its sender and credentials are those of an e-mail notification channel (alerting).
"""

from __future__ import annotations

import logging
import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta
from email.message import EmailMessage
from typing import Any

from sqlalchemy import or_, select, update
from sqlalchemy.orm import Session

from aitower.alerts.channel_domain import ChannelKind
from aitower.alerts.channels import channel_secret_config, list_channels
from aitower.alerts.notify import backoff, send_email
from aitower.core.access.principal import Principal, system_principal
from aitower.core.audit.service import ChangeContext, record_change
from aitower.core.db.engine import Database
from aitower.core.errors import DomainError
from aitower.portfolio.dashboard import build_report
from aitower.portfolio.report_model import ExecutiveReport, Period, due_after, period_ended_by
from aitower.portfolio.report_render import Rendered, render_all
from aitower.portfolio.report_subscriptions import SubscriptionView, get_subscription, view_of
from aitower.portfolio.tables import ReportSubscriptionRow

log = logging.getLogger("aitower.portfolio.reports")

IN_FLIGHT = timedelta(minutes=10)  # a claim left by a replica that died is retried after this
BATCH = 20
SMTP_TIMEOUT = 30.0
NO_CHANNEL = "no e-mail channel to send through: add one under Monitoring, Channels"


class ReportNotSent(DomainError):
    status = 502
    type_slug = "report-not-sent"
    title = "The report was not sent"


@dataclass(frozen=True, slots=True)
class SendOutcome:
    ok: bool
    error: str = ""


@dataclass(frozen=True, slots=True)
class SendingReport:
    sent: int = 0
    failed: int = 0


def subscription_report(
    session: Session, principal: Principal, sub: SubscriptionView, period: Period, now: datetime
) -> ExecutiveReport:
    title = f"AI portfolio report: {sub.name}"
    return build_report(session, principal, period, now, unit_id=sub.unit_id, title=title)


def _channel_config(session: Session, channel_id: uuid.UUID | None) -> dict[str, Any] | None:
    """The SMTP settings of the subscription's channel, or of the first enabled e-mail one."""
    channels = [c for c in list_channels(session) if c.kind is ChannelKind.email and c.enabled]
    if channel_id is not None:
        channels = [c for c in channels if c.id == channel_id]
    if not channels:
        return None
    _, config = channel_secret_config(session, channels[0].id)
    return config


def compose(
    report: ExecutiveReport, sender: str, recipients: tuple[str, ...], files: list[Rendered]
) -> EmailMessage:
    message = EmailMessage()
    message["Subject"] = f"{report.title}, {report.scope}, {report.period.label}"
    message["From"], message["To"] = sender, ", ".join(recipients)
    roi = "—" if report.roi is None else f"{report.roi * 100:+.0f} %"
    message.set_content(
        f"{report.title}\n{report.scope}, {report.period.label}\n\n"
        f"Cost in the period: ${report.period_cost:,.2f}\n"
        f"Value over 12 months: ${report.value:,.2f} (cost ${report.cost:,.2f}, ROI {roi})\n"
        f"Open incidents: {report.open_incidents}\n\n"
        f"Attached: {', '.join(f.filename for f in files)}.\n-- aitower\n"
    )
    for f in files:
        main, _, sub = f.media_type.split(";")[0].partition("/")
        message.add_attachment(f.content, maintype=main, subtype=sub, filename=f.filename)
    return message


def deliver(config: dict[str, Any], message: EmailMessage) -> SendOutcome:
    """One message through the channel's SMTP server (alerting's sender); never raises for
    the server's failure."""
    error = send_email(config, message, SMTP_TIMEOUT)
    return SendOutcome(False, error) if error else SendOutcome(True)


def _send(
    db: Database, principal: Principal, sub: SubscriptionView, period: Period, now: datetime
) -> SendOutcome:
    with db.reading() as session:
        config = _channel_config(session, sub.channel_id)
        if config is None:
            return SendOutcome(False, NO_CHANNEL)
        report = subscription_report(session, principal, sub, period, now)
    files = render_all(report, sub.formats)
    return deliver(config, compose(report, str(config["from"]), sub.recipients, files))


def _claim_due(db: Database, now: datetime) -> list[SubscriptionView]:
    s = ReportSubscriptionRow
    due = (s.enabled.is_(True), s.next_due <= now, or_(s.retry_at.is_(None), s.retry_at <= now))
    claimed = []
    with db.writing() as session:
        ids = session.execute(select(s.id).where(*due).order_by(s.next_due, s.id).limit(BATCH))
        for (sub_id,) in ids.all():
            result = session.execute(
                update(s)
                .where(s.id == sub_id, *due)
                .values(retry_at=now + IN_FLIGHT)
                .execution_options(synchronize_session=False)
            )
            if getattr(result, "rowcount", 0) == 1:
                row = session.get(ReportSubscriptionRow, sub_id)
                if row is not None:
                    session.refresh(row)
                    claimed.append(view_of(row))
    return claimed


def _record(
    db: Database, sub_id: uuid.UUID, period: Period, outcome: SendOutcome | None, now: datetime
) -> None:
    """Keep the outcome; ``None``: the period was sent already, only move the schedule on."""
    with db.writing() as session:
        row = session.get(ReportSubscriptionRow, sub_id, with_for_update=True)
        if row is None:
            return
        if outcome is None or outcome.ok:
            row.next_due, row.retry_at, row.attempts = due_after(period), None, 0
            if outcome is not None:
                row.last_sent_at, row.last_error = now, ""
                row.last_period_start, row.last_period_end = period.start, period.end
            return
        row.attempts += 1
        row.last_error = outcome.error
        row.retry_at = now + backoff(row.attempts)


def send_due_reports(db: Database, now: datetime, _owner: str = "") -> SendingReport:
    """Send every subscription due at ``now`` the report of the period just ended."""
    principal = system_principal("reports")
    sent = failed = 0
    for sub in _claim_due(db, now):
        period = period_ended_by(sub.cadence, now)
        if sub.last_period_end is not None and sub.last_period_end >= period.end:
            _record(db, sub.id, period, None, now)
            continue
        try:
            outcome = _send(db, principal, sub, period, now)
        except Exception as exc:  # a report that cannot be made must not stop the others
            log.exception("report subscription %s could not be rendered", sub.id)
            outcome = SendOutcome(False, f"{type(exc).__name__}: {exc}"[:500])
        if not outcome.ok:
            log.warning("report subscription %s not sent: %s", sub.id, outcome.error)
        _record(db, sub.id, period, outcome, now)
        sent, failed = sent + outcome.ok, failed + (not outcome.ok)
    return SendingReport(sent, failed)


def send_now(db: Database, ctx: ChangeContext, subscription_id: uuid.UUID, now: datetime) -> Period:
    """Send the report of the period just ended now, whatever the schedule (which it leaves as
    it is); audited. Raises ``ReportNotSent`` with the server's answer when it fails."""
    with db.reading() as session:
        sub = get_subscription(session, ctx.principal, subscription_id)
    period = period_ended_by(sub.cadence, now)
    outcome = _send(db, ctx.principal, sub, period, now)
    with db.writing() as session:
        row = session.get(ReportSubscriptionRow, subscription_id, with_for_update=True)
        if row is not None:
            row.last_error = outcome.error
            if outcome.ok:
                row.last_sent_at = now
        after: dict[str, Any] = {"period_start": period.start.isoformat()}
        after |= {
            "period_end": period.end.isoformat(),
            "sent": outcome.ok,
            "error": outcome.error,
            "recipients": list(sub.recipients),
        }
        record_change(
            session,
            ctx,
            "report_subscription.sent",
            "report_subscription",
            subscription_id,
            after=after,
        )
    if not outcome.ok:
        raise ReportNotSent(f"not sent: {outcome.error}")
    return period
