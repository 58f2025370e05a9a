"""The cost report over a year: from rollups (aitower) vs from raw spans (the peer).

    .venv/bin/python bench/spend_report.py [--spans 10000000] [--systems 40] [--models 3]
        [--raw-spans 1000000] [--store sqlite|postgres|both] [--repeat 5]

Issue 17's figure: "cost report over 10M spans and a year of imported bills: under 200 ms from
rollups, on both databases". The script writes what ingest would have written for
``--spans`` LLM spans spread over 365 days (``--systems`` systems, up to ``--models`` models
each): the day rollup cells, every day × system × model filled (the rollup's size does not
grow with the span count once every cell has traffic), plus the non-LLM cells of each system's
root spans; and a year of imported bills in the ledger: a cloud bill aggregated per
day × system × 3 services (as the imports store it), a monthly invoice per vendor and a
yearly licence. Timed: ``spend.over_time_report.report`` (what ``/api/v1/spend/costs`` and
``/cost/spend`` run) for an organisation-wide reader, a year, monthly by system and daily by
vendor; median of ``--repeat``.

The peer is the same report computed from raw spans (``telemetry_spans``: a ``GROUP BY`` day,
system and model over the year, then the same Python): what a tool without rollups does.
Writing 10M raw spans takes longer than this machine has to spare, so ``--raw-spans`` of them
are written (1M by default) and timed; the ratio printed is raw(``--raw-spans``) ÷
rollups(``--spans``), a lower bound of the true ratio (raw work grows with the span count).
"""

from __future__ import annotations

import argparse
import random
import statistics
import sys
import tempfile
import time
import uuid
from collections.abc import Callable, Iterator
from datetime import UTC, date, datetime, timedelta
from datetime import time as dtime
from pathlib import Path

from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from sqlalchemy import func, insert, select
from sqlalchemy.orm import Session

sys.path.insert(0, str(Path(__file__).resolve().parent))
from ingest_servers import fresh_postgres

from aitower.core.access import service as access
from aitower.core.access.principal import cli_principal
from aitower.core.audit.service import ChangeContext
from aitower.core.db.engine import Database
from aitower.core.db.migrate import upgrade
from aitower.inventory import service as inventory
from aitower.spend import over_time_report as reports
from aitower.spend.costs import day_of
from aitower.spend.over_time import Grain, GroupBy, build_report
from aitower.spend.tables import SpendRecordRow
from aitower.telemetry.tables import DayRollupRow, SpanRow
from telemetry_ingest import _machine

CTX = ChangeContext(cli_principal("bench"))
END = date(2026, 12, 1)
START = END - timedelta(days=365)
POSTGRES = "postgresql+psycopg://postgres@127.0.0.1:5432/postgres"
MODELS = ("gpt-4o-mini", "gpt-4.1", "claude-sonnet-4", "gemini-2.5-pro", "mistral-large-2512")
BATCH = 20_000
console = Console()


def _bar() -> Progress:
    return Progress(
        TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(),
        TimeElapsedColumn(), console=console, transient=True,
    )  # fmt: skip


def _systems(db: Database, count: int) -> list[uuid.UUID]:
    with db.writing() as session:
        unit = access.create_unit(session, CTX, "Bench")
        return [
            inventory.create_system(
                session, CTX, {"name": f"system {i:03d}", "kind": "llm_app", "unit": str(unit.id)}
            ).id
            for i in range(count)
        ]


def _insert(db: Database, table: object, rows: Iterator[dict[str, object]], total: int,
            title: str) -> None:  # fmt: skip
    with _bar() as bar:
        task = bar.add_task(title, total=total)
        batch: list[dict[str, object]] = []
        for row in rows:
            batch.append(row)
            if len(batch) == BATCH:
                with db.writing() as session:
                    session.execute(insert(table), batch)  # type: ignore[arg-type]
                bar.advance(task, len(batch))
                batch = []
        if batch:
            with db.writing() as session:
                session.execute(insert(table), batch)  # type: ignore[arg-type]
            bar.advance(task, len(batch))


Rows = Callable[[], Iterator[dict[str, object]]]


