"""Run the tests with the clock moved: ``AITOWER_TEST_NOW=2027-03-28T00:59:50+00:00``.

Opt-in: when ``AITOWER_TEST_NOW`` (an ISO 8601 moment; one without an offset is UTC) is set,
``tests/conftest.py`` calls ``start_from_env`` once per process (pytest-xdist's workers too):
``time_machine`` moves ``time.time``, ``datetime.now`` and friends there and lets them tick.
The monotonic clocks (``time.monotonic``, ``perf_counter``) and the local time zone are left
as they are; set ``TZ`` beside it to try another zone (``TZ=Europe/Berlin`` with the moment
above crosses Europe's spring change).

Subprocesses: once the clock is moved, a process runs each subprocess of this same Python
(``[sys.executable, "-m", module | "-c", program | script, …]``: ``aitower serve`` and
``uvicorn`` in the system and browser tests, the servers' own ingest workers, the CLI) through
this file, which runs what was asked for in the same process (``runpy``: same pid, same exit
status, same signals) with its clock moved to its parent's time: the parent passes on when,
in real time, its clock was moved (``AITOWER_TEST_NOW_SINCE``), and the child starts as much
later than ``AITOWER_TEST_NOW``. (pytest-xdist's workers are not run through it: each starts
at ``AITOWER_TEST_NOW`` itself.)

What cannot move:

* PostgreSQL's clock (``now()`` in SQL). aitower never asks the database for the time (every
  timestamp comes from Python, ``core.db.base.utcnow``), so nothing it stores depends on it.
* Chromium (the browser tests) runs at the real time: aitower's pages run no script that reads
  the clock, and the session cookie has a ``Max-Age``, not an ``Expires`` date.
* Programs that are not this Python (none are started by the tests today).
"""

from __future__ import annotations

import os
import runpy
import subprocess
import sys
import time
from collections.abc import Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

ENV = "AITOWER_TEST_NOW"
SINCE = "AITOWER_TEST_NOW_SINCE"  # Unix seconds (real) when the parent's clock was moved
HERE = str(Path(__file__).resolve())
_since: float | None = None  # when this process's clock was moved to AITOWER_TEST_NOW


def moved_to() -> datetime | None:
    """The moment ``AITOWER_TEST_NOW`` names (UTC when it names no offset), or None."""
    value = os.environ.get(ENV, "").strip()
    if not value:
        return None
    moment = datetime.fromisoformat(value)
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=UTC)


def start_from_env() -> None:
    """Move this process's clock as ``AITOWER_TEST_NOW`` asks, for good (it ticks on), and
    have its Python subprocesses follow; nothing when it is not set or already done."""
    global _since
    moment = moved_to()
    if moment is None or _since is not None:
        return
    import time_machine

    _since = float(os.environ.pop(SINCE, "") or time.time())
    # A timestamp, not the datetime: given an aware one, time_machine also sets TZ (to UTC for
    # an offset of 0), and the process's zone is to stay the one the run was started in.
    time_machine.travel(moment.timestamp() + (time.time() - _since), tick=True).start()
    time.time()  # it ticks from its first reading: from now on, as the parent's
    _follow_subprocesses()


def python_command(command: Any) -> Any:
    """``command`` run through this file when it runs this Python (``-m``, ``-c`` or a script,
    no other interpreter option); any other command as it is."""
    if not isinstance(command, list | tuple) or len(command) < 2:
        return command
    program, first = command[0], command[1]
    if str(program) != sys.executable or first == HERE:
        return command
    if str(first).startswith("-") and first not in ("-m", "-c"):
        return command
    return [sys.executable, HERE, *command[1:]]


def _follow_subprocesses() -> None:
    """Run this Python's subprocesses through this file, at this process's moved time (even
    when the caller chose an environment without the variables)."""
    original = subprocess.Popen.__init__

    def __init__(self: subprocess.Popen[Any], args: Any, *rest: Any, **kwargs: Any) -> None:
        wrapped = python_command(args)
        if wrapped is not args:
            env = os.environ if kwargs.get("env") is None else kwargs["env"]
            kwargs["env"] = {**env, ENV: os.environ[ENV], SINCE: repr(_since)}
        original(self, wrapped, *rest, **kwargs)

    subprocess.Popen.__init__ = __init__  # type: ignore[method-assign]


def _main(args: Sequence[str]) -> None:
    """``python moved_clock.py -m module args…``, ``… -c program args…`` or ``… script
    args…``: what ``python`` would run, with the clock moved."""
    sys.modules.setdefault("moved_clock", sys.modules[__name__])  # one clock per process
    start_from_env()
    if args[:1] == ["-c"] and len(args) > 1:
        sys.argv = ["-c", *args[2:]]
        sys.path[0] = ""
        exec(compile(args[1], "<string>", "exec"), {"__name__": "__main__"})
    elif args[:1] == ["-m"] and len(args) > 1:
        sys.argv = [args[1], *args[2:]]
        sys.path[0] = os.getcwd()  # as ``python -m`` would have it, not this file's folder
        runpy.run_module(args[1], run_name="__main__", alter_sys=True)
    elif args and not args[0].startswith("-"):
        sys.argv = list(args)
        sys.path[0] = str(Path(args[0]).resolve().parent)
        runpy.run_path(args[0], run_name="__main__")
    else:
        raise SystemExit(f"moved_clock: -m module, -c program or a script expected: {args}")


if __name__ == "__main__":
    _main(sys.argv[1:])
