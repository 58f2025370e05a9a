"""Use cases of notification channels: create, change, delete, list (secrets never shown)."""

from __future__ import annotations

import uuid
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from aitower.alerts.channel_domain import (
    ChannelKind,
    check_config,
    merge_config,
    public_config,
)
from aitower.alerts.tables import NotificationChannelRow
from aitower.core.audit.service import ChangeContext, record_change
from aitower.core.errors import Conflict, InvalidInput, NotFound


@dataclass(frozen=True, slots=True)
class ChannelView:
    id: uuid.UUID
    kind: ChannelKind
    name: str
    enabled: bool
    config: dict[str, Any]  # public: secrets replaced by ``<key>_set``
    created_at: datetime
    updated_at: datetime


def _view(row: NotificationChannelRow) -> ChannelView:
    return ChannelView(
        row.id,
        ChannelKind(row.kind),
        row.name,
        row.enabled,
        public_config(row.config),
        row.created_at,
        row.updated_at,
    )


def _audit(view: ChannelView) -> dict[str, Any]:
    return {"kind": view.kind.value, "name": view.name, "enabled": view.enabled, **view.config}


def _name(session: Session, name: str, channel_id: uuid.UUID | None) -> str:
    name = name.strip()
    if not name or len(name) > 200:
        raise InvalidInput.on("name", "must be 1 to 200 characters")
    taken = session.execute(
        select(NotificationChannelRow.id).where(NotificationChannelRow.name == name)
    ).scalar_one_or_none()
    if taken is not None and taken != channel_id:
        raise Conflict.on("name", f"a channel named {name!r} exists")
    return name


def _row(session: Session, channel_id: uuid.UUID, *, lock: bool = False) -> NotificationChannelRow:
    row = session.get(NotificationChannelRow, channel_id, with_for_update=lock)
    if row is None:
        raise NotFound(f"no notification channel {channel_id}")
    return row


def list_channels(session: Session) -> list[ChannelView]:
    rows = session.execute(select(NotificationChannelRow).order_by(NotificationChannelRow.name))
    return [_view(r) for r in rows.scalars()]


def get_channel(session: Session, channel_id: uuid.UUID) -> ChannelView:
    return _view(_row(session, channel_id))


def channel_secret_config(session: Session, channel_id: uuid.UUID) -> tuple[str, dict[str, Any]]:
    """Kind and full configuration, secrets included: for sending only, never for display."""
    row = _row(session, channel_id)
    return row.kind, dict(row.config)


def create_channel(
    session: Session,
    ctx: ChangeContext,
    kind: str,
    name: str,
    config: Mapping[str, Any],
    *,
    enabled: bool = True,
) -> ChannelView:
    try:
        checked_kind = ChannelKind(kind)
    except ValueError:
        raise InvalidInput.on("kind", f"one of: {', '.join(ChannelKind)}") from None
    row = NotificationChannelRow(
        id=uuid.uuid4(),
        kind=checked_kind.value,
        name=_name(session, name, None),
        config=check_config(checked_kind, config),
        enabled=enabled,
    )
    session.add(row)
    session.flush()
    view = _view(row)
    record_change(
        session, ctx, "channel.created", "notification_channel", row.id, after=_audit(view)
    )
    return view


def update_channel(
    session: Session, ctx: ChangeContext, channel_id: uuid.UUID, changes: Mapping[str, Any]
) -> ChannelView:
    """Change name, enabled and configuration; a blank secret keeps the stored one."""
    unknown = set(changes) - {"name", "enabled", "config"}
    if unknown:
        raise InvalidInput.on(sorted(unknown)[0], "cannot be changed")
    row = _row(session, channel_id, lock=True)
    before = _view(row)
    if "name" in changes:
        row.name = _name(session, str(changes["name"] or ""), channel_id)
    if "enabled" in changes:
        row.enabled = bool(changes["enabled"])
    if "config" in changes:
        row.config = merge_config(ChannelKind(row.kind), row.config, changes["config"] or {})
    session.flush()
    after = _view(row)
    if _audit(after) != _audit(before) or "config" in changes:
        record_change(
            session,
            ctx,
            "channel.updated",
            "notification_channel",
            channel_id,
            before=_audit(before),
            after=_audit(after),
        )
    return after


def delete_channel(session: Session, ctx: ChangeContext, channel_id: uuid.UUID) -> None:
    row = _row(session, channel_id, lock=True)
    before = _audit(_view(row))
    session.delete(row)
    session.flush()
    record_change(
        session, ctx, "channel.deleted", "notification_channel", channel_id, before=before
    )
