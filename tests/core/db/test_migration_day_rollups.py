"""Migration 0025 fills the day rollups from the six-hour ones an older aitower wrote."""

from __future__ import annotations

import json
import math
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import text

from aitower.core.db.engine import Database
from aitower.core.db.migrate import upgrade
from aitower.telemetry import histogram

SUMS = (
    "spans", "requests", "errors", "latency_sum_ms", "llm_calls", "llm_errors", "input_tokens",
    "output_tokens", "cache_read_tokens", "cache_write_tokens", "reasoning_tokens", "cost",
    "unpriced_calls", "unpriced_tokens",
)  # fmt: skip
DENSE = {str(i): 2 for i in range(20, 40)} | {"z": 1}  # 21 buckets filled: stored packed
SPARSE = {"12": 3, "95": 1}


def _six_hour_rows() -> list[dict[str, Any]]:
    """Two systems' cells: one day in four buckets (two models), one bucket the next day."""
    rows = []
    for hour, hist in ((0, DENSE), (6, SPARSE), (12, {}), (18, SPARSE)):
        for model, cost in (("", 0.0), ("gpt-4o", 0.25 + hour / 100)):
            rows.append(
                {"b": datetime(2026, 12, 1, hour, tzinfo=UTC), "s": "sys-a", "m": model,
                 "h": json.dumps(histogram.stored(hist)), "cost": cost, "n": hour + 1}
            )  # fmt: skip
    rows.append(
        {"b": datetime(2026, 12, 2, 6, tzinfo=UTC), "s": "service:chat", "m": "gpt-4o",
         "h": json.dumps(SPARSE), "cost": 1.5, "n": 7}
    )  # fmt: skip
    return rows


def _insert_six_hours(db: Database, rows: list[dict[str, Any]]) -> None:
    postgres = db.engine.dialect.name == "postgresql"
    hist = "CAST(:h AS JSONB)" if postgres else ":h"
    others = [c for c in SUMS if c not in ("cost", "spans", "llm_calls")]
    statement = text(
        "INSERT INTO telemetry_rollup_6h (bucket_start, system_key, model, latency_hist, cost,"
        f" spans, llm_calls, {', '.join(others)}) VALUES (:b, :s, :m, {hist}, :cost, :n, :n,"
        f" {', '.join('1' for _ in others)})"
    )
    with db.engine.begin() as conn:
        conn.execute(statement, rows)


def _day_rows(db: Database) -> dict[tuple[str, str, str], dict[str, Any]]:
    with db.engine.connect() as conn:
        found = conn.execute(
            text(
                "SELECT bucket_start, system_key, model, spans, requests, cost, latency_hist"
                " FROM telemetry_rollup_day"
            )
        ).mappings()
        return {(str(r["bucket_start"])[:10], r["system_key"], r["model"]): dict(r) for r in found}


def test_0025_sums_six_hour_cells_into_days_and_merges_their_histograms(
    empty_db: Database,
) -> None:
    upgrade(empty_db.engine, "0024")
    rows = _six_hour_rows()
    _insert_six_hours(empty_db, rows)
    upgrade(empty_db.engine)

    days = _day_rows(empty_db)
    assert set(days) == {
        ("2026-12-01", "sys-a", ""),
        ("2026-12-01", "sys-a", "gpt-4o"),
        ("2026-12-02", "service:chat", "gpt-4o"),
    }
    llm = days[("2026-12-01", "sys-a", "gpt-4o")]
    assert llm["spans"] == 1 + 7 + 13 + 19  # each bucket's n = hour + 1
    assert llm["requests"] == 4  # every cell wrote 1
    assert math.isclose(llm["cost"], sum(0.25 + h / 100 for h in (0, 6, 12, 18)))
    stored = llm["latency_hist"]
    stored = json.loads(stored) if isinstance(stored, str) else stored
    expected = histogram.merged([DENSE, SPARSE, {}, SPARSE])
    assert histogram.unpack(stored) == expected
    assert stored == histogram.stored(expected)  # packed as ingest would have written it
    day_two = days[("2026-12-02", "service:chat", "gpt-4o")]
    assert (day_two["spans"], day_two["cost"]) == (7, 1.5)
