"""Subscriptions to the scheduled executive report: add, change, stop, list, each change in one
transaction with its audit event.

Scope: an organisation-wide reader (ops manager, admin) may subscribe people to the whole
portfolio or to any unit; a reader limited to business units (a stakeholder) only to one of
her units, and sees only those units' subscriptions. A subscription sends through an e-mail
notification channel of alerting (its SMTP server and sender); without one named, the first
enabled e-mail channel by name.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import date, datetime
from typing import Any, cast

from sqlalchemy import select
from sqlalchemy.orm import Session

from aitower.alerts.channel_domain import ChannelKind
from aitower.alerts.channels import get_channel, list_channels
from aitower.core.access.principal import Principal
from aitower.core.access.service import get_unit
from aitower.core.audit.service import ChangeContext, record_change
from aitower.core.errors import InvalidInput, NotFound
from aitower.portfolio.report_model import (
    CADENCES,
    FORMATS,
    Cadence,
    Format,
    check_recipients,
    first_due,
)
from aitower.portfolio.tables import ReportSubscriptionRow

MAX_RECIPIENTS = 50


@dataclass(frozen=True, slots=True)
class SubscriptionSpec:
    """What a person asks for (new, or the whole of a change)."""

    name: str
    cadence: str
    recipients: Sequence[str]
    formats: Sequence[str]
    unit_id: uuid.UUID | None = None
    channel_id: uuid.UUID | None = None
    enabled: bool = True


@dataclass(frozen=True, slots=True)
class SubscriptionView:
    id: uuid.UUID
    name: str
    cadence: Cadence
    recipients: tuple[str, ...]
    formats: tuple[Format, ...]
    unit_id: uuid.UUID | None
    channel_id: uuid.UUID | None
    enabled: bool
    next_due: datetime
    last_sent_at: datetime | None
    last_period_start: date | None
    last_period_end: date | None
    last_error: str
    attempts: int
    created_by: str

    def spec(self) -> SubscriptionSpec:
        return SubscriptionSpec(
            self.name,
            self.cadence,
            self.recipients,
            self.formats,
            self.unit_id,
            self.channel_id,
            self.enabled,
        )


def view_of(row: ReportSubscriptionRow) -> SubscriptionView:
    return SubscriptionView(
        id=row.id,
        name=row.name,
        cadence=cast(Cadence, row.cadence),
        recipients=tuple(row.recipients),
        formats=tuple(cast(Format, f) for f in row.formats),
        unit_id=row.unit_id,
        channel_id=row.channel_id,
        enabled=row.enabled,
        next_due=row.next_due,
        last_sent_at=row.last_sent_at,
        last_period_start=row.last_period_start,
        last_period_end=row.last_period_end,
        last_error=row.last_error,
        attempts=row.attempts,
        created_by=row.created_by,
    )


def _audit(view: SubscriptionView) -> dict[str, Any]:
    return {
        "name": view.name,
        "cadence": view.cadence,
        "recipients": list(view.recipients),
        "formats": list(view.formats),
        "unit_id": None if view.unit_id is None else str(view.unit_id),
        "channel_id": None if view.channel_id is None else str(view.channel_id),
        "enabled": view.enabled,
    }


def _visible(principal: Principal, unit_id: uuid.UUID | None) -> bool:
    return principal.unit_ids is None or (unit_id is not None and unit_id in principal.unit_ids)


def _checked(session: Session, principal: Principal, spec: SubscriptionSpec) -> SubscriptionSpec:
    name = spec.name.strip()
    if not name or len(name) > 200:
        raise InvalidInput.on("name", "must be 1 to 200 characters")
    if spec.cadence not in CADENCES:
        raise InvalidInput.on("cadence", f"one of: {', '.join(CADENCES)}")
    try:
        recipients = check_recipients(spec.recipients)
    except ValueError as exc:
        raise InvalidInput.on("recipients", str(exc)) from None
    if not recipients or len(recipients) > MAX_RECIPIENTS:
        raise InvalidInput.on("recipients", f"1 to {MAX_RECIPIENTS} e-mail addresses")
    formats = [f for f in FORMATS if f in set(spec.formats)]
    unknown = set(spec.formats) - set(FORMATS)
    if unknown or not formats:
        raise InvalidInput.on("formats", f"one or more of: {', '.join(FORMATS)}")
    if spec.unit_id is None and principal.unit_ids is not None:
        raise InvalidInput.on("unit_id", "choose one of your business units")
    if spec.unit_id is not None:
        if not _visible(principal, spec.unit_id):
            raise InvalidInput.on("unit_id", "not one of your business units")
        try:
            get_unit(session, spec.unit_id)
        except NotFound:
            raise InvalidInput.on("unit_id", "no such business unit") from None
    if spec.channel_id is not None:
        try:
            channel = get_channel(session, spec.channel_id)
        except NotFound:
            raise InvalidInput.on("channel_id", "no such notification channel") from None
        if channel.kind is not ChannelKind.email:
            raise InvalidInput.on("channel_id", "must be an e-mail channel")
    return replace(spec, name=name, recipients=recipients, formats=formats)


def list_subscriptions(session: Session, principal: Principal) -> list[SubscriptionView]:
    rows = session.execute(
        select(ReportSubscriptionRow).order_by(ReportSubscriptionRow.name, ReportSubscriptionRow.id)
    ).scalars()
    return [view_of(r) for r in rows if _visible(principal, r.unit_id)]


def _row(
    session: Session, principal: Principal, subscription_id: uuid.UUID, *, lock: bool = False
) -> ReportSubscriptionRow:
    row = session.get(ReportSubscriptionRow, subscription_id, with_for_update=lock)
    if row is None or not _visible(principal, row.unit_id):
        raise NotFound(f"no report subscription {subscription_id}")
    return row


def get_subscription(
    session: Session, principal: Principal, subscription_id: uuid.UUID
) -> SubscriptionView:
    return view_of(_row(session, principal, subscription_id))


def create_subscription(
    session: Session, ctx: ChangeContext, spec: SubscriptionSpec, now: datetime
) -> SubscriptionView:
    """A new subscription, first sent at the end of the period in progress."""
    checked = _checked(session, ctx.principal, spec)
    cadence = cast(Cadence, checked.cadence)
    row = ReportSubscriptionRow(
        id=uuid.uuid4(),
        name=checked.name,
        cadence=cadence,
        recipients=list(checked.recipients),
        formats=list(checked.formats),
        unit_id=checked.unit_id,
        channel_id=checked.channel_id,
        enabled=checked.enabled,
        next_due=first_due(cadence, now),
        last_error="",
        attempts=0,
        created_by=ctx.principal.actor,
    )
    session.add(row)
    session.flush()
    view = view_of(row)
    record_change(
        session,
        ctx,
        "report_subscription.created",
        "report_subscription",
        row.id,
        after=_audit(view),
    )
    return view


def update_subscription(
    session: Session,
    ctx: ChangeContext,
    subscription_id: uuid.UUID,
    spec: SubscriptionSpec,
    now: datetime,
) -> SubscriptionView:
    """Replace what may change; a new cadence restarts the schedule at its period's end."""
    row = _row(session, ctx.principal, subscription_id, lock=True)
    before = view_of(row)
    checked = _checked(session, ctx.principal, spec)
    row.name, row.recipients, row.formats = (
        checked.name,
        list(checked.recipients),
        list(checked.formats),
    )
    row.unit_id, row.channel_id, row.enabled = checked.unit_id, checked.channel_id, checked.enabled
    if checked.cadence != row.cadence:
        row.cadence = checked.cadence
        row.next_due = first_due(cast(Cadence, checked.cadence), now)
        row.attempts, row.retry_at, row.last_error = 0, None, ""
    session.flush()
    view = view_of(row)
    record_change(
        session,
        ctx,
        "report_subscription.updated",
        "report_subscription",
        row.id,
        before=_audit(before),
        after=_audit(view),
    )
    return view


def delete_subscription(session: Session, ctx: ChangeContext, subscription_id: uuid.UUID) -> None:
    row = _row(session, ctx.principal, subscription_id, lock=True)
    before = _audit(view_of(row))
    session.delete(row)
    record_change(
        session,
        ctx,
        "report_subscription.deleted",
        "report_subscription",
        subscription_id,
        before=before,
    )


def email_channels(session: Session) -> list[tuple[uuid.UUID, str, bool]]:
    """The e-mail channels a subscription may send through: id, name, enabled."""
    return [
        (c.id, c.name, c.enabled) for c in list_channels(session) if c.kind is ChannelKind.email
    ]
