"""Inline scan (#16): the latency of ``POST /api/v1/scan`` for a 2 kB text, in process and over
HTTP on loopback, as an LLM gateway would call it before and after each model call.

In process: the detectors alone (``detectors.scan.scan``), then the route's whole work without
the network (the JSON body validated into ``ScanIn``, ``scan_text``, the answer serialised).
Over HTTP: ``aitower serve`` from this checkout (uvicorn, SQLite, an engineer's API key made
with its CLI), one keep-alive connection sending the requests one after the other, each timed
from the first byte sent to the last byte read. The target of issue #16: p95 under 2 ms in
process, under 10 ms over HTTP.

    PYTHONPATH=src .venv/bin/python bench/scan_api.py [--requests 2000]
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from ingest_servers import Server, free_port, sql_counter

from aitower.detectors.scan import scan
from aitower.guardrails.api import ScanIn, scan_text

ROOT = Path(__file__).resolve().parent.parent
PROSE = (
    "Thanks for getting back to me about the refund. As discussed on the phone, the customer "
    "asked us to send the remaining balance to a different account than the one on file. "
    "Our runbook says we confirm such a change with a second person before any transfer. "
)
LEAKS = (
    "The new account is IBAN DE44 5001 0517 5407 3249 31, holder Maria Keller. ",
    "You can reach her at maria.keller@example.org or +49 30 901820 during office hours. ",
    "The payout job runs with token 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 for now. ",
)


def two_kb_text() -> str:
    """About 2,000 characters of prose with an IBAN, an e-mail, a phone and a GitHub token."""
    parts, i = [], 0
    while sum(len(p) for p in parts) < 2000:
        parts.append(PROSE)
        if i < len(LEAKS):
            parts.append(LEAKS[i])
        i += 1
    return "".join(parts)[:2048]


def percentiles(samples: list[float]) -> dict[str, float]:
    ordered = sorted(samples)

    def at(q: float) -> float:
        return ordered[min(len(ordered) - 1, int(q * len(ordered)))] * 1000

    return {
        "p50": at(0.50),
        "p95": at(0.95),
        "p99": at(0.99),
        "mean": statistics.mean(ordered) * 1000,
    }


def timed(work: Callable[[], object], n: int) -> dict[str, float]:
    for _ in range(min(200, n)):  # warm caches and compiled patterns
        work()
    samples = []
    for _ in range(n):
        began = time.perf_counter()
        work()
        samples.append(time.perf_counter() - began)
    return percentiles(samples)


def in_process(text: str, n: int) -> dict[str, dict[str, float]]:
    body = json.dumps({"text": text, "direction": "output"}).encode()

    def route() -> bytes:
        return scan_text(ScanIn.model_validate_json(body)).model_dump_json().encode()

    return {"detectors": timed(lambda: scan(text), n), "route": timed(route, n)}


def aitower_server(work: Path) -> Server:
    """``aitower serve`` of this checkout on SQLite with an engineer's key (as a gateway has)."""
    port = free_port()
    db = work / "aitower.db"
    env = {
        **os.environ,
        "PYTHONPATH": str(ROOT / "src"),
        "AITOWER_DATA_DIR": str(work),
        "AITOWER_DATABASE_URL": f"sqlite:///{db}",
        "AITOWER_DEV_MODE": "1",
        "AITOWER_LOG_LEVEL": "warning",
        "AITOWER_PORT": str(port),
        "AITOWER_OTLP_GRPC_PORT": str(free_port()),
    }
    cli = [sys.executable, "-m", "aitower"]
    subprocess.run([*cli, "db", "upgrade"], env=env, check=True, capture_output=True)
    owner = [*cli, "users", "create", "gateway", "--email", "gw@example.com", "--role", "engineer"]
    subprocess.run(
        [*owner, "--all-units", "--no-password"], env=env, check=True, capture_output=True
    )
    key = [*cli, "apikeys", "create", "gateway", "--role", "engineer", "--owner", "gateway"]
    made = subprocess.run([*key, "--json"], env=env, check=True, capture_output=True, text=True)
    secret = json.loads(made.stdout)["secret"]
    return Server(
        "aitower", "SQLite", [*cli, "serve", "--host", "127.0.0.1", "--port", str(port)], env,
        port, "/readyz", {"authorization": f"Bearer {secret}"},
        sql_counter(f"sqlite:///{db}", "content_findings"), work / "aitower.log",
    )  # fmt: skip


def over_http(
    server: Server, n: int, path: str = "/api/v1/scan", text: str | None = None
) -> dict[str, float]:
    """``n`` requests on one keep-alive connection: a POST of ``text`` to the scan, or a GET."""
    body = None if text is None else json.dumps({"text": text, "direction": "output"}).encode()
    headers = {**server.headers, "content-type": "application/json"}
    conn = http.client.HTTPConnection("127.0.0.1", server.port, timeout=10)

    def call() -> None:
        conn.request("GET" if body is None else "POST", path, body=body, headers=headers)
        answer = conn.getresponse()
        payload = answer.read()
        if answer.status != 200:
            raise SystemExit(f"{path} answered {answer.status}: {payload[:300]!r}")

    try:
        return timed(call, n)
    finally:
        conn.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=2000)
    args = parser.parse_args()
    text = two_kb_text()
    found = [d.type for d in scan(text)]
    print(f"text: {len(text)} characters, {len(text.encode())} bytes; findings: {found}")
    print(
        f"machine: {platform.machine()} {os.cpu_count()} CPUs, Python {platform.python_version()}"
    )
    local = in_process(text, args.requests)
    with tempfile.TemporaryDirectory() as folder:
        server = aitower_server(Path(folder))
        server.start()
        try:
            ready = over_http(server, args.requests, "/readyz")
            me = over_http(server, args.requests, "/api/v1/me")
            remote = over_http(server, args.requests, text=text)
            stored = server.count()
        finally:
            server.stop()
    rows = (("detectors, in process", local["detectors"]), ("route, in process", local["route"]),
            ("GET /readyz (no key), HTTP", ready), ("GET /api/v1/me (key), HTTP", me),
            ("POST /api/v1/scan over HTTP", remote))  # fmt: skip
    print(f"{'':32} {'p50 ms':>8} {'p95 ms':>8} {'p99 ms':>8} {'mean ms':>8}")
    for name, r in rows:
        print(f"{name:32} {r['p50']:8.3f} {r['p95']:8.3f} {r['p99']:8.3f} {r['mean']:8.3f}")
    print(f"{args.requests} requests each; findings stored by the scans: {stored}")


if __name__ == "__main__":
    main()
