"""OTLP trace ingest, side by side: aitower, Arize Phoenix and MLflow's tracking server.

    .venv/bin/python bench/telemetry_ingest.py [--spans 20000] [--batch 512] [--concurrency 4]
        [--peers phoenix,mlflow] [--stores sqlite,postgres] [--transport http,grpc]
        [--scan on|off|off,on] [--kill-test] [--json-out FILE]

The same LLM agent traces (``otlp_workload``: 4 spans a trace, GenAI and OpenInference attributes,
~300-character messages) are encoded once into OTLP/HTTP protobuf bodies of ``--batch`` spans, then
posted by ``--concurrency`` keep-alive connections to each server in turn (aitower over each
``--transport``: OTLP/HTTP, or OTLP/gRPC with the same bytes as the request message), each started
on loopback over a fresh store (``ingest_servers``). A run is timed from the first request until
every span is acknowledged and counted in the server's span table, so the figure is the server's,
not the client's. The peers are installed from PyPI into venvs of their own
(``bench/.peer-venv-phoenix``, ``bench/.peer-venv-mlflow``) on first run.

``--scan off,on`` runs aitower twice per store and transport, without and with the detectors
on every stored text (``AITOWER_TELEMETRY_SCAN_CONTENT``; the workload's service is no registered
system, so the server default applies), and reports what scanning costs (#16: at most 25 %).

Also measured: the ceiling (``otlp_ceiling``: decode + one SQLite transaction per body, no server);
the peak resident memory of each server's process tree during its run; and with ``--kill-test``, on
a second fresh store, how many acknowledged spans survive a SIGKILL sent right after the last
acknowledgement and a restart.
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import platform
import subprocess
import tempfile
import time
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import ingest_servers as servers
from ingest_servers import Server, process_tree_cpu, process_tree_rss
from opentelemetry.proto.collector.trace.v1.trace_service_pb2 import ExportTraceServiceRequest
from otlp_ceiling import ceiling
from otlp_load import IngestRefused, LoadState, start_load
from otlp_workload import Workload, make_workload
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

console = Console()
POSTGRES = "postgresql+psycopg://postgres@127.0.0.1:5432/postgres"
POLL_S = 0.05
STALL_S = 120.0


def _spans_per_body(workload: Workload) -> list[int]:
    return [
        sum(
            len(s.spans)
            for r in ExportTraceServiceRequest.FromString(b).resource_spans
            for s in r.scope_spans
        )
        for b in workload.bodies
    ]


def _preflight(server: Server) -> None:
    """An empty export request: tells a missing endpoint (404) before timing (aitower only:
    MLflow answers 400 to a request without spans)."""
    load, threads = start_load(
        server.url,
        [b""],
        [0],
        server.headers,
        concurrency=1,
        path=server.ingest_path,
        grpc_target=_grpc_target(server),
    )
    for thread in threads:
        thread.join()
    if load.error is not None:
        raise load.error


def _grpc_target(server: Server) -> str | None:
    return f"127.0.0.1:{server.grpc_port}" if server.transport == "grpc" else None


def _progress() -> Progress:
    return Progress(
        TextColumn("{task.description:<34}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        console=console,
        transient=False,
    )


def _ingest(
    server: Server, workload: Workload, per_body: list[int], concurrency: int, kill: bool
) -> dict[str, Any]:
    """Post everything; until stored (throughput run) or until the last ack, then SIGKILL."""
    assert server.proc is not None
    label = f"{server.name} ({_store(server)})" + (", kill test" if kill else "")
    peak = process_tree_rss(server.proc.pid)
    cpu_before = process_tree_cpu(server.proc.pid)
    with _progress() as progress:
        acked = progress.add_task(f"{label}: acknowledged", total=workload.spans)
        stored = progress.add_task(f"{label}: stored", total=workload.spans)
        started = time.perf_counter()
        load, _ = start_load(
            server.url,
            workload.bodies,
            per_body,
            server.headers,
            concurrency=concurrency,
            path=server.ingest_path,
            grpc_target=_grpc_target(server),
        )
        count, last_change, all_stored, cpu = 0, started, 0.0, 0.0
        while True:
            time.sleep(POLL_S)
            if kill and load.done:
                server.kill()
                progress.update(acked, completed=load.acknowledged_spans)
                break
            peak = max(peak, process_tree_rss(server.proc.pid))
            now_count = server.count()
            now = time.perf_counter()
            if now_count != count:
                count, last_change = now_count, now
            progress.update(acked, completed=load.acknowledged_spans)
            progress.update(stored, completed=count)
            if load.error is not None:
                raise load.error
            if load.done and count >= workload.spans:
                all_stored = max(now, load.last_ack)
                cpu = process_tree_cpu(server.proc.pid) - cpu_before
                break
            if load.done and now - last_change > STALL_S:
                break
    return _result(server, workload, load, started, all_stored, count, peak, cpu)


def _result(
    server: Server,
    workload: Workload,
    load: LoadState,
    started: float,
    all_stored: float,
    count: int,
    peak: int,
    cpu: float,
) -> dict[str, Any]:
    acked_s = load.last_ack - started
    result: dict[str, Any] = {
        "server": server.name,
        "store": _store(server),
        "spans": workload.spans,
        "acknowledged": load.acknowledged_spans,
        "acknowledged_s": acked_s,
        "acknowledged_spans_per_s": load.acknowledged_spans / acked_s if acked_s else None,
        "stored": count,
        "retries": load.retries,
        "peak_rss_mb": peak / 2**20,
    }
    if all_stored:
        result["stored_s"] = all_stored - started
        result["spans_per_s"] = workload.spans / (all_stored - started)
        # CPU time of the server's processes per span: steadier than wall time on a shared VM,
        # and it counts work done on every core.
        result["cpu_us_per_span"] = cpu / workload.spans * 1e6
    return result


def _store(server: Server) -> str:
    """The store, and the transport where it is not OTLP/HTTP (the report's column)."""
    return server.store + (", gRPC" if server.transport == "grpc" else "")


def _wait_stable(count: Callable[[], int], quiet_s: float = 3.0, limit_s: float = 120.0) -> int:
    """The span count once it has not moved for ``quiet_s`` (a restarted server may replay)."""
    value, since, deadline = count(), time.monotonic(), time.monotonic() + limit_s
    while time.monotonic() - since < quiet_s and time.monotonic() < deadline:
        time.sleep(0.25)
        now = count()
        if now != value:
            value, since = now, time.monotonic()
    return value


def _run(
    make: Callable[[], Server],
    workload: Workload,
    per_body: list[int],
    concurrency: int,
    kill: bool,
) -> dict[str, Any]:
    server = make()
    try:
        server.start()
        if server.name == "MLflow":
            servers.mlflow_experiment(server)
        if server.name == "aitower":
            _preflight(server)
        result = _ingest(server, workload, per_body, concurrency, kill)
        if kill:
            server.start()
            result["survived"] = _wait_stable(server.count)
            console.print(
                f"  {server.name} ({server.store}): {result['survived']:,} of "
                f"{result['acknowledged']:,} acknowledged spans survived SIGKILL + restart"
            )
        return result
    except (IngestRefused, OSError, http.client.HTTPException) as exc:
        console.print(f"[bold red]{server.name} ({server.store}): {exc!r}[/]")
        return {"server": server.name, "store": server.store, "error": str(exc)}
    finally:
        server.stop()


def _makers(
    args: argparse.Namespace, work: Path, drops: list[Callable[[], None]], largest: int
) -> list[Callable[[], Server]]:
    """One factory per server of the run; each call starts over on a fresh store."""
    makers: list[Callable[[], Server]] = []
    counter = iter(range(1_000_000))

    def folder() -> Path:
        path = work / f"run-{next(counter)}"
        path.mkdir()
        return path

    def aitower_sqlite() -> Server:
        home = folder()
        return servers.aitower(home, "SQLite", f"sqlite:///{home / 'aitower.db'}", largest)

    def aitower_postgres() -> Server:
        url, drop = servers.fresh_postgres(
            args.postgres, f"aitower_ingest_{os.getpid()}_{len(drops)}"
        )
        drops.append(drop)
        return servers.aitower(folder(), "PostgreSQL", url, largest)

    def over(transport: str, scan: str, make: Callable[[], Server]) -> Callable[[], Server]:
        def made() -> Server:
            server = make()
            server.transport = transport
            server.env["AITOWER_TELEMETRY_SCAN_CONTENT"] = "1" if scan == "on" else "0"
            if len(args.scan) > 1:
                server.store += f", scan {scan}"
            return server

        return made

    stores = {"sqlite": aitower_sqlite, "postgres": aitower_postgres}
    makers += [
        over(t, scan, stores[s])
        for s in args.stores
        if s
        for t in args.transport
        for scan in args.scan
    ]
    peers = {
        "phoenix": lambda: servers.phoenix(folder()),
        "mlflow": lambda: servers.mlflow(folder()),
    }
    makers += [peers[p] for p in args.peers if p]
    return makers


def _parse() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n")[0])
    parser.add_argument("--spans", type=int, default=20_000, help="spans to send (4 per trace)")
    parser.add_argument("--batch", type=int, default=512, help="spans per OTLP request")
    parser.add_argument("--concurrency", type=int, default=4, help="posting connections")
    parser.add_argument("--peers", default="phoenix,mlflow", help="phoenix, mlflow, or ''")
    parser.add_argument("--stores", default="sqlite,postgres", help="aitower stores, or ''")
    parser.add_argument(
        "--transport", default="http", help="aitower's OTLP transports: http, grpc, or http,grpc"
    )
    parser.add_argument(
        "--scan", default="on", help="aitower's scanning at ingest: on, off, or off,on (both)"
    )
    parser.add_argument("--postgres", default=POSTGRES, help="server to create a database on")
    parser.add_argument("--kill-test", action="store_true", help="also SIGKILL after last ack")
    parser.add_argument("--no-ceiling", action="store_true")
    parser.add_argument("--json-out", type=Path)
    args = parser.parse_args()
    args.peers = [p.strip() for p in args.peers.split(",") if p.strip()]
    args.stores = [s.strip() for s in args.stores.split(",") if s.strip()]
    args.transport = [t.strip() for t in args.transport.split(",") if t.strip()]
    if not set(args.transport) <= {"http", "grpc"}:
        parser.error("--transport takes http, grpc, or both")
    args.scan = [t.strip() for t in args.scan.split(",") if t.strip()]
    if not args.scan or not set(args.scan) <= {"on", "off"}:
        parser.error("--scan takes on, off, or off,on")
    return args


def main() -> None:
    args = _parse()
    with console.status("encoding the workload once"):
        workload = make_workload(args.spans, args.batch)
        per_body = _spans_per_body(workload)
    console.print(
        f"{workload.spans:,} spans in {workload.traces:,} traces ({workload.llm_spans:,} LLM "
        f"calls), {len(workload.bodies)} OTLP protobuf bodies of up to {args.batch} spans, "
        f"{sum(map(len, workload.bodies)) / 2**20:.1f} MiB"
    )
    report: dict[str, Any] = {
        "machine": _machine(),
        "date": datetime.now(UTC).isoformat(),
        "spans": workload.spans,
        "batch": args.batch,
        "concurrency": args.concurrency,
        "runs": [],
        "kill_tests": [],
    }
    drops: list[Callable[[], None]] = []
    with tempfile.TemporaryDirectory(prefix="ingest-bench-") as tmp:
        work = Path(tmp)
        try:
            if not args.no_ceiling:
                report["ceiling"] = ceiling(workload.bodies, work)
                console.print(
                    f"ceiling (decode + SQLite insert, no server): "
                    f"{report['ceiling']['spans_per_s']:,.0f} spans/s"
                )
            makers = _makers(args, work, drops, max(map(len, workload.bodies)))
            for make in makers:
                report["runs"].append(_run(make, workload, per_body, args.concurrency, False))
            if args.kill_test:
                for make in makers:
                    report["kill_tests"].append(
                        _run(make, workload, per_body, args.concurrency, True)
                    )
        finally:
            for drop in drops:
                drop()
    report["scan_cost"] = _scan_cost(report["runs"])
    _print_report(report)
    for store, cost in report["scan_cost"].items():
        console.print(
            f"scanning at ingest ({store}): {cost['throughput_lost']:.1%} of the throughput "
            f"without it; server CPU per span +{cost['cpu_added']:.1%}"
        )
    if args.json_out:
        args.json_out.write_text(json.dumps(report, indent=2))


def _scan_cost(runs: list[dict[str, Any]]) -> dict[str, dict[str, float]]:
    """Per store (and transport), what scanning costs: the share of throughput lost
    (1 - on / off) and the server CPU per span it adds (steadier on a shared machine)."""
    done = {r["store"]: r for r in runs if r.get("spans_per_s")}
    costs: dict[str, dict[str, float]] = {}
    for store, off in done.items():
        on = done.get(store.replace("scan off", "scan on"))
        if "scan off" in store and on is not None:
            costs[store.replace(", scan off", "")] = {
                "throughput_lost": 1 - on["spans_per_s"] / off["spans_per_s"],
                "cpu_added": on["cpu_us_per_span"] / off["cpu_us_per_span"] - 1,
            }
    return costs


def _machine() -> str:
    model = "unknown CPU"
    lscpu = subprocess.run(["lscpu"], capture_output=True, text=True).stdout
    for line in lscpu.splitlines():
        if line.startswith("Model name:"):
            model = line.split(":", 1)[1].strip()
    return (
        f"{model}, {os.cpu_count()} cores, {platform.machine()}, Python {platform.python_version()}"
    )


def _print_report(report: dict[str, Any]) -> None:
    console.print(f"\n{report['machine']}; {report['date'][:10]}")
    table = Table(title=f"OTLP ingest of {report['spans']:,} spans (until stored and queryable)")
    for column in (
        "server",
        "store",
        "spans/s",
        "time",
        "acked after",
        "peak RSS",
        "server CPU per span",
        "aitower ÷",
    ):
        table.add_column(column, justify="left" if column in ("server", "store") else "right")
    runs = [r for r in report["runs"] if "error" not in r]
    best = {
        r["store"]: r["spans_per_s"]
        for r in runs
        if r["server"] == "aitower" and "spans_per_s" in r
    }
    ceiling = report.get("ceiling")
    if ceiling:
        table.add_row(
            "ceiling",
            "SQLite, no server",
            f"{ceiling['spans_per_s']:,.0f}",
            f"{ceiling['seconds']:.2f} s",
            "",
            "",
            "",
            "",
        )
    for run in report["runs"]:
        if "error" in run:
            table.add_row(run["server"], run["store"], "[red]failed[/]", "", "", "", "", "")
            continue
        rate = run.get("spans_per_s")
        ratio = ""
        if run["server"] != "aitower" and rate:
            ratio = "  ".join(f"{store}: {value / rate:,.0f}×" for store, value in best.items())
        table.add_row(
            run["server"],
            run["store"],
            f"{rate:,.0f}" if rate else f"[red]{run['stored']:,} stored[/]",
            f"{run['stored_s']:.1f} s" if rate else "",
            f"{run['acknowledged_s']:.1f} s",
            f"{run['peak_rss_mb']:,.0f} MB",
            f"{run['cpu_us_per_span']:,.0f} µs" if rate else "",
            ratio or ("pending" if not best else ""),
        )
    console.print(table)
    for test in report["kill_tests"]:
        if "survived" in test:
            console.print(
                f"SIGKILL after last ack, {test['server']} ({test['store']}): "
                f"{test['survived']:,} of {test['acknowledged']:,} acknowledged spans kept"
            )


if __name__ == "__main__":
    main()
