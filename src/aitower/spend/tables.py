"""Storage of spend: the ledger of imported costs, the imports themselves, the rules that map a
bill's tags or accounts to systems, and budgets.

LLM usage cost is *not* copied here: it stays in telemetry's rollups (``telemetry_rollup_*``),
priced at ingest, and ``spend.costs`` adds the two together when it reads.
"""

from __future__ import annotations

import uuid
from datetime import date

from sqlalchemy import Date, Float, ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from aitower.core.db.base import Base, HasId, HasTimestamps


class SpendImportRow(HasId, HasTimestamps, Base):
    """One imported file: what it was, who brought it, what it added. Rows it stored point here,
    so an import can be shown, and undone, as a whole. The same file (by SHA-256) is refused
    a second time."""

    __tablename__ = "spend_imports"
    __table_args__ = (UniqueConstraint("sha256", name="uq_spend_imports_sha256"),)

    kind: Mapped[str] = mapped_column(String(40))  # spend.sources.ImportKind
    file_name: Mapped[str] = mapped_column(String(300))
    file_format: Mapped[str] = mapped_column(String(16))  # "csv" | "parquet"
    sha256: Mapped[str] = mapped_column(String(64))
    bytes_read: Mapped[int] = mapped_column(Integer, default=0)
    rows_read: Mapped[int] = mapped_column(Integer, default=0)
    records_stored: Mapped[int] = mapped_column(Integer, default=0)
    unmapped_amount: Mapped[float] = mapped_column(Float, default=0.0)  # USD not tied to a system
    total_amount: Mapped[float] = mapped_column(Float, default=0.0)  # USD
    period_start: Mapped[date | None] = mapped_column(Date)
    period_end: Mapped[date | None] = mapped_column(Date)  # exclusive
    imported_by: Mapped[str] = mapped_column(String(200))
    note: Mapped[str] = mapped_column(Text, default="")


class SpendRecordRow(HasId, Base):
    """A cost for a period, in USD, attributed as far as the source allows.

    Cloud bills are aggregated on import to one row per day, account, service, tag match and
    system (a bill's line items are far too many to keep); invoices, licences, training runs
    and people time are one row each. ``day_end`` is exclusive; a cost over several days is
    spread evenly over them when read per day.
    """

    __tablename__ = "spend_records"
    __table_args__ = (
        Index("ix_spend_records_day", "day_start", "system_id"),
        Index("ix_spend_records_system", "system_id", "day_start"),
        Index("ix_spend_records_import", "import_id"),
    )

    import_id: Mapped[uuid.UUID | None] = mapped_column(
        ForeignKey("spend_imports.id", ondelete="CASCADE")
    )
    # spend.sources.SpendSource: cloud | invoice | licence | training | people | expense
    source: Mapped[str] = mapped_column(String(20))
    day_start: Mapped[date] = mapped_column(Date)
    day_end: Mapped[date] = mapped_column(Date)  # exclusive
    amount: Mapped[float] = mapped_column(Float)  # USD
    currency: Mapped[str] = mapped_column(String(3), default="USD")  # as billed
    billed_amount: Mapped[float] = mapped_column(Float)  # in ``currency``
    system_id: Mapped[uuid.UUID | None] = mapped_column(
        ForeignKey("ai_systems.id", ondelete="SET NULL")
    )
    unit_id: Mapped[uuid.UUID | None] = mapped_column()  # the system's unit, or a unit named
    vendor: Mapped[str] = mapped_column(String(200), default="")  # "AWS", "GitHub", "OpenAI"
    service: Mapped[str] = mapped_column(String(200), default="")  # "Amazon Bedrock", "Copilot"
    model: Mapped[str] = mapped_column(String(200), default="")
    account: Mapped[str] = mapped_column(String(200), default="")  # account/subscription/project
    matched_by: Mapped[str] = mapped_column(String(300), default="")  # "tag app=helpdesk"
    description: Mapped[str] = mapped_column(Text, default="")
    quantity: Mapped[float | None] = mapped_column(Float)  # hours, GPU hours, seats
    seats: Mapped[int | None] = mapped_column(Integer)  # licences: seats paid for
    seats_in_use: Mapped[int | None] = mapped_column(Integer)  # licences: active users
    row_number: Mapped[int | None] = mapped_column(Integer)  # the first source row it came from


class SpendMappingRow(HasId, HasTimestamps, Base):
    """Attribute a bill's lines to a system: by a tag/label (key and value), or by account,
    subscription, project or resource group. More specific rules (tags) win over accounts."""

    __tablename__ = "spend_mappings"
    __table_args__ = (
        UniqueConstraint("match_kind", "match_key", "match_value", name="uq_spend_mappings_match"),
    )

    match_kind: Mapped[str] = mapped_column(String(20))  # tag | account | resource_group
    match_key: Mapped[str] = mapped_column(String(200), default="")  # the tag key; "" otherwise
    match_value: Mapped[str] = mapped_column(String(300))
    system_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("ai_systems.id", ondelete="CASCADE"))
    note: Mapped[str] = mapped_column(Text, default="")
    created_by: Mapped[str] = mapped_column(String(200))


class BudgetRow(HasId, HasTimestamps, Base):
    """A spending limit for a scope per month or quarter, from ``starts_on`` (open-ended).

    ``scope_kind`` is system, unit, vendor or model; ``scope_value`` the system's or unit's id
    (as text) or the vendor's or model's name. Soft and hard thresholds are percentages of the
    amount: the soft one warns, the hard one is the limit a forecast must not cross.
    """

    __tablename__ = "spend_budgets"
    __table_args__ = (Index("ix_spend_budgets_scope", "scope_kind", "scope_value"),)

    name: Mapped[str] = mapped_column(String(200))
    scope_kind: Mapped[str] = mapped_column(String(10))
    scope_value: Mapped[str] = mapped_column(String(200))
    period: Mapped[str] = mapped_column(String(10))  # monthly | quarterly
    amount: Mapped[float] = mapped_column(Float)  # USD per period
    soft_percent: Mapped[float] = mapped_column(Float, default=80.0)
    hard_percent: Mapped[float] = mapped_column(Float, default=100.0)
    starts_on: Mapped[date] = mapped_column(Date)
    owner: Mapped[str] = mapped_column(String(200), default="")
    note: Mapped[str] = mapped_column(Text, default="")
    created_by: Mapped[str] = mapped_column(String(200))
