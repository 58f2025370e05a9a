"""Use cases of generated documents: preview, generate (a new version kept), list, download.

Generating always keeps a new version, even when nothing changed since the last one: a
version records that a document was issued, by whom and when, and its header says so, so two
versions never have the same content digest. Whether the facts changed is told apart by
``facts_sha256`` (the digest of the facts the document was built from): the versions list says
"same facts as version N". The Markdown source, the HTML page and (when asked) the PDF are
stored as generated, so a download later is byte-identical and matches the digest recorded on
the audit event (``document.generated``).
"""

from __future__ import annotations

import hashlib
import uuid
from collections.abc import Collection
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from aitower.core.access.principal import Principal
from aitower.core.audit.service import ChangeContext, record_change
from aitower.core.db.base import utcnow
from aitower.core.errors import InvalidInput, NotFound
from aitower.core.pdf import html_to_pdf
from aitower.documents.common import KIND_TITLES, Issue
from aitower.documents.document import Document, to_html, to_markdown
from aitower.documents.facts import facts_digest
from aitower.documents.gather import gather_facts
from aitower.documents.kinds import FORMATS, build, check_format, check_kind
from aitower.documents.tables import DocumentVersionRow as Row
from aitower.inventory.service import get_system_ref
from aitower.inventory.tables import SystemRow


def sha256(content: bytes) -> str:
    return hashlib.sha256(content).hexdigest()


@dataclass(frozen=True, slots=True)
class VersionView:
    id: uuid.UUID
    system_id: uuid.UUID
    kind: str
    version: int
    generated_at: datetime
    generated_by: str
    formats: tuple[str, ...]
    sha256: str  # of the Markdown source
    digests: dict[str, str]  # per stored format
    facts_sha256: str
    same_facts_as: int | None = None  # an earlier version built from the same facts

    @property
    def kind_title(self) -> str:
        return KIND_TITLES.get(self.kind, self.kind)


def _view(row: Row, same_as: int | None = None) -> VersionView:
    return VersionView(
        row.id,
        row.system_id,
        row.kind,
        row.version,
        row.generated_at,
        row.generated_by,
        tuple(row.formats),
        row.sha256,
        dict(row.digests),
        row.facts_sha256,
        same_as,
    )


def _formats(asked: Collection[str]) -> tuple[str, ...]:
    """The formats kept: Markdown and HTML always (the source and the page), PDF when asked."""
    wanted = {check_format(f, "formats") for f in asked}
    return tuple(f for f in FORMATS if f in wanted | {"md", "html"})


def preview(
    session: Session, principal: Principal, system_id: uuid.UUID, kind: str, now: datetime
) -> Document:
    """The document as it would be generated now, not kept (the preview page)."""
    check_kind(kind)
    facts = gather_facts(session, principal, system_id, now)
    return build(kind, facts, Issue(None, now, principal.actor))


def generate(
    session: Session,
    ctx: ChangeContext,
    system_id: uuid.UUID,
    kind: str,
    formats: Collection[str] = FORMATS,
    now: datetime | None = None,
) -> VersionView:
    """Build the document from the facts now, keep it as the next version, audit it."""
    check_kind(kind)
    kept = _formats(formats)
    now = now or utcnow()
    facts = gather_facts(session, ctx.principal, system_id, now)
    # Two generations of one system at once would both take the same next number: the second
    # waits here (PostgreSQL row lock; SQLite serialises writers already), as lifecycle moves do.
    session.execute(select(SystemRow.id).where(SystemRow.id == system_id).with_for_update())
    last = session.execute(
        select(func.max(Row.version)).where(Row.system_id == system_id, Row.kind == kind)
    ).scalar()
    version = (last or 0) + 1
    doc = build(kind, facts, Issue(version, now, ctx.principal.actor))
    markdown, page = to_markdown(doc), to_html(doc)
    pdf = html_to_pdf(page) if "pdf" in kept else None
    digests = {"md": sha256(markdown.encode()), "html": sha256(page.encode())}
    if pdf is not None:
        digests["pdf"] = sha256(pdf)
    row = Row(
        id=uuid.uuid4(),
        system_id=system_id,
        kind=kind,
        version=version,
        generated_at=now,
        generated_by=ctx.principal.actor,
        formats=list(kept),
        markdown=markdown,
        html=page,
        pdf=pdf,
        sha256=digests["md"],
        digests=digests,
        facts_sha256=facts_digest(facts),
    )
    session.add(row)
    session.flush()
    record_change(session, ctx, "document.generated", "ai_system", system_id, after=_audit(row))
    return _view(row)


