"""Dense latency histograms of the rollups stored packed: ``[zero, lowest index, counts...]``

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-07

The dashboards merge hundreds of rollup histograms per answer; a packed list merges as aligned
lists (in C) where ``{"index": count}`` objects needed a Python step per bucket, and its text is
a third as long. Small or sparse ones (under 16 buckets filled, or spanning over four times the
buckets they fill) stay objects, as ``telemetry.histogram.stored`` writes them. Self-contained:
the packing is spelled out here, not imported, so this revision keeps meaning what it meant.
Rows are rewritten 2,000 a statement.
"""

import json
from collections.abc import Sequence
from typing import Any

import sqlalchemy as sa
from alembic import op

revision: str = "0010"
down_revision: str | None = "0009"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

TABLES = ("telemetry_rollup_minute", "telemetry_rollup_hour", "telemetry_rollup_6h")
BATCH = 2000


def _pack(hist: dict[str, Any]) -> list[int]:
    indexes = [int(k) for k, c in hist.items() if c and k != "z"]
    zero = int(hist.get("z", 0))
    if not indexes:
        return [zero, 0] if zero else []
    low = min(indexes)
    counts = [0] * (max(indexes) - low + 1)
    for index in indexes:
        counts[index - low] = int(hist[str(index)])
    return [zero, low, *counts]


def _stored(hist: dict[str, Any]) -> list[int] | None:
    filled = sum(1 for c in hist.values() if c)
    packed = _pack(hist)
    return packed if filled >= 16 and len(packed) - 2 <= 4 * filled else None


def _unpack(packed: list[int]) -> dict[str, int]:
    hist = {str(packed[1] + i): c for i, c in enumerate(packed[2:]) if c}
    if packed and packed[0]:
        hist["z"] = packed[0]
    return hist


def _rewrite(table: str, convert: Any) -> None:
    bind = op.get_bind()
    is_pg = bind.dialect.name == "postgresql"
    text = "CAST(latency_hist AS TEXT)" if is_pg else "latency_hist"
    rows = bind.execute(
        sa.text(f"SELECT bucket_start, system_key, model, {text} FROM {table}")  # noqa: S608
    ).all()
    value = "CAST(:h AS JSONB)" if is_pg else ":h"
    update = sa.text(
        f"UPDATE {table} SET latency_hist = {value}"  # noqa: S608
        " WHERE bucket_start = :b AND system_key = :s AND model = :m"
    )
    changes = []
    for bucket, system, model, stored in rows:
        found = json.loads(stored) if isinstance(stored, str) else stored
        new = convert(found or {})
        if new is not None:
            changes.append({"b": bucket, "s": system, "m": model, "h": json.dumps(new)})
    for start in range(0, len(changes), BATCH):
        bind.execute(update, changes[start : start + BATCH])


def upgrade() -> None:
    for table in TABLES:
        _rewrite(table, lambda h: _stored(h) if isinstance(h, dict) else None)


def downgrade() -> None:
    for table in TABLES:
        _rewrite(table, lambda h: _unpack(h) if isinstance(h, list) else None)
