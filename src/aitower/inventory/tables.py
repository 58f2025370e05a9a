"""Storage of AI systems, vendors and what links them.

Lists of small records that are only read with their system (models, data sources, environments,
links) are JSON documents on the system row. What is filtered or joined across the portfolio
(tags, vendors, telemetry service names) has its own table, and the most sensitive data
classification is kept in a column so that a filtered page over 10,000 systems stays an index
scan.
"""

from __future__ import annotations

import uuid
from datetime import date
from typing import Any

from sqlalchemy import Date, ForeignKey, Index, Numeric, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from aitower.core.db.base import Base, HasId, HasTimestamps, JSONDocument


class VendorRow(HasId, HasTimestamps, Base):
    __tablename__ = "vendors"

    name: Mapped[str] = mapped_column(String(200), unique=True)
    vendor_type: Mapped[str] = mapped_column(String(32))
    website: Mapped[str] = mapped_column(String(500), default="")
    contract_start: Mapped[date | None] = mapped_column(Date)
    contract_end: Mapped[date | None] = mapped_column(Date)
    renewal_date: Mapped[date | None] = mapped_column(Date, index=True)
    annual_value: Mapped[float | None] = mapped_column(Numeric(14, 2, asdecimal=False))
    contract_owner_id: Mapped[uuid.UUID | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL")
    )
    soc2_until: Mapped[date | None] = mapped_column(Date)
    iso27001_until: Mapped[date | None] = mapped_column(Date)
    dpa_signed: Mapped[bool] = mapped_column(default=False)
    data_residency: Mapped[str] = mapped_column(String(64), default="")
    retention_days: Mapped[int | None] = mapped_column()
    # None: the vendor has not said; treated as a risk until it does.
    trains_on_customer_data: Mapped[bool | None] = mapped_column()
    notes: Mapped[str] = mapped_column(Text, default="")


class SystemRow(HasId, HasTimestamps, Base):
    __tablename__ = "ai_systems"
    __table_args__ = (
        Index("ix_ai_systems_unit_stage", "unit_id", "stage"),
        Index("ix_ai_systems_updated_at", "updated_at"),
    )

    name: Mapped[str] = mapped_column(String(200), unique=True)
    # Lower-cased name and purpose, so search is one LIKE on both dialects.
    search_text: Mapped[str] = mapped_column(Text, default="")
    purpose: Mapped[str] = mapped_column(Text, default="")
    kind: Mapped[str] = mapped_column(String(32), index=True)
    unit_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("business_units.id", ondelete="RESTRICT"))
    accountable_owner_id: Mapped[uuid.UUID | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL"), index=True
    )
    technical_owner_id: Mapped[uuid.UUID | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL"), index=True
    )
    stage: Mapped[str] = mapped_column(String(32), index=True)
    risk_tier: Mapped[str | None] = mapped_column(String(16), index=True)
    autonomy: Mapped[str] = mapped_column(String(32))
    affected: Mapped[list[str]] = mapped_column(JSONDocument)
    # [{"provider", "name", "version", "hosting"}]
    models: Mapped[list[dict[str, Any]]] = mapped_column(JSONDocument)
    # [{"name", "classification", "personal_data", "special_category"}]
    data_sources: Mapped[list[dict[str, Any]]] = mapped_column(JSONDocument)
    data_classification: Mapped[str] = mapped_column(String(16), index=True)
    personal_data: Mapped[bool] = mapped_column(default=False)
    special_category_data: Mapped[bool] = mapped_column(default=False)
    # [{"name", "endpoint"}]
    environments: Mapped[list[dict[str, Any]]] = mapped_column(JSONDocument)
    # {"docs": url, "repository": url}
    links: Mapped[dict[str, Any]] = mapped_column()
    notes: Mapped[str] = mapped_column(Text, default="")


class SystemTagRow(Base):
    __tablename__ = "ai_system_tags"

    system_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("ai_systems.id", ondelete="CASCADE"), primary_key=True
    )
    tag: Mapped[str] = mapped_column(String(64), primary_key=True, index=True)


class SystemVendorRow(Base):
    __tablename__ = "ai_system_vendors"

    system_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("ai_systems.id", ondelete="CASCADE"), primary_key=True
    )
    vendor_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("vendors.id", ondelete="RESTRICT"), primary_key=True, index=True
    )


class TelemetryServiceRow(Base):
    """A telemetry ``service.name`` claimed by one system: how spans find their system (#4)."""

    __tablename__ = "ai_system_services"

    service_name: Mapped[str] = mapped_column(String(200), primary_key=True)
    system_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("ai_systems.id", ondelete="CASCADE"), index=True
    )
