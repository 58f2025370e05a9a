"""Finding rows by many composite keys through the key's index, on both databases.

SQLite answers a row-value list, ``WHERE (a, b) IN ((?, ?), (?, ?))``, by scanning the whole
table or index (its planner uses no index for it; PostgreSQL does), so a lookup that costs a few
probes on PostgreSQL read every stored row on SQLite, and grew with the database. One ``IN`` per
leading key column is searched through the index on both.
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from typing import Any

from sqlalchemy import ColumnElement, and_
from sqlalchemy.orm import QueryableAttribute


def among_keys(
    columns: Sequence[ColumnElement[Any] | QueryableAttribute[Any]],
    keys: Collection[tuple[Any, ...]],
) -> ColumnElement[bool]:
    """Rows whose first ``len(columns)`` key parts are those of one of ``keys``, and maybe a
    few more (each column may take any of its values in ``keys``): the caller drops those."""
    return and_(*(column.in_(sorted({key[i] for key in keys})) for i, column in enumerate(columns)))
