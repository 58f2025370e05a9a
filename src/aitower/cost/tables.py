"""Storage of the organisation's own LLM prices (overrides of the built-in catalog)."""

from __future__ import annotations

from datetime import date

from sqlalchemy import Date, Float, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from aitower.core.db.base import Base, HasId, HasTimestamps


class PriceOverrideRow(HasId, HasTimestamps, Base):
    """Negotiated prices (USD per million tokens) and/or a discount, for a period.

    A price left empty comes from the catalog, less ``discount_percent``. ``effective_to`` is
    exclusive; empty means open-ended.
    """

    __tablename__ = "cost_price_overrides"
    __table_args__ = (Index("ix_cost_price_overrides_provider", "provider", "model_pattern"),)

    provider: Mapped[str] = mapped_column(String(100))
    model_pattern: Mapped[str] = mapped_column(String(200))
    input_price: Mapped[float | None] = mapped_column(Float)
    output_price: Mapped[float | None] = mapped_column(Float)
    cache_read_price: Mapped[float | None] = mapped_column(Float)
    cache_write_price: Mapped[float | None] = mapped_column(Float)
    reasoning_price: Mapped[float | None] = mapped_column(Float)
    discount_percent: Mapped[float | None] = mapped_column(Float)
    effective_from: Mapped[date] = mapped_column(Date)
    effective_to: Mapped[date | None] = mapped_column(Date)
    note: Mapped[str] = mapped_column(Text, default="")
    created_by: Mapped[str] = mapped_column(String(200))
