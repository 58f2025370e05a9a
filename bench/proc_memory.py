"""A benchmark process's own peak memory, for the scripts and their peers (no aitower import:
the peers run in their own virtualenvs)."""

from __future__ import annotations

from pathlib import Path


def peak_rss_mb() -> float:
    """This process's peak resident memory (``VmHWM``). Not ``getrusage``'s ``ru_maxrss``:
    Linux carries that over ``exec`` from the parent, so a worker started by a parent that had
    just written a 1 GB file reported the parent's peak."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return float("nan")
