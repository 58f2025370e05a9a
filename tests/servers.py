"""Start real ``aitower serve`` processes on free loopback ports, and stop them."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path

import httpx2 as httpx

AITOWER = [sys.executable, "-m", "aitower"]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


def wait_ready(base_url: str, proc: subprocess.Popen[bytes], timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise AssertionError(f"server exited early with {proc.returncode}")
        try:
            if httpx.get(f"{base_url}/readyz", timeout=2).status_code == 200:
                return
        except httpx.TransportError:
            pass
        time.sleep(0.2)
    raise AssertionError(f"{base_url} not ready after {timeout} s")


@contextmanager
def running(
    command: Sequence[str],
    env: dict[str, str],
    port: int,
    *,
    cwd: Path | None = None,
    timeout: float = 60,
) -> Iterator[str]:
    """Run ``command`` (a server on ``port``) until the block ends; yields its base URL.

    The server's OTLP/gRPC endpoint listens on a free port too (``AITOWER_OTLP_GRPC_PORT``),
    unless ``env`` says which: never on the shared default, 4317."""
    env = {"AITOWER_OTLP_GRPC_PORT": str(free_port()), **env}
    log = (cwd or Path.cwd()) / f"server-{port}.log"
    with log.open("wb") as out:
        proc = subprocess.Popen(
            list(command),
            env={**os.environ, **env},
            cwd=cwd,
            stdout=out,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        base_url = f"http://127.0.0.1:{port}"
        try:
            wait_ready(base_url, proc, timeout)
            yield base_url
        except AssertionError as exc:
            raise AssertionError(f"{exc}\n--- server log ---\n{log.read_text()[-3000:]}") from None
        finally:
            _stop(proc)


def _stop(proc: subprocess.Popen[bytes]) -> None:
    """SIGTERM the server's whole process group (workers too), SIGKILL if it lingers."""
    try:
        os.killpg(proc.pid, 15)
        proc.wait(timeout=15)
    except ProcessLookupError:
        pass
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, 9)
        proc.wait()


def serve_command(port: int) -> list[str]:
    return [*AITOWER, "serve", "--host", "127.0.0.1", "--port", str(port)]