def _audit(row: Row) -> dict[str, Any]:
    return {
        "document_id": row.id,
        "kind": row.kind,
        "version": row.version,
        "sha256": row.sha256,
        "digests": row.digests,
        "facts_sha256": row.facts_sha256,
    }


def list_versions(
    session: Session, principal: Principal, system_id: uuid.UUID, kind: str | None = None
) -> list[VersionView]:
    """The system's kept versions, newest first (by kind, then version)."""
    get_system_ref(session, principal, system_id)
    query = select(Row).where(Row.system_id == system_id)
    if kind is not None:
        query = query.where(Row.kind == check_kind(kind))
    rows = list(
        session.execute(
            query.order_by(Row.kind, Row.version.desc()).with_only_columns(*_LIGHT)
        ).all()
    )
    first_of: dict[tuple[str, str], int] = {}
    for r in sorted(rows, key=lambda r: r.version):
        first_of.setdefault((r.kind, r.facts_sha256), r.version)
    views = []
    for r in rows:
        same = first_of[(r.kind, r.facts_sha256)]
        views.append(_light_view(r, None if same == r.version else same))
    return views


_LIGHT = (
    Row.id,
    Row.system_id,
    Row.kind,
    Row.version,
    Row.generated_at,
    Row.generated_by,
    Row.formats,
    Row.sha256,
    Row.digests,
    Row.facts_sha256,
)


def _light_view(r: Any, same_as: int | None) -> VersionView:
    return VersionView(
        r.id,
        r.system_id,
        r.kind,
        r.version,
        r.generated_at,
        r.generated_by,
        tuple(r.formats),
        r.sha256,
        dict(r.digests),
        r.facts_sha256,
        same_as,
    )


def _row(
    session: Session, principal: Principal, system_id: uuid.UUID, kind: str, version: int
) -> Row:
    get_system_ref(session, principal, system_id)
    found = session.execute(
        select(Row).where(
            Row.system_id == system_id, Row.kind == check_kind(kind), Row.version == version
        )
    ).scalar()
    if found is None:
        raise NotFound(f"no version {version} of the {kind} of system {system_id}")
    return found


def get_version(
    session: Session, principal: Principal, system_id: uuid.UUID, kind: str, version: int
) -> VersionView:
    return _view(_row(session, principal, system_id, kind, version))


def version_content(
    session: Session,
    principal: Principal,
    system_id: uuid.UUID,
    kind: str,
    version: int,
    fmt: str,
) -> bytes:
    """The stored bytes of one format of a version, exactly as generated."""
    row = _row(session, principal, system_id, kind, version)
    check_format(fmt)
    if fmt == "md":
        return row.markdown.encode()
    if fmt == "html":
        return row.html.encode()
    if row.pdf is None:
        raise InvalidInput.on("format", "this version was generated without a PDF")
    return bytes(row.pdf)


def filename(system_name: str, kind: str, version: int, fmt: str) -> str:
    """A download's file name: ``credit-scoring-model-system-card-v3.pdf``."""
    slug = "".join(c if c.isalnum() else "-" for c in system_name.lower()).strip("-")
    slug = "-".join(part for part in slug.split("-") if part)[:60] or "system"
    return f"{slug}-{kind}-v{version}.{fmt}"
