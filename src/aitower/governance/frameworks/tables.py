"""Storage of imported frameworks: one row per framework, holding its document.

The built-in catalogs are package data and never stored, so an import cannot overwrite them.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import String, Text
from sqlalchemy.orm import Mapped, mapped_column

from aitower.core.db.base import Base, HasId, HasTimestamps, JSONDocument


class FrameworkRow(HasId, HasTimestamps, Base):
    __tablename__ = "frameworks"

    key: Mapped[str] = mapped_column(String(64), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    version: Mapped[str] = mapped_column(String(40))
    # The canonical document (parsed and checked), so reading never re-parses YAML ...
    document: Mapped[dict[str, Any]] = mapped_column(JSONDocument)
    # ... and the YAML as imported, so an auditor sees exactly what was brought in.
    source: Mapped[str] = mapped_column(Text)
    imported_by: Mapped[str] = mapped_column(String(200))
