"""Day rollups: telemetry summed per UTC day, filled from the six-hour rollups

Revision ID: 0025
Revises: 0024
Create Date: 2026-12-08

Cost, value and advice read months and a year a day at a time; the six-hour rows gave them four
times the rows they need (``bench/spend_report.py``: the year's report missed its 200 ms on both
databases). ``telemetry_rollup_day`` has the rollups' columns and a partial covering index of
the cells with a cost; it replaces the six-hour table's cost index of 0023, which nothing reads
any more. Existing six-hour rows are summed into day rows, their latency histograms merged.
Self-contained: the histogram formats are spelled out (as in 0010), models not imported.
"""

import json
from collections.abc import Sequence
from datetime import datetime
from typing import Any

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "0025"
down_revision: str | None = "0024"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

UTC_TIME = sa.DateTime(timezone=True)
JSON_DOC = sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql")
TABLE = "telemetry_rollup_day"
SOURCE = "telemetry_rollup_6h"
SUMS = (
    "spans", "requests", "errors", "latency_sum_ms", "llm_calls", "llm_errors", "input_tokens",
    "output_tokens", "cache_read_tokens", "cache_write_tokens", "reasoning_tokens", "cost",
    "unpriced_calls", "unpriced_tokens",
)  # fmt: skip
FLOATS = ("latency_sum_ms", "cost")
BATCH = 2000


def _create() -> None:
    counters = [
        sa.Column(name, sa.Float() if name in FLOATS else sa.BigInteger(), nullable=False)
        for name in SUMS
    ]
    op.create_table(
        TABLE,
        sa.Column("bucket_start", UTC_TIME, nullable=False),
        sa.Column("system_key", sa.String(length=240), nullable=False),
        sa.Column("model", sa.String(length=200), nullable=False),
        *counters,
        sa.Column("latency_hist", JSON_DOC, nullable=False),
        sa.PrimaryKeyConstraint("bucket_start", "system_key", "model", name=op.f(f"pk_{TABLE}")),
    )
    op.create_index(
        "ix_telemetry_rollup_day_cost",
        TABLE,
        ["bucket_start", "system_key", "model", "cost"],
        unique=False,
        sqlite_where=sa.text("cost > 0"),
        postgresql_where=sa.text("cost > 0"),
    )


def _unpacked(stored: Any) -> dict[int, int]:
    """A stored histogram (a packed ``[zero, lowest, counts...]`` list or ``{"index": count,
    "z": zeros}``) as counts per index; index -1 holds the zeros."""
    found = json.loads(stored) if isinstance(stored, str) else stored
    counts: dict[int, int] = {}
    if isinstance(found, list) and found:
        if found[0]:
            counts[-1] = int(found[0])
        for i, count in enumerate(found[2:]):
            if count:
                counts[int(found[1]) + i] = int(count)
    elif isinstance(found, dict):
        for key, count in found.items():
            if count:
                counts[-1 if key == "z" else int(key)] = int(count)
    return counts


def _stored(counts: dict[int, int]) -> Any:
    """``counts`` as ``telemetry.histogram.stored`` keeps them: packed when 16 or more buckets
    are filled (the zeros' one included) and the indexes span at most four times as many, else
    an object."""
    zero = counts.get(-1, 0)
    indexes = sorted(i for i in counts if i >= 0)
    filled = len(indexes) + (1 if zero else 0)
    if filled >= 16 and indexes and indexes[-1] - indexes[0] + 1 <= 4 * filled:
        low = indexes[0]
        packed = [0] * (indexes[-1] - low + 1)
        for index in indexes:
            packed[index - low] = counts[index]
        return [zero, low, *packed]
    found: dict[str, int] = {str(i): counts[i] for i in indexes}
    if zero:
        found["z"] = zero
    return found


def _day(bucket: Any) -> Any:
    if isinstance(bucket, str):  # SQLite keeps naive UTC as ISO text
        return bucket[:10] + " 00:00:00.000000"
    assert isinstance(bucket, datetime)
    return bucket.replace(hour=0, minute=0, second=0, microsecond=0)


def _fill() -> None:
    bind = op.get_bind()
    is_pg = bind.dialect.name == "postgresql"
    hist = "CAST(latency_hist AS TEXT)" if is_pg else "latency_hist"
    columns = ", ".join(SUMS)
    rows = bind.execute(
        sa.text(
            f"SELECT bucket_start, system_key, model, {columns}, {hist} FROM {SOURCE}"  # noqa: S608
            " ORDER BY bucket_start"
        )
    )
    days: dict[tuple[Any, str, str], list[Any]] = {}
    for bucket, system_key, model, *values in rows:
        key = (_day(bucket), system_key, model)
        sums = days.setdefault(key, [0] * len(SUMS) + [{}])
        for i, value in enumerate(values[:-1]):
            sums[i] += value or 0
        for index, count in _unpacked(values[-1]).items():
            sums[-1][index] = sums[-1].get(index, 0) + count
    names = ["bucket_start", "system_key", "model", *SUMS, "latency_hist"]
    value = "CAST(:latency_hist AS JSONB)" if is_pg else ":latency_hist"
    placeholders = ", ".join(f":{n}" for n in names[:-1]) + f", {value}"
    insert = sa.text(f"INSERT INTO {TABLE} ({', '.join(names)}) VALUES ({placeholders})")  # noqa: S608
    batch: list[dict[str, Any]] = []
    for (day, system_key, model), sums in days.items():
        row = dict(zip(SUMS, sums[:-1], strict=True))
        batch.append(
            {
                "bucket_start": day,
                "system_key": system_key,
                "model": model,
                **row,
                "latency_hist": json.dumps(_stored(sums[-1])),
            }
        )
        if len(batch) == BATCH:
            bind.execute(insert, batch)
            batch = []
    if batch:
        bind.execute(insert, batch)


def upgrade() -> None:
    _create()
    _fill()
    op.drop_index("ix_telemetry_rollup_6h_cost", table_name=SOURCE)


def downgrade() -> None:
    op.create_index(
        "ix_telemetry_rollup_6h_cost",
        SOURCE,
        ["bucket_start", "system_key", "model", "cost"],
        unique=False,
        sqlite_where=sa.text("cost > 0"),
        postgresql_where=sa.text("cost > 0"),
    )
    op.drop_index("ix_telemetry_rollup_day_cost", table_name=TABLE)
    op.drop_table(TABLE)
