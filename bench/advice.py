"""How long optimisation advice takes on a large portfolio, on SQLite (and PostgreSQL).

    .venv/bin/python bench/advice.py [--systems 200] [--postgres URL]

Fills a database with N systems of three models each: 120 days of day rollups (the cost
of a year's rollups is the same: advice reads 30 days and 12 weeks of them), 120 scores per
model in the last 30 days, 600 recent LLM spans per system (a third reading the cache) and a
licence and an invoice per system in the ledger; then times ``advise`` for the whole portfolio
(the page's and the API's work, what an ops manager waits for), the median of five runs.

There is no product a user would run instead; as the reference for the statistics, the same
Welch tests are timed in ``scipy.stats.ttest_ind(equal_var=False)`` on the same samples, and
the ratio printed (ours / scipy).
"""

from __future__ import annotations

import argparse
import platform
import random
import statistics
import sys
import tempfile
import time
import uuid
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

from scipy import stats

from aitower.core.access.principal import cli_principal
from aitower.core.access.service import create_unit
from aitower.core.audit.service import ChangeContext
from aitower.core.db.engine import Database
from aitower.core.db.migrate import upgrade
from aitower.inventory import service as inventory
from aitower.portfolio.advice_service import AdviceFilter, advise
from aitower.portfolio.advice_stats import welch
from aitower.spend.tables import SpendRecordRow
from aitower.telemetry.tables import DayRollupRow, ScoreRow, SpanRow, TraceRow

NOW = datetime(2026, 6, 10, 12, tzinfo=UTC)
MODELS = (("gpt-4o", 0.004), ("gpt-4o-mini", 0.0004), ("claude-sonnet-4", 0.006))
CTX = ChangeContext(cli_principal("bench"))


def _systems(db: Database, count: int) -> list[uuid.UUID]:
    with db.writing() as session:
        units = [create_unit(session, CTX, f"Unit {i}").id for i in range(8)]
        return [
            inventory.create_system(
                session, CTX, {"name": f"system {i:04d}", "kind": "llm_app",
                               "unit": str(units[i % 8]), "stage": "monitoring"},
            ).id
            for i in range(count)
        ]  # fmt: skip


def _rollups(system: uuid.UUID, rng: random.Random) -> list[DayRollupRow]:
    """120 days of LLM usage per model, in the day rollups ingest writes."""
    rows = []
    today = NOW.replace(hour=0, minute=0, second=0, microsecond=0)
    for d in range(120):
        at = today - timedelta(days=d + 1)
        for model, per_call in MODELS:
            calls = rng.randint(80, 800)
            rows.append(
                DayRollupRow(
                    bucket_start=at, system_key=str(system), model=model, spans=calls,
                    requests=calls, errors=0, latency_sum_ms=0.0, latency_hist=[],
                    llm_calls=calls, llm_errors=0, input_tokens=calls * rng.randint(900, 1100),
                    output_tokens=0, cache_read_tokens=0, cache_write_tokens=0,
                    reasoning_tokens=0, cost=calls * per_call, unpriced_calls=0,
                    unpriced_tokens=0,
                )
            )  # fmt: skip
    return rows


def _scored(system: uuid.UUID, rng: random.Random, n: int) -> list[TraceRow | ScoreRow]:
    rows: list[TraceRow | ScoreRow] = []
    for model, _ in MODELS:
        for _ in range(n):
            tid = f"{rng.getrandbits(128):032x}"
            at = NOW - timedelta(hours=rng.uniform(1, 700))
            rows.append(
                TraceRow(
                    trace_id=tid, system_id=system, service_name="svc", root_name="chat",
                    start_time=at, end_time=at, duration_ms=1.0, span_count=1, llm_calls=1,
                    input_tokens=0, output_tokens=0, cost=0.0, unpriced_calls=0, error=False,
                    model=model,
                )
            )  # fmt: skip
            rows.append(
                ScoreRow(
                    id=uuid.uuid4(), kind="evaluation", trace_id=tid, span_id=None,
                    system_id=system, name="quality", score=rng.gauss(0.8, 0.1), label=None,
                    created_at=at,
                )
            )  # fmt: skip
    return rows


