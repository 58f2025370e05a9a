"""The background job sends each subscription once per period, with its attachments, through
a real SMTP server on loopback; a failing server keeps the error and is retried; periods."""

from __future__ import annotations

import socket
from datetime import UTC, date, datetime, timedelta
from typing import Any

from aitower.alerts.channels import create_channel, update_channel
from aitower.core.db.engine import Database
from aitower.portfolio.report_model import (
    Period,
    due_after,
    first_due,
    period_containing,
    period_ended_by,
)
from aitower.portfolio.report_sending import NO_CHANNEL, send_due_reports
from aitower.portfolio.report_subscriptions import (
    SubscriptionSpec,
    create_subscription,
    get_subscription,
)
from alerts.receivers import smtp_server
from portfolio_reports.support_reports import ORG, SENT_AT, seed
from support import CTX

CREATED = datetime(2026, 11, 15, 9, 30, tzinfo=UTC)


def _config(port: int) -> dict[str, Any]:
    return {
        "host": "127.0.0.1",
        "port": port,
        "from": "aitower@example.com",
        "to": ["ops@example.com"],
    }


def _channel(db: Database, port: int) -> Any:
    with db.writing() as session:
        return create_channel(session, CTX, "email", "Ops mail", _config(port))


def _subscribe(
    db: Database, cadence: str = "monthly", formats: tuple[str, ...] = ("pdf", "csv")
) -> Any:
    spec = SubscriptionSpec(
        "Board pack", cadence, ["cfo@example.com", "ops@example.com"], list(formats)
    )
    with db.writing() as session:
        return create_subscription(session, CTX, spec, CREATED)


def _state(db: Database, sub_id: Any) -> Any:
    with db.reading() as session:
        return get_subscription(session, ORG, sub_id)


def test_periods_are_utc_weeks_from_monday_and_calendar_months() -> None:
    now = datetime(2026, 12, 2, 10, tzinfo=UTC)  # a Wednesday
    assert period_ended_by("weekly", now) == Period(
        "weekly", date(2026, 11, 23), date(2026, 11, 30)
    )
    assert period_ended_by("monthly", now) == Period(
        "monthly", date(2026, 11, 1), date(2026, 12, 1)
    )
    assert period_containing("monthly", date(2026, 12, 31)).end == date(2027, 1, 1)
    assert first_due("weekly", now) == datetime(2026, 12, 7, tzinfo=UTC)
    assert first_due("monthly", now) == datetime(2027, 1, 1, tzinfo=UTC)
    assert due_after(period_ended_by("monthly", now)) == datetime(2027, 1, 1, tzinfo=UTC)
    # A Monday at midnight: the week that just ended is the one before it.
    monday = datetime(2026, 11, 30, tzinfo=UTC)
    assert period_ended_by("weekly", monday).end == date(2026, 11, 30)


def test_sent_once_per_period_with_the_attachments(db: Database) -> None:
    seed(db)
    with smtp_server() as smtp:
        _channel(db, smtp.port)
        sub = _subscribe(db)
        assert sub.next_due == datetime(2026, 12, 1, tzinfo=UTC)
        assert send_due_reports(db, datetime(2026, 11, 30, 23, 59, tzinfo=UTC)).sent == 0
        assert send_due_reports(db, SENT_AT).sent == 1
        assert send_due_reports(db, SENT_AT + timedelta(minutes=5)).sent == 0
        assert len(smtp.messages) == 1
        sender, rcpts, message = smtp.messages[0]
        assert sender == "aitower@example.com" and rcpts == ["cfo@example.com", "ops@example.com"]
        assert "November 2026" in message["Subject"]
        files = {
            part.get_filename(): part.get_payload(decode=True)
            for part in message.walk()
            if part.get_filename()
        }
        pdf = files["aitower-report-whole-portfolio-2026-11-01.pdf"]
        assert pdf.startswith(b"%PDF")
        text = files["aitower-report-whole-portfolio-2026-11-01.csv"].decode()
        assert (
            text.startswith("system_id,system,unit,period_cost_usd") and "Support chatbot" in text
        )
        state = _state(db, sub.id)
        assert state.next_due == datetime(2027, 1, 1, tzinfo=UTC)
        assert (state.last_period_start, state.last_period_end) == (
            date(2026, 11, 1),
            date(2026, 12, 1),
        )
        assert state.last_sent_at == SENT_AT and state.last_error == "" and state.attempts == 0
        # A replica with a stale schedule (next_due moved back by hand) sends nothing again.
        with db.writing() as session:
            from aitower.portfolio.tables import ReportSubscriptionRow

            row = session.get(ReportSubscriptionRow, sub.id)
            assert row is not None
            row.next_due = datetime(2026, 12, 1, tzinfo=UTC)
        assert send_due_reports(db, SENT_AT + timedelta(hours=1)).sent == 0
        assert len(smtp.messages) == 1
        assert _state(db, sub.id).next_due == datetime(2027, 1, 1, tzinfo=UTC)
        # The next month is sent at its end.
        assert send_due_reports(db, datetime(2027, 1, 1, 0, 1, tzinfo=UTC)).sent == 1
        assert "December 2026" in smtp.messages[1][2]["Subject"]


def _closed_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def test_a_failing_smtp_server_keeps_the_error_and_is_retried(db: Database) -> None:
    seed(db)
    channel = _channel(db, _closed_port())
    sub = _subscribe(db, formats=("csv",))
    done = send_due_reports(db, SENT_AT)
    assert (done.sent, done.failed) == (0, 1)
    state = _state(db, sub.id)
    assert "Error" in state.last_error and state.attempts == 1
    assert state.next_due == datetime(2026, 12, 1, tzinfo=UTC)  # still owed
    assert state.last_sent_at is None
    # Backing off: 30 s after the first failure, not before.
    assert send_due_reports(db, SENT_AT + timedelta(seconds=10)).failed == 0
    with smtp_server() as smtp:
        with db.writing() as session:
            update_channel(session, CTX, channel.id, {"config": {**_config(smtp.port)}})
        done = send_due_reports(db, SENT_AT + timedelta(seconds=31))
        assert (done.sent, done.failed) == (1, 0)
        assert len(smtp.messages) == 1
    state = _state(db, sub.id)
    assert state.last_error == "" and state.attempts == 0
    assert state.last_period_end == date(2026, 12, 1)


def test_without_an_email_channel_it_waits_and_says_why(db: Database) -> None:
    seed(db)
    sub = _subscribe(db)
    assert send_due_reports(db, SENT_AT).failed == 1
    assert _state(db, sub.id).last_error == NO_CHANNEL


def test_a_unit_subscription_reports_that_unit(db: Database) -> None:
    p = seed(db)
    with smtp_server() as smtp:
        _channel(db, smtp.port)
        spec = SubscriptionSpec(
            "Marketing weekly", "weekly", ["mia@example.com"], ["csv"], p.marketing
        )
        with db.writing() as session:
            create_subscription(session, CTX, spec, CREATED)
        assert send_due_reports(db, datetime(2026, 11, 16, 1, tzinfo=UTC)).sent == 1
        (_, _, message) = smtp.messages[0]
        assert "Marketing" in message["Subject"] and "week of 2026-11-09" in message["Subject"]
        (part,) = [p for p in message.walk() if p.get_filename()]
        body = part.get_payload(decode=True).decode()
        assert "Ad copy writer" in body and "Support chatbot" not in body
