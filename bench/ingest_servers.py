"""The OTLP servers the ingest benchmark compares, started on loopback over a fresh store.

Each is started as its users would start it, from its own environment: aitower from this
checkout's ``.venv`` (``aitower db upgrade``, ``aitower apikeys create``, ``aitower serve``),
Arize Phoenix (``phoenix serve``) and MLflow's tracking server (``mlflow server``) from their own
venvs (``peer_env.peer_bin``), each with SQLite in a temporary folder (aitower also on
PostgreSQL), with telemetry and every outbound fetch switched off. ``count()`` reads the span
table of the server's store directly: a span counts once a query can see it.
"""

from __future__ import annotations

import json
import os
import signal
import socket
import sqlite3
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from peer_env import peer_bin
from sqlalchemy import create_engine, text

ROOT = Path(__file__).resolve().parent.parent
PHOENIX = ("arize-phoenix==20.26.1",)
MLFLOW = ("mlflow==3.17.2",)
OFFLINE = {
    "DO_NOT_TRACK": "true",
    "PHOENIX_TELEMETRY_ENABLED": "false",
    "PHOENIX_ALLOW_EXTERNAL_RESOURCES": "false",
    "PHOENIX_DISABLE_AGENT_ASSISTANT": "true",
    "MLFLOW_DISABLE_TELEMETRY": "true",
    "HF_HUB_OFFLINE": "1",
    "NO_PROXY": "*",
}


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


@dataclass
class Server:
    """A server process (its own process group) and how to reach and count its spans."""

    name: str
    store: str
    command: list[str]
    env: dict[str, str]
    port: int
    ready_path: str
    headers: dict[str, str]
    count: Callable[[], int]
    log: Path
    ingest_path: str = "/v1/traces"
    grpc_port: int = 0  # its OTLP/gRPC port, if it has one
    transport: str = "http"  # what the load client uses: "http" or "grpc"
    proc: subprocess.Popen[bytes] | None = field(default=None, repr=False)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self, timeout: float = 180) -> None:
        with self.log.open("ab") as out:
            self.proc = subprocess.Popen(
                self.command,
                env=self.env,
                stdout=out,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise SystemExit(f"{self.name} exited at start; see {self.log}:\n{_tail(self.log)}")
            if _status(self.url + self.ready_path) == 200:
                return
            time.sleep(0.2)
        raise SystemExit(f"{self.name} not ready after {timeout:.0f} s; see {self.log}")

    def stop(self) -> None:
        if self.proc is not None and self.proc.poll() is None:
            os.killpg(self.proc.pid, signal.SIGTERM)
            try:
                self.proc.wait(timeout=30)
            except subprocess.TimeoutExpired:
                os.killpg(self.proc.pid, signal.SIGKILL)
                self.proc.wait()
        self.proc = None

    def kill(self) -> None:
        """SIGKILL the whole process group: no shutdown hook runs, no queue is flushed."""
        if self.proc is not None:
            os.killpg(self.proc.pid, signal.SIGKILL)
            self.proc.wait()
            self.proc = None


LOOPBACK = urllib.request.build_opener(urllib.request.ProxyHandler({}))


def _status(url: str) -> int:
    try:
        with LOOPBACK.open(url, timeout=2) as answer:
            status: int = answer.status
            return status
    except urllib.error.HTTPError as exc:
        return exc.code
    except OSError:
        return 0


def _tail(path: Path, lines: int = 20) -> str:
    return "\n".join(path.read_text(errors="replace").splitlines()[-lines:])


def sqlite_counter(path: Path, table: str) -> Callable[[], int]:
    """Count ``table`` rows through a read-only connection (0 until the table exists)."""

    def count() -> int:
        if not path.exists():
            return 0
        conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True, timeout=10)
        try:
            row = conn.execute(f"SELECT count(*) FROM {table}").fetchone()
            return int(row[0])
        except sqlite3.OperationalError:
            return 0
        finally:
            conn.close()

    return count


def sql_counter(url: str, table: str) -> Callable[[], int]:
    engine = create_engine(url, pool_size=1)

    def count() -> int:
        with engine.connect() as conn:
            return int(conn.execute(text(f"SELECT count(*) FROM {table}")).scalar_one())

    return count


def phoenix(work: Path) -> Server:
    folder = work / "phoenix"
    folder.mkdir()
    port = free_port()
    env = {
        **os.environ,
        **OFFLINE,
        "PHOENIX_WORKING_DIR": str(folder),
        "PHOENIX_SQL_DATABASE_URL": f"sqlite:///{folder / 'phoenix.db'}",
        "PHOENIX_HOST": "127.0.0.1",
        "PHOENIX_PORT": str(port),
        "PHOENIX_GRPC_PORT": str(free_port()),
    }
    return Server(
        "Phoenix",
        "SQLite",
        [str(peer_bin("phoenix", PHOENIX) / "phoenix"), "serve"],
        env,
        port,
        "/healthz",
        {},
        sqlite_counter(folder / "phoenix.db", "spans"),
        work / "phoenix.log",
    )