def _spans(system: uuid.UUID, rng: random.Random, n: int) -> list[SpanRow]:
    return [
        SpanRow(
            trace_id=f"{rng.getrandbits(128):032x}", span_id="1".rjust(16, "0"),
            parent_span_id=None, system_id=system, service_name="svc", name="chat", kind=3,
            span_type="llm", start_time=NOW - timedelta(hours=rng.uniform(0, 160)),
            duration_ms=1.0, status_code=0, provider="openai", model="gpt-4o-mini",
            input_tokens=2_000, output_tokens=50,
            cache_read_tokens=1_500 if i % 3 == 0 else None, cost=0.0,
            cost_source="catalog", attributes={},
        )
        for i in range(n)
    ]  # fmt: skip


def _ledger(system: uuid.UUID, i: int) -> list[SpendRecordRow]:
    start = date(2026, 6, 1)
    common = {"day_start": start, "day_end": date(2026, 7, 1), "system_id": system,
              "currency": "USD"}  # fmt: skip
    return [
        SpendRecordRow(id=uuid.uuid4(), source="licence", amount=3_900.0, billed_amount=3_900.0,
                       vendor="GitHub" if i % 2 else "Anysphere",
                       service="Copilot Business" if i % 2 else "Cursor", seats=100,
                       seats_in_use=60 + i % 40, **common),
        SpendRecordRow(id=uuid.uuid4(), source="invoice", amount=1_000.0, billed_amount=1_000.0,
                       vendor="Acme", service="Consulting", **common),
    ]  # fmt: skip


def fill(db: Database, count: int) -> None:
    rng = random.Random(17)
    for i, system in enumerate(_systems(db, count)):
        with db.writing() as session:
            session.add_all(_rollups(system, rng))
            session.add_all(_scored(system, rng, 120))
            session.add_all(_spans(system, rng, 600))
            session.add_all(_ledger(system, i))
        if i % 20 == 0:
            print(f"  filled {i + 1}/{count} systems", file=sys.stderr)


def _median_seconds(db: Database, runs: int = 5) -> tuple[float, int]:
    times, items = [], 0
    for _ in range(runs):
        began = time.perf_counter()
        with db.reading() as session:
            items = len(advise(session, cli_principal("bench"), AdviceFilter(), NOW).items)
        times.append(time.perf_counter() - began)
    return statistics.median(times), items


def _stats_ratio(count: int) -> tuple[float, float]:
    rng = random.Random(3)
    pairs = [([rng.gauss(0.8, 0.1) for _ in range(120)], [rng.gauss(0.8, 0.1) for _ in range(120)])
             for _ in range(count)]  # fmt: skip
    began = time.perf_counter()
    for a, b in pairs:
        welch(a, b)
    ours = time.perf_counter() - began
    began = time.perf_counter()
    for a, b in pairs:
        stats.ttest_ind(a, b, equal_var=False)
    return ours, time.perf_counter() - began


def measure(url: str, label: str, count: int) -> None:
    db = Database(url)
    upgrade(db.engine)
    began = time.perf_counter()
    fill(db, count)
    print(f"{label}: filled {count} systems in {time.perf_counter() - began:.1f} s")
    seconds, items = _median_seconds(db)
    print(f"{label}: advise over {count} systems: {seconds * 1000:.0f} ms median of 5, "
          f"{items} items")  # fmt: skip
    db.dispose()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--systems", type=int, default=200)
    parser.add_argument("--postgres", help="an empty PostgreSQL database's URL")
    args = parser.parse_args()
    print(f"{platform.processor() or platform.machine()}, Python {platform.python_version()}")
    with tempfile.TemporaryDirectory() as tmp:
        measure(f"sqlite:///{Path(tmp) / 'advice.db'}", "SQLite", args.systems)
    if args.postgres:
        measure(args.postgres, "PostgreSQL", args.systems)
    ours, scipy_s = _stats_ratio(args.systems * 3)
    print(f"Welch tests ({args.systems * 3}): aitower {ours * 1000:.1f} ms, "
          f"scipy {scipy_s * 1000:.1f} ms, ratio {ours / scipy_s:.2f}")  # fmt: skip


if __name__ == "__main__":
    main()
