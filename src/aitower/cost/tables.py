"""Storage of the organisation's own LLM prices (overrides) and of loaded price data."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Boolean, Date, Float, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from aitower.core.db.base import Base, HasId, HasTimestamps, utcnow


class PriceOverrideRow(HasId, HasTimestamps, Base):
    """Negotiated prices (USD per million tokens) and/or a discount, for a period.

    A price left empty comes from the price data, less ``discount_percent``. ``effective_to`` is
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


class PriceDataRow(HasId, Base):
    """A price data file loaded offline (``aitower prices update``), or a return to the data
    bundled with genai-prices (``bundled``, no content). The newest row is in force; none:
    the bundled data."""

    __tablename__ = "cost_price_data"
    __table_args__ = (Index("ix_cost_price_data_loaded_at", "loaded_at"),)

    label: Mapped[str] = mapped_column(String(200))
    bundled: Mapped[bool] = mapped_column(Boolean, default=False)
    sha256: Mapped[str | None] = mapped_column(String(64))
    content: Mapped[str | None] = mapped_column(Text)  # the file's JSON, as loaded
    provider_count: Mapped[int] = mapped_column(Integer)
    model_count: Mapped[int] = mapped_column(Integer)
    package_version: Mapped[str] = mapped_column(String(40))  # genai-prices that read it
    loaded_by: Mapped[str] = mapped_column(String(200))
    loaded_at: Mapped[datetime] = mapped_column(default=utcnow)
