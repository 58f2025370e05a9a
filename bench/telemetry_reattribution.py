"""Registration re-attribution at a million stored spans: wall time, peak memory, longest chunk.

    .venv/bin/python bench/telemetry_reattribution.py [--spans 1000000] [--stores sqlite]

Stores ``--spans`` spans of one unregistered service (agent traces of four spans: an agent root,
two priced chat calls and a tool call, spread over the last 30 days, a user and a session each)
through ``store_spans`` (so the rollups are those ingest keeps), then registers a system that
claims the service through the inventory service, and times the move of its whole history in a
fresh process (``reattribution.run_pending`` without a time budget: what ``aitower telemetry
reattribute`` runs). Figures: wall time, spans moved per second, the peak resident memory of
that process, and the longest chunk (one write transaction: the longest ingest waits for its
turn meanwhile). The result is checked: every span, trace and rollup row under the system.
"""

from __future__ import annotations

import argparse
import json
import random
import resource
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from datetime import timedelta
from pathlib import Path

from rich.console import Console
from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table
from sqlalchemy import func, select

sys.path.insert(0, str(Path(__file__).resolve().parent))
from ingest_servers import fresh_postgres

from aitower.core.access import service as access
from aitower.core.access.principal import cli_principal
from aitower.core.audit.service import ChangeContext
from aitower.core.db.base import utcnow
from aitower.core.db.engine import Database
from aitower.core.db.migrate import upgrade
from aitower.inventory import service as inventory
from aitower.telemetry import reattribution
from aitower.telemetry.ingest import store_spans
from aitower.telemetry.records import DecodedSpan
from aitower.telemetry.tables import AttributionRow, HourRollupRow, SpanRow, TraceRow
from telemetry_ingest import _machine

POSTGRES = "postgresql+psycopg://postgres@127.0.0.1:5432/postgres"
SERVICE = "legacy-bot"
BATCH_TRACES = 1000
console = Console(width=160)


def _trace(rng: random.Random, start_ns: int, index: int) -> list[DecodedSpan]:
    trace_id = f"{rng.getrandbits(128):032x}"
    root = f"{rng.getrandbits(64):016x}"
    resource_attrs = {"service.name": SERVICE}
    user = {"user.id": f"user-{index % 500}", "session.id": f"s-{index // 3}"}
    spans = [
        DecodedSpan(
            resource_attrs,
            "bench",
            trace_id,
            root,
            None,
            "invoke_agent support",
            1,
            start_ns,
            start_ns + 900_000_000,
            2 if index % 50 == 0 else 0,
            "",
            {"gen_ai.operation.name": "invoke_agent", **user},
        )
    ]
    offset = start_ns + 10_000_000
    for _ in range(2):
        duration = int(rng.lognormvariate(19.5, 0.4))
        attrs = {
            "gen_ai.operation.name": "chat",
            "gen_ai.provider.name": "openai",
            "gen_ai.request.model": "gpt-4o-mini",
            "gen_ai.usage.input_tokens": 800 + rng.randrange(400),
            "gen_ai.usage.output_tokens": 100 + rng.randrange(200),
        }
        span_id = f"{rng.getrandbits(64):016x}"
        spans.append(
            DecodedSpan(
                resource_attrs,
                "bench",
                trace_id,
                span_id,
                root,
                "chat gpt-4o-mini",
                3,
                offset,
                offset + duration,
                0,
                "",
                attrs,
            )
        )
        offset += duration
    tool = f"{rng.getrandbits(64):016x}"
    spans.append(
        DecodedSpan(
            resource_attrs,
            "bench",
            trace_id,
            tool,
            root,
            "execute_tool lookup",
            1,
            offset,
            offset + 5_000_000,
            0,
            "",
            {"gen_ai.operation.name": "execute_tool"},
        )
    )
    return spans


