"""Storage of generated documents: every version kept, with its content and its digests."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from sqlalchemy import ForeignKey, LargeBinary, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from aitower.core.db.base import Base, HasId, JSONDocument, utcnow


class DocumentVersionRow(HasId, Base):
    """One generated document: its Markdown source and HTML page always, its PDF when asked.

    ``sha256`` is the digest of the Markdown source (the document's content); ``digests``
    holds each stored format's digest, so a download can be checked against the audit event.
    """

    __tablename__ = "document_versions"
    __table_args__ = (UniqueConstraint("system_id", "kind", "version"),)

    system_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("ai_systems.id", ondelete="CASCADE"), index=True
    )
    kind: Mapped[str] = mapped_column(String(32))
    version: Mapped[int] = mapped_column()
    generated_at: Mapped[datetime] = mapped_column(default=utcnow)
    generated_by: Mapped[str] = mapped_column(String(200))
    formats: Mapped[list[str]] = mapped_column(JSONDocument)
    markdown: Mapped[str] = mapped_column(Text)
    html: Mapped[str] = mapped_column(Text)
    pdf: Mapped[bytes | None] = mapped_column(LargeBinary)
    sha256: Mapped[str] = mapped_column(String(64))
    digests: Mapped[dict[str, Any]] = mapped_column(JSONDocument)
    facts_sha256: Mapped[str] = mapped_column(String(64))
