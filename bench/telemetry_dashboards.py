"""Monitoring dashboards and trace search at a million stored spans.

    .venv/bin/python bench/telemetry_dashboards.py [--scale 11] [--runs 40] [--stores sqlite]

Loads the demo organisation, then ``--scale`` times its 30 days of LLM traffic (scale 11 is about
one million spans in 290,000 traces) through the ingest path (``store_spans``, so the rollups
are the ones ingest maintains), starts a real ``aitower serve`` on loopback and times, over
``--runs`` requests each, the answers a user waits for: the portfolio overview and one system's
dashboard for 30 days (API and HTML page), and filtered trace searches. Figures are medians and
p95 of the whole HTTP round trip on loopback, so they include the server's time.

No peer is run here: at the ingest rates measured in ``telemetry_ingest.py`` (Phoenix ~170
spans/s, MLflow ~450 spans/s on this machine), loading a million spans into either would take
between half an hour and two hours before the first query.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import timedelta
from pathlib import Path

import httpx2 as httpx
from rich.console import Console
from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

sys.path.insert(0, str(Path(__file__).resolve().parent))
from ingest_servers import free_port, fresh_postgres

from aitower.core.access import apikeys
from aitower.core.access.principal import cli_principal
from aitower.core.access.roles import Role
from aitower.core.audit.service import ChangeContext
from aitower.core.db.base import utcnow
from aitower.core.db.engine import Database
from aitower.core.db.migrate import upgrade
from aitower.core.demo.loader import DEMO_ADMIN
from aitower.core.demo.organisation import DemoPassword
from aitower.demo import load_demo
from aitower.inventory import service as inventory
from aitower.telemetry.demo import store_demo_traffic
from aitower.telemetry.demo_traffic import generate_traffic
from telemetry_ingest import _machine

ROOT = Path(__file__).resolve().parents[1]
POSTGRES = "postgresql+psycopg://postgres@127.0.0.1:5432/postgres"
console = Console()


def _load(url: str, scale: float) -> tuple[str, str, int]:
    """Demo organisation plus ``scale`` × its traffic; returns an admin key, the chatbot's id
    and the number of spans stored."""
    db = Database(url)
    upgrade(db.engine)
    ctx = ChangeContext(cli_principal("bench"))
    load_demo(db, ctx, DemoPassword("bench-password-1", "env"))
    with db.writing() as session:
        key = apikeys.create_api_key(
            session, ctx, name="bench", role=Role.admin, unit_ref=None, owner_ref=DEMO_ADMIN
        )
        chatbot = inventory.systems_for_services(session, ["support-chatbot"])
    traffic = generate_traffic(utcnow(), scale=scale)
    with Progress(
        TextColumn("storing spans"), BarColumn(), TextColumn("{task.completed:,}/{task.total:,}"),
        TimeElapsedColumn(), console=console,
    ) as progress:  # fmt: skip
        task = progress.add_task("store", total=len(traffic.spans))
        began = time.perf_counter()
        store_demo_traffic(db, traffic, lambda done, _total: progress.update(task, completed=done))
        seconds = time.perf_counter() - began
    console.print(f"stored {len(traffic.spans):,} spans in {seconds:.0f} s")
    db.dispose()
    return key.secret, str(chatbot["support-chatbot"]), len(traffic.spans)


def _serve(url: str, home: Path) -> tuple[subprocess.Popen[bytes], str]:
    port = free_port()
    env = {**os.environ, "AITOWER_DATABASE_URL": url, "AITOWER_DATA_DIR": str(home),
           "AITOWER_DEV_MODE": "1", "AITOWER_LOG_LEVEL": "warning",
           "AITOWER_ALERTS_INTERVAL_SECONDS": "0"}  # fmt: skip
    cli = str(ROOT / ".venv" / "bin" / "aitower")
    proc = subprocess.Popen(
        [cli, "serve", "--host", "127.0.0.1", "--port", str(port)], env=env,
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )  # fmt: skip
    base = f"http://127.0.0.1:{port}"
    for _ in range(300):
        try:
            if httpx.get(f"{base}/readyz", timeout=2).status_code == 200:
                return proc, base
        except httpx.TransportError:
            pass
        time.sleep(0.2)
    raise SystemExit("aitower did not become ready")


def _queries(chatbot: str) -> list[tuple[str, str]]:
    week_ago = (utcnow() - timedelta(days=7)).strftime("%Y-%m-%dT%H:%M:%SZ")
    system = f"/api/v1/telemetry/systems/{chatbot}/overview?range=30d"
    by_cost = "/api/v1/traces?model=gemini-2.5-pro&min_cost=0.001&sort=cost"
    return [
        ("portfolio overview, 30 days (API)", "/api/v1/telemetry/overview?range=30d"),
        ("portfolio overview, 30 days (page)", "/monitoring?range=30d"),
        ("system dashboard, 30 days (API)", system),
        ("system dashboard, 30 days (page)", f"/monitoring/systems/{chatbot}?range=30d"),
        ("portfolio overview, 24 hours (API)", "/api/v1/telemetry/overview?range=24h"),
        ("trace search: system + errors", f"/api/v1/traces?system={chatbot}&status=error"),
        ("trace search: latency > 3 s, last 7 days",
         f"/api/v1/traces?min_latency_ms=3000&start={week_ago}"),
        ("trace search: model + cost, by cost", by_cost),
        ("trace search: name contains", "/api/v1/traces?q=refund"),
    ]  # fmt: skip


def _time(base: str, key: str, path: str, runs: int) -> tuple[float, float]:
    headers = {"x-api-key": key}
    with httpx.Client(base_url=base, headers=headers, timeout=60) as client:
        first = client.get(path)
        if first.status_code != 200:
            raise SystemExit(f"{path}: {first.status_code} {first.text[:300]}")
        took = []
        for _ in range(runs):
            began = time.perf_counter()
            client.get(path).raise_for_status()
            took.append((time.perf_counter() - began) * 1000)
    took.sort()
    return statistics.median(took), took[int(0.95 * (len(took) - 1))]


def _run(
    store: str, url: str, args: argparse.Namespace, home: Path
) -> list[tuple[str, float, float]]:
    key, chatbot, spans = _load(url, args.scale)
    proc, base = _serve(url, home)
    try:
        rows = [(name, *_time(base, key, path, args.runs)) for name, path in _queries(chatbot)]
    finally:
        proc.terminate()
        proc.wait(30)
    table = Table(title=f"aitower {store}: {spans:,} spans, median and p95 of {args.runs} requests")
    for column in ("query", "median ms", "p95 ms"):
        table.add_column(column, justify="left" if column == "query" else "right")
    for name, median, p95 in rows:
        table.add_row(name, f"{median:.1f}", f"{p95:.1f}")
    console.print(table)
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--scale", type=float, default=11.0, help="× the demo's 30-day traffic")
    parser.add_argument("--runs", type=int, default=40)
    parser.add_argument("--stores", default="sqlite", help="sqlite, postgres, or both")
    parser.add_argument("--postgres", default=POSTGRES)
    args = parser.parse_args()
    console.print(f"{_machine()}; {utcnow():%Y-%m-%d}")
    with tempfile.TemporaryDirectory() as work:
        for store in [s for s in args.stores.split(",") if s]:
            home = Path(work) / store
            home.mkdir()
            if store == "sqlite":
                _run("SQLite", f"sqlite:///{home}/aitower.db", args, home)
            else:
                url, drop = fresh_postgres(args.postgres, f"aitower_dash_{os.getpid()}")
                try:
                    _run("PostgreSQL", url, args, home)
                finally:
                    drop()


if __name__ == "__main__":
    main()