def mlflow(work: Path) -> Server:
    folder = work / "mlflow"
    folder.mkdir()
    port = free_port()
    db = folder / "mlflow.db"
    command = [
        str(peer_bin("mlflow", MLFLOW) / "mlflow"),
        "server",
        "--host",
        "127.0.0.1",
        "--port",
        str(port),
        "--backend-store-uri",
        f"sqlite:///{db}",
        "--default-artifact-root",
        str(folder / "artifacts"),
    ]
    env = {**os.environ, **OFFLINE}
    return Server(
        "MLflow",
        "SQLite",
        command,
        env,
        port,
        "/health",
        {},
        sqlite_counter(db, "spans"),
        work / "mlflow.log",
    )


def mlflow_experiment(server: Server) -> None:
    """MLflow files OTLP spans under the experiment named by the x-mlflow-experiment-id header."""
    request = urllib.request.Request(
        server.url + "/api/2.0/mlflow/experiments/create",
        data=json.dumps({"name": "ingest-bench"}).encode(),
        headers={"content-type": "application/json"},
    )
    with LOOPBACK.open(request, timeout=30) as answer:
        server.headers["x-mlflow-experiment-id"] = json.loads(answer.read())["experiment_id"]


def aitower(work: Path, store: str, db_url: str, largest_body: int = 0) -> Server:
    """aitower on a fresh database: migrated and given an engineer key through its CLI.

    Its default body limit (1 MiB) is kept unless ``--batch`` makes larger bodies.
    """
    home = work / f"aitower-{store.lower()}"
    home.mkdir()
    port, grpc_port = free_port(), free_port()
    env = {
        **os.environ,
        "AITOWER_DATA_DIR": str(home),
        "AITOWER_DATABASE_URL": db_url,
        "AITOWER_DEV_MODE": "1",
        "AITOWER_LOG_LEVEL": "warning",
        "AITOWER_PORT": str(port),
        "AITOWER_OTLP_GRPC_PORT": str(grpc_port),
    }
    if largest_body > 2**20:
        env["AITOWER_MAX_BODY_BYTES"] = str(2 * largest_body)
    cli = str(ROOT / ".venv" / "bin" / "aitower")
    subprocess.run([cli, "db", "upgrade"], env=env, check=True, capture_output=True)
    owner = [cli, "users", "create", "bench", "--email", "bench@example.com", "--role", "engineer"]
    subprocess.run(
        [*owner, "--all-units", "--no-password"], env=env, check=True, capture_output=True
    )
    made = subprocess.run(
        [
            cli,
            "apikeys",
            "create",
            "ingest bench",
            "--role",
            "engineer",
            "--owner",
            "bench",
            "--json",
        ],
        env=env,
        check=True,
        capture_output=True,
        text=True,
    )
    secret = json.loads(made.stdout)["secret"]
    return Server(
        "aitower",
        store,
        [cli, "serve", "--host", "127.0.0.1", "--port", str(port)],
        env,
        port,
        "/readyz",
        {"authorization": f"Bearer {secret}"},
        sql_counter(db_url, "telemetry_spans"),
        work / f"aitower-{store.lower()}.log",
        grpc_port=grpc_port,
    )


def fresh_postgres(server_url: str, name: str) -> tuple[str, Callable[[], None]]:
    """A new database ``name`` on ``server_url``; returns its URL and a function that drops it."""
    admin = create_engine(server_url, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}"'))
        conn.execute(text(f'CREATE DATABASE "{name}"'))

    def drop() -> None:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()

    url = admin.url.set(database=name).render_as_string(hide_password=False)
    return url, drop


def process_tree(pid: int) -> list[int]:
    """``pid`` and all its descendants (uvicorn/gunicorn workers included)."""
    found, todo = [], [pid]
    while todo:
        current = todo.pop()
        try:
            for task in Path(f"/proc/{current}/task").iterdir():
                todo.extend(int(c) for c in (task / "children").read_text().split())
        except OSError:
            continue
        found.append(current)
    return found


def process_tree_cpu(pid: int) -> float:
    """CPU seconds (user + system) used so far by ``pid`` and its descendants."""
    ticks = os.sysconf("SC_CLK_TCK")
    total = 0
    for current in process_tree(pid):
        try:
            fields = Path(f"/proc/{current}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        total += int(fields[11]) + int(fields[12])  # utime, stime
    return total / ticks


def process_tree_rss(pid: int) -> int:
    """Resident bytes of ``pid`` and all its descendants (uvicorn/gunicorn workers included)."""
    total, todo = 0, [pid]
    while todo:
        current = todo.pop()
        try:
            status = Path(f"/proc/{current}/status").read_text()
            for task in Path(f"/proc/{current}/task").iterdir():
                todo.extend(int(c) for c in (task / "children").read_text().split())
        except OSError:
            continue
        for line in status.splitlines():
            if line.startswith("VmRSS:"):
                total += int(line.split()[1]) * 1024
    return total


if __name__ == "__main__":
    sys.exit("run bench/telemetry_ingest.py")