def _cells(
    systems: list[uuid.UUID], models: int, spans: int
) -> tuple[int, Callable[[], Iterator[dict[str, object]]]]:
    """The day cells ``spans`` LLM spans over the year fill (every cell has traffic)."""
    rng = random.Random(17)
    mine = {s: rng.sample(MODELS, rng.randint(1, models)) for s in systems}
    llm_cells = sum(len(m) for m in mine.values()) * 365
    per_cell = max(1, spans // llm_cells)
    total = llm_cells + len(systems) * 365

    def rows() -> Iterator[dict[str, object]]:
        for d in range(365):
            bucket = datetime.combine(START + timedelta(days=d), dtime(), tzinfo=UTC)
            for system in systems:
                base = {"bucket_start": bucket, "system_key": str(system), "errors": 0,
                        "latency_sum_ms": 0.0, "latency_hist": None, "llm_errors": 0,
                        "cache_read_tokens": 0, "cache_write_tokens": 0,
                        "reasoning_tokens": 0, "unpriced_calls": 0,
                        "unpriced_tokens": 0}  # fmt: skip
                yield {**base, "model": "", "spans": per_cell, "requests": per_cell,
                       "llm_calls": 0, "input_tokens": 0, "output_tokens": 0,
                       "cost": 0.0}  # fmt: skip
                for model in mine[system]:
                    yield {**base, "model": model, "spans": per_cell, "requests": 0,
                           "llm_calls": per_cell, "input_tokens": 800 * per_cell,
                           "output_tokens": 200 * per_cell,
                           "cost": per_cell * rng.uniform(0.0005, 0.01)}  # fmt: skip

    return total, rows


def _ledger(systems: list[uuid.UUID]) -> tuple[int, Rows]:
    services = ("Amazon Bedrock", "Amazon EC2", "Amazon S3")
    total = 365 * len(systems) * len(services) + 12 * 3 + 1

    def rows() -> Iterator[dict[str, object]]:
        rng = random.Random(4)
        base = {"currency": "USD", "unit_id": None, "model": "", "matched_by": "",
                "description": "", "account": "123456789012"}  # fmt: skip
        for d in range(365):
            day = START + timedelta(days=d)
            for system in systems:
                for service in services:
                    amount = rng.uniform(1, 50)
                    yield {**base, "id": uuid.uuid4(), "source": "cloud", "day_start": day,
                           "day_end": day + timedelta(days=1), "amount": amount,
                           "billed_amount": amount, "system_id": system, "vendor": "AWS",
                           "service": service}  # fmt: skip
        month = START.replace(day=1)
        for _ in range(12):
            following = (month + timedelta(days=32)).replace(day=1)
            for vendor in ("Acme AI", "Contoso", "Initech"):
                yield {**base, "id": uuid.uuid4(), "source": "invoice", "day_start": month,
                       "day_end": following, "amount": 5000.0, "billed_amount": 5000.0,
                       "system_id": None, "vendor": vendor, "service": ""}  # fmt: skip
            month = following
        yield {**base, "id": uuid.uuid4(), "source": "licence", "day_start": START,
               "day_end": END, "amount": 300 * 19 * 12.0, "billed_amount": 300 * 19 * 12.0,
               "system_id": None, "vendor": "GitHub", "service": "Copilot"}  # fmt: skip

    return total, rows


def _raw_spans(systems: list[uuid.UUID], count: int) -> Rows:
    def rows() -> Iterator[dict[str, object]]:
        rng = random.Random(9)
        seconds = 365 * 86_400
        for i in range(count):
            start = datetime.combine(START, dtime(), tzinfo=UTC) + timedelta(
                seconds=rng.randrange(seconds)
            )
            yield {"trace_id": f"{i:032x}", "span_id": f"{i:016x}", "parent_span_id": None,
                   "system_id": systems[i % len(systems)], "service_name": "bench",
                   "name": "chat", "kind": 3, "span_type": "llm", "start_time": start,
                   "duration_ms": 800.0, "status_code": 0, "status_message": "",
                   "model": MODELS[i % len(MODELS)], "input_tokens": 800, "output_tokens": 200,
                   "cost": rng.uniform(0.0005, 0.01), "cost_source": "catalog",
                   "attributes": {}}  # fmt: skip

    return rows


def _report(db: Database, grain: Grain, group_by: GroupBy) -> int:
    with db.reading() as session:
        scope = reports.cost_scope(session, CTX.principal)
        found = reports.report(session, scope, START, END, grain, group_by)
    return len(found.groups)


def _raw_report(db: Database) -> int:
    """Monthly by system from raw spans (+ the same ledger reading as aitower)."""
    with db.reading() as session:
        scope = reports.cost_scope(session, CTX.principal)
        day = day_of(session, SpanRow.start_time)
        query = (
            select(day, SpanRow.system_id, SpanRow.model, func.sum(SpanRow.cost))
            .where(SpanRow.start_time >= _midnight(START), SpanRow.start_time < _midnight(END),
                   SpanRow.cost > 0)
            .group_by(day, SpanRow.system_id, SpanRow.model)
        )  # fmt: skip
        cells = [(date.fromisoformat(d), str(s), float(c)) for d, s, _, c in session.execute(query)]
        ledger = _ledger_cells(session, scope)
    found = build_report(cells + ledger, {}, START, END, Grain.monthly, GroupBy.system)
    return len(found.groups)


def _ledger_cells(session: Session, scope: reports.CostScope) -> list[tuple[date, str, float]]:
    from aitower.spend.costs import ledger_lines

    lines = ledger_lines(session, START, END, scope.system_ids, scope.unit_ids)
    return [(ln.day, str(ln.system_id or ""), ln.amount) for ln in lines]


def _midnight(day: date) -> datetime:
    return datetime.combine(day, dtime(), tzinfo=UTC)


def _median_ms(run: Callable[[], object], repeat: int) -> float:
    """Median wall-clock milliseconds; this process's CPU milliseconds go to ``CPU`` (on
    SQLite, in-process, the CPU time is the query's whole work, whatever the machine's load)."""
    run()  # warm: caches, the planner's statistics
    times, cpu = [], []
    for _ in range(repeat):
        began, began_cpu = time.perf_counter(), time.process_time()
        run()
        times.append((time.perf_counter() - began) * 1000)
        cpu.append((time.process_time() - began_cpu) * 1000)
    CPU.append(statistics.median(cpu))
    return statistics.median(times)


CPU: list[float] = []


def _one_store(url: str, args: argparse.Namespace) -> dict[str, float]:
    db = Database(url)
    upgrade(db.engine)
    systems = _systems(db, args.systems)
    began = time.perf_counter()
    total, cells = _cells(systems, args.models, args.spans)
    _insert(db, DayRollupRow.__table__, cells(), total, "rollup cells")
    total, bills = _ledger(systems)
    _insert(db, SpendRecordRow.__table__, bills(), total, "ledger rows")
    _insert(db, SpanRow.__table__, _raw_spans(systems, args.raw_spans)(), args.raw_spans,
            "raw spans")  # fmt: skip
    if db.engine.dialect.name == "postgresql":
        with db.engine.connect() as conn:
            conn.exec_driver_sql("ANALYZE")
    setup = time.perf_counter() - began
    CPU.clear()
    figures = {
        "setup_s": setup,
        "monthly_by_system_ms": _median_ms(
            lambda: _report(db, Grain.monthly, GroupBy.system), args.repeat
        ),
        "daily_by_vendor_ms": _median_ms(
            lambda: _report(db, Grain.daily, GroupBy.vendor), args.repeat
        ),
        "raw_monthly_by_system_ms": _median_ms(lambda: _raw_report(db), max(1, args.repeat // 2)),
    }  # fmt: skip
    figures["monthly_cpu_ms"], figures["daily_cpu_ms"], figures["raw_cpu_ms"] = CPU
    with db.reading() as session:
        figures["rollup_rows"] = session.scalar(select(func.count()).select_from(DayRollupRow))
        figures["ledger_rows"] = session.scalar(select(func.count()).select_from(SpendRecordRow))
    db.dispose()
    return figures


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--spans", type=int, default=10_000_000)
    parser.add_argument("--systems", type=int, default=40)
    parser.add_argument("--models", type=int, default=3)
    parser.add_argument("--raw-spans", type=int, default=1_000_000)
    parser.add_argument("--store", choices=("sqlite", "postgres", "both"), default="both")
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    console.print(f"[bold]Spend report[/] on {_machine()}; {args.spans:,} spans over 365 days, "
                  f"{args.systems} systems; raw peer on {args.raw_spans:,} spans")  # fmt: skip
    stores = ("sqlite", "postgres") if args.store == "both" else (args.store,)
    for store in stores:
        if store == "sqlite":
            with tempfile.TemporaryDirectory() as tmp:
                figures = _one_store(f"sqlite:///{tmp}/spend.db", args)
        else:
            url, drop = fresh_postgres(POSTGRES, "aitower_bench_spend")
            try:
                figures = _one_store(url, args)
            finally:
                drop()
        ratio = figures["raw_monthly_by_system_ms"] / figures["monthly_by_system_ms"]
        console.print(
            f"{store}: {figures['rollup_rows']:,} rollup cells, {figures['ledger_rows']:,} ledger "
            f"rows (setup {figures['setup_s']:.0f} s)\n"
            f"  report from rollups, a year monthly by system: "
            f"{figures['monthly_by_system_ms']:.0f} ms (target < 200 ms; "
            f"CPU of this process {figures['monthly_cpu_ms']:.0f} ms)\n"
            f"  report from rollups, a year daily by vendor:   "
            f"{figures['daily_by_vendor_ms']:.0f} ms (CPU {figures['daily_cpu_ms']:.0f} ms)\n"
            f"  same report from {args.raw_spans:,} raw spans:  "
            f"{figures['raw_monthly_by_system_ms']:.0f} ms (CPU {figures['raw_cpu_ms']:.0f} ms)"
            f" → rollups are {ratio:.1f}× faster"
        )  # fmt: skip


if __name__ == "__main__":
    main()
