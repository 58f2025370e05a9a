"""Storage of discovery: the organisation's catalog entries and sanction decisions, scans and
the findings they produced.

The shipped catalog is a data file (``data/catalog.yaml``), not rows: only what the
organisation adds or decides is stored. Sanctions are keyed by ``unit_key`` ("" for the
organisation, else the unit's id) because a unique constraint treats NULLs as distinct on
both databases.
"""

from __future__ import annotations

import uuid
from datetime import date, datetime
from typing import Any

from sqlalchemy import BigInteger, Float, ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from aitower.core.db.base import Base, HasId, HasTimestamps, JSONDocument, utcnow


class DiscoveryServiceRow(HasId, HasTimestamps, Base):
    """A service the organisation added to the catalog (same fields as a shipped entry)."""

    __tablename__ = "discovery_services"
    __table_args__ = (UniqueConstraint("service_id", name="uq_discovery_services_service_id"),)

    service_id: Mapped[str] = mapped_column(String(64))
    name: Mapped[str] = mapped_column(String(200))
    vendor: Mapped[str] = mapped_column(String(200))
    category: Mapped[str] = mapped_column(String(32))
    hosts: Mapped[list[str]] = mapped_column(JSONDocument)
    paths: Mapped[list[str]] = mapped_column(JSONDocument)
    model_from_path: Mapped[str | None] = mapped_column(String(300))
    data_use: Mapped[str] = mapped_column(Text, default="")
    trains_on_customer_data: Mapped[bool | None] = mapped_column()
    default_sanction: Mapped[str] = mapped_column(String(16))
    source: Mapped[str] = mapped_column(String(500))
    created_by: Mapped[str] = mapped_column(String(200))


class DiscoverySanctionRow(HasId, HasTimestamps, Base):
    """The organisation's decision on a service, organisation-wide or for one unit; a block is
    the policy decision ``blocked`` with its reason."""

    __tablename__ = "discovery_sanctions"
    __table_args__ = (
        UniqueConstraint("service_id", "unit_key", name="uq_discovery_sanctions_service_id"),
    )

    service_id: Mapped[str] = mapped_column(String(240))
    unit_key: Mapped[str] = mapped_column(String(36))  # "" organisation-wide, else the unit id
    unit_id: Mapped[uuid.UUID | None] = mapped_column(
        ForeignKey("business_units.id", ondelete="CASCADE")
    )
    status: Mapped[str] = mapped_column(String(16))  # sanction.SanctionStatus
    reason: Mapped[str] = mapped_column(Text, default="")
    decided_by: Mapped[str] = mapped_column(String(200))


class DiscoveryScanRow(HasId, Base):
    """One scan whose aggregates were stored: a proxy log, a repository, an expense export."""

    __tablename__ = "discovery_scans"
    __table_args__ = (UniqueConstraint("sha256", name="uq_discovery_scans_sha256"),)

    source_kind: Mapped[str] = mapped_column(String(16))  # log | code | expense
    file_name: Mapped[str] = mapped_column(String(300))
    sha256: Mapped[str] = mapped_column(String(64))
    lines: Mapped[int] = mapped_column(BigInteger, default=0)
    matched: Mapped[int] = mapped_column(BigInteger, default=0)
    malformed: Mapped[int] = mapped_column(BigInteger, default=0)
    findings_new: Mapped[int] = mapped_column(Integer, default=0)
    findings_merged: Mapped[int] = mapped_column(Integer, default=0)
    catalog_version: Mapped[str] = mapped_column(String(40), default="")
    created_by: Mapped[str] = mapped_column(String(200))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class DiscoveryFindingRow(HasId, HasTimestamps, Base):
    """Use of one service by one user (or, for telemetry, one unclaimed service name), with
    its volume, risk and where triage stands."""

    __tablename__ = "discovery_findings"
    __table_args__ = (
        Index("ix_discovery_findings_open", "kind", "service_id", "user_name", "status"),
        Index("ix_discovery_findings_status", "status", "last_seen"),
        Index("ix_discovery_findings_unit", "unit_id", "first_seen"),
    )

    kind: Mapped[str] = mapped_column(String(16))  # log | code | expense | telemetry
    service_id: Mapped[str] = mapped_column(String(240))
    unit_id: Mapped[uuid.UUID | None] = mapped_column(
        ForeignKey("business_units.id", ondelete="SET NULL")
    )
    user_name: Mapped[str] = mapped_column(String(200), default="")
    department: Mapped[str] = mapped_column(String(200), default="")
    model: Mapped[str] = mapped_column(String(200), default="")  # when the path or source says
    requests: Mapped[int] = mapped_column(BigInteger, default=0)
    bytes_sent: Mapped[int] = mapped_column(BigInteger, default=0)
    first_seen: Mapped[datetime] = mapped_column()
    last_seen: Mapped[datetime] = mapped_column()
    risk_score: Mapped[int] = mapped_column(Integer, default=0)
    risk_reasons: Mapped[list[dict[str, Any]]] = mapped_column(JSONDocument)
    status: Mapped[str] = mapped_column(String(16))  # findings.FindingStatus
    owner: Mapped[str] = mapped_column(String(200), default="")
    due_date: Mapped[date | None] = mapped_column()
    reason: Mapped[str] = mapped_column(Text, default="")
    system_id: Mapped[uuid.UUID | None] = mapped_column(
        ForeignKey("ai_systems.id", ondelete="SET NULL")
    )
    scan_id: Mapped[uuid.UUID | None] = mapped_column(
        ForeignKey("discovery_scans.id", ondelete="SET NULL")
    )
    # Expense findings: what the card statements charged for the service, in USD (0 otherwise).
    amount_usd: Mapped[float] = mapped_column(Float, default=0.0)


class DuplicateDecisionRow(HasId, HasTimestamps, Base):
    """What the organisation decided about a cluster of duplicate initiatives.

    A cluster is named by its members (``"system:<id>"`` or ``"finding:<id>"``, sorted), and
    ``cluster_key`` is the SHA-256 of that list, so the same cluster found again shows the
    decision already taken, and a cluster that gained or lost a member asks again. ``merge``
    keeps ``keep_system_id`` and asks to retire the other systems (governance's stage moves);
    ``keep_both`` records why they stay apart.
    """

    __tablename__ = "discovery_duplicate_decisions"
    __table_args__ = (
        UniqueConstraint("cluster_key", name="uq_discovery_duplicate_decisions_cluster_key"),
    )

    cluster_key: Mapped[str] = mapped_column(String(64))
    members: Mapped[list[str]] = mapped_column(JSONDocument)
    decision: Mapped[str] = mapped_column(String(16))  # merge | keep_both
    reason: Mapped[str] = mapped_column(Text, default="")
    keep_system_id: Mapped[uuid.UUID | None] = mapped_column(
        ForeignKey("ai_systems.id", ondelete="SET NULL")
    )
    decided_by: Mapped[str] = mapped_column(String(200))
