"""The SQLite write lock: re-entrant in a thread, exclusive between processes, and released."""

from __future__ import annotations

import subprocess
import sys
import threading
import time
from pathlib import Path

from aitower.core.db.write_lock import WriteLock, sqlite_lock_file

# Another process tries the lock without waiting: prints "taken" or "busy".
_PROBE = """
import fcntl, os, sys
fd = os.open(sys.argv[1], os.O_RDWR | os.O_CREAT)
try:
    fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
except BlockingIOError:
    print("busy")
else:
    print("taken")
"""


def _other_process(lock_file: Path) -> str:
    probe = subprocess.run(
        [sys.executable, "-c", _PROBE, str(lock_file)], capture_output=True, text=True, check=True
    )
    return probe.stdout.strip()


def test_the_lock_file_sits_beside_the_database(tmp_path: Path) -> None:
    assert sqlite_lock_file(str(tmp_path / "a.db")) == tmp_path / "a.db-writer.lock"
    assert sqlite_lock_file(":memory:") is None
    assert sqlite_lock_file(None) is None


def test_held_the_lock_keeps_other_processes_out_until_the_outermost_release(
    tmp_path: Path,
) -> None:
    lock_file = tmp_path / "a.db-writer.lock"
    lock = WriteLock(lock_file)
    with lock:
        with lock:  # a write inside a write, in the same thread
            assert _other_process(lock_file) == "busy"
        assert _other_process(lock_file) == "busy"  # the outer one still holds it
    assert _other_process(lock_file) == "taken"


def test_threads_take_turns(tmp_path: Path) -> None:
    lock = WriteLock(tmp_path / "a.db-writer.lock")
    inside, most = [0], [0]

    def write() -> None:
        for _ in range(20):
            with lock:
                inside[0] += 1
                most[0] = max(most[0], inside[0])
                time.sleep(0.0005)
                inside[0] -= 1

    threads = [threading.Thread(target=write) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert most[0] == 1