def _load(url: str, spans: int) -> None:
    db = Database(url)
    upgrade(db.engine)
    rng = random.Random(7)
    traces = spans // 4
    now_ns = int(utcnow().timestamp() * 1e9)
    window = int(timedelta(days=30).total_seconds() * 1e9)
    columns = (
        TextColumn("storing spans"),
        BarColumn(),
        TextColumn("{task.completed:,}/{task.total:,}"),
    )
    with Progress(*columns, TimeElapsedColumn(), console=console) as progress:
        task = progress.add_task("store", total=traces * 4)
        began = time.perf_counter()
        for first in range(0, traces, BATCH_TRACES):
            batch = [
                span
                for index in range(first, min(traces, first + BATCH_TRACES))
                for span in _trace(rng, now_ns - window + index * window // traces, index)
            ]
            store_spans(db, batch)
            progress.update(task, advance=len(batch))
    console.print(f"stored {traces * 4:,} spans in {time.perf_counter() - began:.0f} s")
    ctx = ChangeContext(cli_principal("bench"))
    with db.writing() as session:
        unit = access.create_unit(session, ctx, "Customer Support")
        inventory.create_system(
            session,
            ctx,
            {
                "name": "Legacy bot",
                "kind": "llm_app",
                "unit": str(unit.id),
                "stage": "deployment",
                "services": [SERVICE],
            },
        )
    db.dispose()


# What a step of a registration does, by the move's sweep before it.
_STEP_KINDS = {0: "spans, first sweep", 1: "spans, second sweep", 2: "rollup rows"}


def _move(url: str) -> None:
    """The child process: move the history, print figures as JSON."""
    db = Database(url)
    chunks: list[float] = []
    began = time.perf_counter()
    reattribution.plan(db)
    longest: dict[str, float] = {}
    for name in reattribution.running(db):
        while True:
            with db.reading() as session:
                row = session.get(AttributionRow, name)
                kind = _STEP_KINDS.get(row.sweep if row else 2, "rollup rows")
            start = time.perf_counter()
            more = reattribution.step(db, name, "bench")
            chunks.append(time.perf_counter() - start)
            longest[kind] = max(longest.get(kind, 0.0), chunks[-1])
            if not more:
                break
    wall = time.perf_counter() - began
    with db.reading() as session:
        moved = session.get(AttributionRow, SERVICE)
        left = session.scalar(select(func.count()).where(SpanRow.system_id.is_(None)))
        traces_left = session.scalar(select(func.count()).where(TraceRow.system_id.is_(None)))
        rollups_left = session.scalar(
            select(func.count()).where(HourRollupRow.system_key == f"service:{SERVICE}")
        )
    assert moved is not None and left == 0 and traces_left == 0 and rollups_left == 0
    peak_kib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    print(
        json.dumps(
            {
                "wall": wall,
                "spans": moved.spans_moved,
                "traces": moved.traces_moved,
                "chunks": len(chunks),
                "chunk_median": statistics.median(chunks),
                "chunk_max": max(chunks),
                "longest_by_kind": longest,
                "peak_mib": peak_kib / 1024,
            }
        )
    )
    db.dispose()


def _run(store: str, url: str, spans: int) -> dict[str, float]:
    _load(url, spans)
    console.print("moving the history to the registered system …")
    child = subprocess.run(
        [sys.executable, __file__, "--move", url], capture_output=True, text=True, check=True
    )
    figures: dict[str, float] = json.loads(child.stdout.strip().splitlines()[-1])
    figures["store"] = store  # type: ignore[assignment]
    return figures


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--spans", type=int, default=1_000_000)
    parser.add_argument("--stores", default="sqlite", help="sqlite, postgres, or both")
    parser.add_argument("--postgres", default=POSTGRES)
    parser.add_argument("--move", help=argparse.SUPPRESS)  # the child process's database
    args = parser.parse_args()
    if args.move:
        _move(args.move)
        return
    stores = ["sqlite", "postgres"] if args.stores == "both" else [args.stores]
    results = []
    for store in stores:
        with tempfile.TemporaryDirectory(prefix="aitower-bench-") as home:
            if store == "sqlite":
                results.append(_run(store, f"sqlite:///{home}/bench.db", args.spans))
            else:
                url, drop = fresh_postgres(args.postgres, f"bench_reattr_{uuid.uuid4().hex[:8]}")
                try:
                    results.append(_run(store, url, args.spans))
                finally:
                    drop()
    table = Table(title=f"Re-attribution of one service's history ({_machine()})")
    for column in (
        "store",
        "spans",
        "traces",
        "wall",
        "spans/s",
        "peak RSS",
        "chunks",
        "chunk median",
        "chunk max",
        "longest, by kind of step",
    ):
        table.add_column(column)
    for r in results:
        table.add_row(
            str(r["store"]),
            f"{r['spans']:,.0f}",
            f"{r['traces']:,.0f}",
            f"{r['wall']:.1f} s",
            f"{r['spans'] / r['wall']:,.0f}",
            f"{r['peak_mib']:.0f} MiB",
            f"{r['chunks']:,.0f}",
            f"{r['chunk_median'] * 1000:.0f} ms",
            f"{r['chunk_max'] * 1000:.0f} ms",
            ", ".join(f"{k} {v * 1000:.0f} ms" for k, v in r["longest_by_kind"].items()),
        )
    console.print(table)


if __name__ == "__main__":
    main()
