"""Documents and evidence attached to a system: the proof gates look for.

Evidence is a document (a title and an address), or a live object of another capability (a
model monitor) that gates judge at every evaluation (``core.evidence``). A pasted link to
such an object's page is stored as the object itself, so it is judged, not trusted.

Attaching or removing evidence can change a gate's verdict, so both re-evaluate the system's
open request and complete its move in the same transaction when the gate now passes.
"""

from __future__ import annotations

import re
import uuid
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any
from urllib.parse import urlsplit

from sqlalchemy import select
from sqlalchemy.orm import Session

from aitower.core import evidence as live_evidence
from aitower.core.access.principal import Principal
from aitower.core.audit.service import ChangeContext, record_change
from aitower.core.db.base import utcnow
from aitower.core.errors import InvalidInput, NotFound
from aitower.core.evidence_facts import Judgement, LiveObject
from aitower.governance import moves
from aitower.governance.history import EventView
from aitower.governance.policy_terms import DOCUMENT_KINDS, DOCUMENT_TITLES, JUDGED_KINDS
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
    object_type: str | None = None
    object_id: uuid.UUID | None = None
    judgement: Judgement | None = None  # a live object's verdict now (None for a document)
    valid_until: date | None = None  # a document's last valid day

    def expired_on(self, today: date) -> bool:
        return self.valid_until is not None and self.valid_until < today

    @property
    def is_live(self) -> bool:
        return self.object_type is not None

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


def _view(row: EvidenceRow, judgement: Judgement | None = None) -> EvidenceView:
    return EvidenceView(
        row.id,
        row.system_id,
        row.kind,
        row.title,
        row.uri,
        row.note,
        row.added_by,
        row.added_at,
        row.object_type,
        row.object_id,
        judgement,
        row.valid_until,
    )


def _audit(view: EvidenceView) -> dict[str, Any]:
    doc: dict[str, Any] = {
        "evidence_id": view.id,
        "kind": view.kind,
        "title": view.title,
        "uri": view.uri,
    }
    if view.is_live:
        doc |= {"object_type": view.object_type, "object_id": view.object_id}
    if view.valid_until is not None:
        doc["valid_until"] = view.valid_until
    return doc


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


def _offered(
    session: Session, principal: Principal, system_id: uuid.UUID, object_type: str
) -> dict[uuid.UUID, LiveObject]:
    found = live_evidence.source(object_type)
    if found is None:
        known = ", ".join(s.object_type for s in live_evidence.sources()) or "none"
        raise InvalidInput.on("object_type", f"unknown kind of object; known: {known}")
    return {o.object_id: o for o in found.offer(session, principal, system_id)}


def _in_link(session: Session, uri: str) -> tuple[str, uuid.UUID] | None:
    for found in live_evidence.sources():
        object_id = found.object_in_link(session, uri)
        if object_id is not None:
            return found.object_type, object_id
    return None


def live_object(
    session: Session,
    principal: Principal,
    system_id: uuid.UUID,
    kind: str,
    *,
    object_type: str | None,
    object_id: uuid.UUID | None,
    uri: str,
) -> LiveObject | None:
    """The live object evidence names, by type and id or by a link to its page; None for a
    document. Refused when it is not this system's or cannot prove ``kind``."""
    field = "object_id"
    if object_type is None and object_id is None:
        linked = _in_link(session, uri) if uri else None
        if linked is None:
            return None
        (object_type, object_id), field = linked, "uri"
    if object_type is None or object_id is None:
        missing = "object_type" if object_type is None else "object_id"
        raise InvalidInput.on(missing, "required with the other one")
    found = _offered(session, principal, system_id, object_type).get(object_id)
    if found is None:
        raise InvalidInput.on(field, f"names no {object_type.replace('_', ' ')} of this system")
    if kind not in found.kinds:
        can = ", ".join(DOCUMENT_TITLES[k] for k in sorted(found.kinds)) or "nothing"
        raise InvalidInput.on(
            "kind", f"{found.title} cannot show a {DOCUMENT_TITLES[kind]}; it can show: {can}"
        )
    return found


def _link(row: EvidenceRow) -> live_evidence.Link | None:
    if row.object_type is None or row.object_id is None:
        return None
    return (row.object_type, row.object_id, row.kind)


def _judged(session: Session, row: EvidenceRow, now: datetime) -> Judgement | None:
    link = _link(row)
    return None if link is None else live_evidence.judge_links(session, [link], now).get(link)


def attach(
    session: Session,
    ctx: ChangeContext,
    system_id: uuid.UUID,
    *,
    kind: str,
    title: str = "",
    uri: str = "",
    note: str = "",
    object_type: str | None = None,
    object_id: uuid.UUID | None = None,
    valid_until: date | None = None,
    now: datetime | None = None,
) -> AttachOutcome:
    """Attach a document, or link a live object (by type and id, or by a link to its page).

    ``valid_until``: a document's last valid day (a live object is judged afresh instead)."""
    now = now or utcnow()
    get_system_ref(session, ctx.principal, system_id)
    if valid_until is not None and valid_until < now.date():
        raise InvalidInput.on("valid_until", "is in the past: such a document would not count")
    kind = check_kind(kind)
    address = check_uri(uri)
    live = live_object(
        session,
        ctx.principal,
        system_id,
        kind,
        object_type=object_type,
        object_id=object_id,
        uri=address,
    )
    row = EvidenceRow(
        system_id=system_id,
        kind=kind,
        title=_clean(title or (live.title if live else ""), "title", TITLE_MAX, required=True),
        uri=live.url if live else address,
        note=_clean(note, "note", NOTE_MAX, required=False),
        object_type=live.object_type if live else None,
        object_id=live.object_id if live else None,
        valid_until=None if live else valid_until,
        added_by=ctx.principal.actor,
        added_at=now,
    )
    session.add(row)
    session.flush()
    view = _view(row, _judged(session, row, now))
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
    session: Session, principal: Principal, system_id: uuid.UUID, now: datetime | None = None
) -> list[EvidenceView]:
    """The system's evidence, newest first; live objects with their verdict now."""
    get_system_ref(session, principal, system_id)
    rows = list(
        session.execute(
            select(EvidenceRow)
            .where(EvidenceRow.system_id == system_id)
            .order_by(EvidenceRow.added_at.desc())
        ).scalars()
    )
    links = [link for r in rows if (link := _link(r)) is not None]
    verdicts = live_evidence.judge_links(session, links, now or utcnow())
    return [_view(r, verdicts.get(link) if (link := _link(r)) else None) for r in rows]


def offers(session: Session, principal: Principal, system_id: uuid.UUID) -> list[LiveObject]:
    """The live objects of the system that may be linked, for the judged kinds they show."""
    get_system_ref(session, principal, system_id)
    found = [o for s in live_evidence.sources() for o in s.offer(session, principal, system_id)]
    return [o for o in found if o.kinds & set(JUDGED_KINDS)]
