"""Duplicate initiatives from storage: what reading the portfolio adds to the engine's time.

    .venv/bin/python bench/discovery_duplicates_store.py [--systems 2000] [--runs 3]

Registers ``--systems`` generated systems (``discovery_duplicates_data``, seed 18) in a fresh
SQLite database with 30 days of telemetry shape and a month of ledger cost each (where the
generator gives them), then times ``duplicate_clusters`` (inventory, rollups, spend, findings,
engine, decisions) beside ``find_duplicates`` alone on the same initiatives, best of ``--runs``.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from datetime import UTC, date, datetime, timedelta
from datetime import time as clock
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))
from discovery_duplicates_data import portfolio

from aitower.core.access import service as access
from aitower.core.access.principal import cli_principal
from aitower.core.audit.service import ChangeContext
from aitower.core.db.engine import Database
from aitower.core.db.migrate import upgrade
from aitower.discovery.duplicates import find_duplicates
from aitower.discovery.duplicates_service import _portfolio, duplicate_clusters
from aitower.inventory import service as inventory
from aitower.spend.tables import SpendRecordRow
from aitower.telemetry.tables import DayRollupRow

TODAY = date(2026, 6, 17)
CTX = ChangeContext(cli_principal("bench"))


def _rollup(system_id: Any, shape: dict[str, float]) -> DayRollupRow:
    calls = max(int(shape["calls_per_day"] * 30), 1)
    return DayRollupRow(
        bucket_start=datetime.combine(TODAY - timedelta(days=10), clock(), tzinfo=UTC),
        system_key=str(system_id), model="gpt-4o", spans=calls, requests=calls, errors=0,
        latency_sum_ms=0.0, latency_hist=None, llm_calls=calls, llm_errors=0,
        input_tokens=int(calls * shape["input_tokens_per_call"]),
        output_tokens=int(calls * shape["output_tokens_per_call"]), cache_read_tokens=0,
        cache_write_tokens=0, reasoning_tokens=0, cost=0.0, unpriced_calls=0, unpriced_tokens=0,
    )  # fmt: skip


def _load(db: Database, systems: list[dict[str, Any]]) -> None:
    with db.writing() as session:
        for unit in sorted({s["unit"] for s in systems}):
            access.create_unit(session, CTX, unit)
        for n, s in enumerate(systems):
            doc = {
                "name": f"{s['name']} #{n}", "kind": "llm_app", "unit": s["unit"],
                "stage": "monitoring", "purpose": s["purpose"], "notes": s["description"],
                "models": [{"provider": s["vendors"][0].lower(), "name": s["models"][0]}],
                "data_sources": [{"name": s["data_sources"][0], "classification": "internal"}],
            }  # fmt: skip
            made = inventory.create_system(session, CTX, doc)
            if s["telemetry"]:
                session.add(_rollup(made.id, s["telemetry"]))
            session.add(
                SpendRecordRow(
                    source="cloud", day_start=TODAY - timedelta(days=30), day_end=TODAY,
                    amount=s["monthly_cost"], currency="USD", billed_amount=s["monthly_cost"],
                    system_id=made.id, unit_id=made.unit_id, vendor="AWS",
                )
            )  # fmt: skip


def _best(run: Any, runs: int) -> tuple[float, Any]:
    best, result = float("inf"), None
    for _ in range(runs):
        began = time.perf_counter()
        result = run()
        best = min(best, time.perf_counter() - began)
    return best, result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--systems", type=int, default=2000)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        db = Database(f"sqlite:///{folder}/bench.db")
        upgrade(db.engine)
        began = time.perf_counter()
        _load(db, portfolio(args.systems, 18))
        print(f"registered {args.systems:,} systems in {time.perf_counter() - began:.1f} s")
        with db.reading() as session:
            whole, clusters = _best(
                lambda: duplicate_clusters(session, CTX.principal, TODAY), args.runs
            )
            read, found = _best(lambda: _portfolio(session, CTX.principal, TODAY), args.runs)
        engine, _ = _best(lambda: find_duplicates(found.initiatives), args.runs)
        db.dispose()
    print(
        f"duplicate_clusters (read + engine + decisions): {whole:.2f} s, {len(clusters)} clusters"
    )
    print(f"  reading the portfolio into initiatives:       {read:.2f} s")
    print(f"  find_duplicates alone:                        {engine:.2f} s")


if __name__ == "__main__":
    main()
