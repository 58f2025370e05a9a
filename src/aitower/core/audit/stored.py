"""Reading stored audit events without trusting them: a damaged row is reported, not fatal.

The audit trail is what someone who tampered with the database would edit. On SQLite any
column can hold any bytes, so a row may hold JSON that does not parse, a time that is not a
time, or text where a number belongs. Reading it through the ORM's types raised mid-query and
turned the audit page, ``/api/v1/audit/verify`` and ``aitower audit verify`` into a 500 (#14,
finding 4), hiding exactly the evidence they exist to show. Here every column is read as the
driver gives it and decoded field by field; what cannot be decoded is named in ``damage`` and
replaced by a stand-in, so the listing shows the row and verification reports it as broken.
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import ColumnElement, type_coerce
from sqlalchemy.types import NullType

from aitower.core.audit.chain import CHAINED_FIELDS, format_time
from aitower.core.audit.tables import AuditEventRow

COLUMNS = (*CHAINED_FIELDS, "prev_hash", "hash")
EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


def raw_columns() -> list[ColumnElement[Any]]:
    """The event's columns as the driver returns them: no type conversion that could raise."""
    table = AuditEventRow.__table__
    return [type_coerce(table.c[name], NullType()).label(name) for name in COLUMNS]


@dataclass(frozen=True, slots=True)
class AuditEvent:
    """One event as stored, with stand-ins where the stored value was unreadable (``damage``
    names them)."""

    seq: int
    id: uuid.UUID
    occurred_at: datetime
    actor: str
    action: str
    object_type: str
    object_id: str | None
    before: dict[str, Any] | None
    after: dict[str, Any] | None
    request_id: str | None
    prev_hash: str
    hash: str
    changed_fields: list[str] = field(default_factory=list)
    damage: str | None = None


def changed_fields(before: dict[str, Any] | None, after: dict[str, Any] | None) -> list[str]:
    keys = set(before or {}) | set(after or {})
    return sorted(k for k in keys if (before or {}).get(k) != (after or {}).get(k))


def chain_dict(event: AuditEvent) -> dict[str, Any]:
    """The mapping ``chain.verify_chain`` hashes (and the export writes); ``damage`` only on a
    damaged row, so sound exports stay as they were."""
    doc: dict[str, Any] = {
        "seq": event.seq,
        "id": str(event.id),
        "occurred_at": format_time(event.occurred_at),
        "actor": event.actor,
        "action": event.action,
        "object_type": event.object_type,
        "object_id": event.object_id,
        "before": event.before,
        "after": event.after,
        "request_id": event.request_id,
        "prev_hash": event.prev_hash,
        "hash": event.hash,
    }
    if event.damage is not None:
        doc["damage"] = event.damage
    return doc


def decode(raw: Any) -> AuditEvent:
    """A row of ``raw_columns()`` as an ``AuditEvent``."""
    values = dict(raw._mapping)
    problems: list[str] = []

    def read(name: str, convert: Callable[[Any], Any], stand_in: Any) -> Any:
        try:
            return convert(values[name])
        except (TypeError, ValueError, OverflowError):
            problems.append(f"{name} is unreadable ({_preview(values[name])})")
            return stand_in

    before = read("before", _document, None)
    after = read("after", _document, None)
    return AuditEvent(
        seq=read("seq", _integer, -1),
        id=read("id", _uuid, uuid.UUID(int=0)),
        occurred_at=read("occurred_at", _moment, EPOCH),
        actor=read("actor", _text, ""),
        action=read("action", _text, ""),
        object_type=read("object_type", _text, ""),
        object_id=read("object_id", _optional_text, None),
        before=before,
        after=after,
        request_id=read("request_id", _optional_text, None),
        prev_hash=read("prev_hash", _text, ""),
        hash=read("hash", _text, ""),
        changed_fields=changed_fields(before, after),
        damage="; ".join(problems) or None,
    )


def _preview(value: Any) -> str:
    text = repr(value)
    return text if len(text) <= 60 else text[:57] + "..."


def _integer(value: Any) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise TypeError("not an integer")
    return value


def _uuid(value: Any) -> uuid.UUID:
    return value if isinstance(value, uuid.UUID) else uuid.UUID(str(value))


def _moment(value: Any) -> datetime:
    moment = value if isinstance(value, datetime) else datetime.fromisoformat(str(value))
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)


def _text(value: Any) -> str:
    if not isinstance(value, str):
        raise TypeError("not text")
    return value


def _optional_text(value: Any) -> str | None:
    return None if value is None else _text(value)


def _document(value: Any) -> dict[str, Any] | None:
    doc = json.loads(value) if isinstance(value, str | bytes) else value
    if doc is not None and not isinstance(doc, dict):
        raise TypeError("not a JSON object")
    return doc
