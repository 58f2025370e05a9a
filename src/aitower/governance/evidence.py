"""Documents and evidence attached to a system: the proof gates look for.

Attaching or removing evidence can change a gate's verdict, so both re-evaluate the system's
open request and complete its move in the same transaction when the gate now passes.
"""

from __future__ import annotations

import re
import uuid
from dataclasses import dataclass
from datetime import datetime
from typing import Any
from urllib.parse import urlsplit

from sqlalchemy import select
from sqlalchemy.orm import Session

from aitower.core.access.principal import Principal
from aitower.core.audit.service import ChangeContext, record_change
from aitower.core.db.base import utcnow
from aitower.core.errors import InvalidInput, NotFound
from aitower.governance import moves
from aitower.governance.history import EventView
from aitower.governance.policy_terms import DOCUMENT_KINDS, DOCUMENT_TITLES
from aitower.governance.tables import EvidenceRow
from aitower.inventory.service import get_system_ref

SCHEME_RE = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*:")
TITLE_MAX = 200
URI_MAX = 1000
NOTE_MAX = 4000


@dataclass(frozen=True, slots=True)
class EvidenceView:
    id: uuid.UUID
    system_id: uuid.UUID
    kind: str
    title: str
    uri: str
    note: str
    added_by: str
    added_at: datetime

    @property
    def kind_title(self) -> str:
        return DOCUMENT_TITLES.get(self.kind, self.kind)

    @property
    def is_link(self) -> bool:
        """Only http(s) addresses are shown as links; a plain reference stays text."""
        return self.uri.lower().startswith(("http://", "https://"))


@dataclass(frozen=True, slots=True)
class AttachOutcome:
    evidence: EvidenceView
    completed: EventView | None  # the open request's move, if this made its gate pass


def _view(row: EvidenceRow) -> EvidenceView:
    return EvidenceView(
        row.id, row.system_id, row.kind, row.title, row.uri, row.note, row.added_by, row.added_at
    )


def _audit(view: EvidenceView) -> dict[str, Any]:
    return {"evidence_id": view.id, "kind": view.kind, "title": view.title, "uri": view.uri}


def check_kind(kind: str) -> str:
    value = kind.strip().lower()
    if value not in DOCUMENT_KINDS:
        raise InvalidInput.on("kind", f"must be one of: {', '.join(DOCUMENT_KINDS)}")
    return value


def check_uri(uri: str) -> str:
    """An http(s) address, or a plain reference (``DMS-4411``, ``sharepoint/ai/plan.pdf``);
    any other scheme (``javascript:``, ``file:``) is refused, as it would be unsafe to link."""
    value = uri.strip()
    if len(value) > URI_MAX:
        raise InvalidInput.on("uri", f"must be at most {URI_MAX} characters")
    if any(ch.isspace() for ch in value) or any(ord(ch) < 32 for ch in value):
        raise InvalidInput.on("uri", "must not contain spaces or control characters")
    if SCHEME_RE.match(value):
        parts = urlsplit(value)
        if parts.scheme.lower() not in ("http", "https") or not parts.netloc:
            raise InvalidInput.on(
                "uri", "must be an http(s) address or a plain reference without a scheme"
            )
    return value


def _clean(value: str, field: str, max_length: int, *, required: bool) -> str:
    text = value.strip()
    if required and not text:
        raise InvalidInput.on(field, "must not be empty")
    if len(text) > max_length:
        raise InvalidInput.on(field, f"must be at most {max_length} characters")
    return text


def attach(
    session: Session,
    ctx: ChangeContext,
    system_id: uuid.UUID,
    *,
    kind: str,
    title: str,
    uri: str = "",
    note: str = "",
    now: datetime | None = None,
) -> AttachOutcome:
    now = now or utcnow()
    get_system_ref(session, ctx.principal, system_id)
    row = EvidenceRow(
        system_id=system_id,
        kind=check_kind(kind),
        title=_clean(title, "title", TITLE_MAX, required=True),
        uri=check_uri(uri),
        note=_clean(note, "note", NOTE_MAX, required=False),
        added_by=ctx.principal.actor,
        added_at=now,
    )
    session.add(row)
    session.flush()
    view = _view(row)
    record_change(session, ctx, "evidence.attached", "ai_system", system_id, after=_audit(view))
    return AttachOutcome(view, moves.reevaluate_open(session, ctx, system_id, now))


def remove(
    session: Session,
    ctx: ChangeContext,
    system_id: uuid.UUID,
    evidence_id: uuid.UUID,
    *,
    now: datetime | None = None,
) -> EvidenceView:
    get_system_ref(session, ctx.principal, system_id)
    row = session.get(EvidenceRow, evidence_id)
    if row is None or row.system_id != system_id:
        raise NotFound(f"no evidence {evidence_id} on this system")
    view = _view(row)
    session.delete(row)
    session.flush()
    record_change(session, ctx, "evidence.removed", "ai_system", system_id, before=_audit(view))
    moves.reevaluate_open(session, ctx, system_id, now)
    return view


def list_evidence(
    session: Session, principal: Principal, system_id: uuid.UUID
) -> list[EvidenceView]:
    get_system_ref(session, principal, system_id)
    rows = session.execute(
        select(EvidenceRow)
        .where(EvidenceRow.system_id == system_id)
        .order_by(EvidenceRow.added_at.desc())
    ).scalars()
    return [_view(r) for r in rows]
