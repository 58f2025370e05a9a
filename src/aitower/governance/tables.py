"""Storage of policies (every version kept), evidence, move requests, approvals and moves."""

from __future__ import annotations

import uuid
from datetime import date, datetime
from typing import Any

from sqlalchemy import ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from aitower.core.db.base import Base, HasId, HasTimestamps, JSONDocument, utcnow


class PolicyRow(HasId, HasTimestamps, Base):
    __tablename__ = "policies"

    key: Mapped[str] = mapped_column(String(64), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    enabled: Mapped[bool] = mapped_column(default=True)
    version: Mapped[int] = mapped_column()
    # The parsed document of the current version, so evaluation never re-parses YAML.
    document: Mapped[dict[str, Any]] = mapped_column(JSONDocument)


class PolicyVersionRow(HasId, Base):
    """Every saved version, with its YAML as written, so an auditor sees what was in force."""

    __tablename__ = "policy_versions"
    __table_args__ = (UniqueConstraint("policy_id", "version"),)

    policy_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("policies.id", ondelete="CASCADE"))
    version: Mapped[int] = mapped_column()
    source: Mapped[str] = mapped_column(Text)
    document: Mapped[dict[str, Any]] = mapped_column(JSONDocument)
    author: Mapped[str] = mapped_column(String(200))
    comment: Mapped[str] = mapped_column(String(500), default="")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class EvidenceRow(HasId, Base):
    """A document or evidence attached to a system (impact assessment, oversight plan, ...)."""

    __tablename__ = "evidence"

    system_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("ai_systems.id", ondelete="CASCADE"), index=True
    )
    kind: Mapped[str] = mapped_column(String(48))
    title: Mapped[str] = mapped_column(String(200))
    uri: Mapped[str] = mapped_column(String(1000), default="")
    note: Mapped[str] = mapped_column(Text, default="")
    # A live object judged at every gate (core.evidence): its type and id; None for a document.
    object_type: Mapped[str | None] = mapped_column(String(40))
    object_id: Mapped[uuid.UUID | None] = mapped_column()
    # A document's last valid day (an annual review, a certificate); None: no end. Past it, a
    # gate no longer counts the document.
    valid_until: Mapped[date | None] = mapped_column()
    added_by: Mapped[str] = mapped_column(String(200))
    added_at: Mapped[datetime] = mapped_column(default=utcnow)


class ApprovalRequestRow(HasId, HasTimestamps, Base):
    """A request to move a system to a stage (or to admit a new system), awaiting its gate."""

    __tablename__ = "approval_requests"
    __table_args__ = (Index("ix_approval_requests_status_system", "status", "system_id"),)

    system_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("ai_systems.id", ondelete="CASCADE"), index=True
    )
    kind: Mapped[str] = mapped_column(String(16))
    from_stage: Mapped[str | None] = mapped_column(String(32))
    target_stage: Mapped[str | None] = mapped_column(String(32))
    requested_by_id: Mapped[uuid.UUID | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL")
    )
    requested_by: Mapped[str] = mapped_column(String(200))
    reason: Mapped[str] = mapped_column(Text, default="")
    status: Mapped[str] = mapped_column(String(16))
    # The approvals the gate demanded when the request was raised: [{"role", "count", "policy"}]
    required: Mapped[list[dict[str, Any]]] = mapped_column(JSONDocument)
    # The latest gate evaluation: {"verdict", "findings": [...]}
    gate: Mapped[dict[str, Any]] = mapped_column(JSONDocument)
    expires_at: Mapped[datetime | None] = mapped_column()
    closed_at: Mapped[datetime | None] = mapped_column()
    close_reason: Mapped[str] = mapped_column(Text, default="")


class DecisionRow(HasId, Base):
    __tablename__ = "approval_decisions"
    __table_args__ = (UniqueConstraint("request_id", "approver_id"),)

    request_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("approval_requests.id", ondelete="CASCADE")
    )
    approver_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("users.id", ondelete="RESTRICT"))
    approver: Mapped[str] = mapped_column(String(200))
    role: Mapped[str] = mapped_column(String(32))
    decision: Mapped[str] = mapped_column(String(16))
    reason: Mapped[str] = mapped_column(Text, default="")
    decided_at: Mapped[datetime] = mapped_column(default=utcnow)


class LifecycleEventRow(HasId, Base):
    """A completed stage move: who, when, why, and the gate result it passed."""

    __tablename__ = "lifecycle_events"

    system_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("ai_systems.id", ondelete="CASCADE"), index=True
    )
    from_stage: Mapped[str | None] = mapped_column(String(32))
    to_stage: Mapped[str] = mapped_column(String(32))
    actor: Mapped[str] = mapped_column(String(200))
    reason: Mapped[str] = mapped_column(Text, default="")
    request_id: Mapped[uuid.UUID | None] = mapped_column(
        ForeignKey("approval_requests.id", ondelete="SET NULL")
    )
    gate: Mapped[dict[str, Any]] = mapped_column(JSONDocument)
    at: Mapped[datetime] = mapped_column(default=utcnow)
