"""Instructions per span of the whole aitower server under OTLP load: the HTTP process and its
ingest workers, each under callgrind, collecting only while the load runs.

Wall clock on a shared VM wanders by a quarter from run to run; instructions do not, so this
is how two versions of the server are compared (``PYTHONPATH`` picks the checkout):

    PYTHONPATH=<checkout>/src .venv/bin/python bench/ingest_server_instructions.py \\
        [--spans 8192] [--transport http|grpc]

The server is started as ``bench/telemetry_ingest.py`` starts it (``ingest_servers.aitower``)
but under ``valgrind --tool=callgrind --trace-children=yes``, given ``--warm`` bodies first (its
workers start and import), then callgrind is zeroed and switched on in every process for
``--spans`` more, and each process dumps what it counted once they are all stored. A run takes
a few minutes.
"""

from __future__ import annotations

import argparse
import glob
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from ingest_servers import Server, aitower
from otlp_load import start_load
from otlp_workload import make_workload


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n")[0])
    parser.add_argument("--spans", type=int, default=8192, help="spans counted")
    parser.add_argument("--warm", type=int, default=4, help="bodies sent before counting")
    parser.add_argument("--batch", type=int, default=512)
    parser.add_argument("--transport", choices=("http", "grpc"), default="http")
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="ingest-server-instr-"))
    server = aitower(work, "SQLite", f"sqlite:///{work}/aitower.db")
    out = work / "callgrind"
    server.command = [
        "valgrind",
        "--tool=callgrind",
        "--instr-atstart=no",
        "--trace-children=yes",
        f"--callgrind-out-file={out}.%p",
        *server.command,
    ]
    workload = make_workload(args.spans + args.warm * args.batch, args.batch)
    server.start(timeout=1200)
    try:
        _send(server, workload.bodies[: args.warm], args)
        time.sleep(5)  # the workers' first imports and the first background pass settle
        pids = _valgrind_pids(out)
        _callgrind(pids, "-z", "-i on")
        started = time.perf_counter()
        _send(server, workload.bodies[args.warm :], args)
        while server.count() < workload.spans:
            time.sleep(0.5)
        _callgrind(pids, "-d", "-i off")
        seconds = time.perf_counter() - started
    finally:
        server.stop()
    total = 0
    for dump in glob.glob(f"{out}.*.1"):  # the dump of each process at the end of the load
        total += _summary(Path(dump))
    print(
        f"{total / args.spans / 1000:.1f} k instructions per span: the server's {len(pids)} "
        f"processes, {args.spans} spans over {args.transport} ({seconds:.0f} s under callgrind)"
    )


def _send(server: Server, bodies: list[bytes], args: argparse.Namespace) -> None:
    target = f"127.0.0.1:{server.grpc_port}" if args.transport == "grpc" else None
    spans = [args.batch] * len(bodies)
    load, _ = start_load(
        server.url, bodies, spans, server.headers, concurrency=4, grpc_target=target
    )
    while not load.done:
        time.sleep(0.5)
    if load.error is not None:
        raise load.error


def _valgrind_pids(out: Path) -> list[str]:
    """The server's processes: those whose valgrind writes beside ``out``."""
    found = subprocess.run(["pgrep", "-f", f"valgrind.bin.*{out}"], capture_output=True, text=True)
    return found.stdout.split()


def _callgrind(pids: list[str], *commands: str) -> None:
    for command in commands:
        for pid in pids:
            subprocess.run(["callgrind_control", *command.split(), pid], capture_output=True)


def _summary(dump: Path) -> int:
    for line in dump.open(errors="replace"):
        if line.startswith(("summary:", "totals:")):
            return int(line.split()[1])
    sys.exit(f"no summary in {dump}")


if __name__ == "__main__":
    main()
