"""OTLP ingest in one process, for counting its instructions: the ingest benchmark's bodies
(``otlp_workload``, the clock fixed so every run gets the same bytes) through what an ingest
worker runs (``otlp_export.export`` then ``store_spans``, then the wait for GenAI log events),
on a fresh SQLite database, without a server.

    PYTHONPATH=<checkout>/src .venv/bin/python bench/ingest_instructions.py [--spans 20000]
        [--warm 4] [--measure decode,storable,prepare,write,attach] [--profile FILE]

prints CPU µs per span (noisy on a shared machine). For instructions, which other work on the
machine does not change, run it under callgrind with instrumentation off until the measured
loop (the script switches it on and off around it, or around the ``--measure`` phases only):

    PYTHONPATH=<checkout>/src valgrind --tool=callgrind --instr-atstart=no \\
        .venv/bin/python bench/ingest_instructions.py --callgrind --spans 8192

and divide "Collected" by the spans measured. ``<checkout>`` may be an older commit's worktree
(the code before #13 has no ``storable``, ``attach`` or log events: those phases are skipped).
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from typing import Any

from otlp_workload import make_workload
from sqlalchemy import text

from aitower.core.db.engine import Database
from aitower.core.db.migrate import upgrade
from aitower.telemetry import otlp
from aitower.telemetry.content import ContentPolicy
from aitower.telemetry.ingest import IngestOutcome, prepare_batch, store_spans, write_batches
from aitower.telemetry.otlp_export import export
from aitower.telemetry.records import DecodedSpan

try:  # after #13
    from aitower.telemetry.span_log_events import attach_after_store
    from aitower.telemetry.storable import make_storable
except ImportError:  # pragma: no cover - an older checkout
    attach_after_store = None  # type: ignore[assignment]
    make_storable = None  # type: ignore[assignment]

NOW_NS = 1_796_000_000_000_000_000  # a fixed clock: byte-identical bodies in every run
MAX_BYTES = 64 * 2**20
PHASES = ("decode", "storable", "prepare", "write", "attach")


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n")[0])
    parser.add_argument("--spans", type=int, default=20_000)
    parser.add_argument("--batch", type=int, default=512)
    parser.add_argument("--warm", type=int, default=4, help="bodies stored before measuring")
    parser.add_argument("--callgrind", action="store_true", help="switch callgrind on and off")
    parser.add_argument("--measure", default="", help=f"phases to count: {','.join(PHASES)}")
    parser.add_argument("--profile", help="write a cProfile of the measured loop here")
    args = parser.parse_args()
    workload = make_workload(args.spans, args.batch, now_ns=NOW_NS)
    db = Database(f"sqlite:///{tempfile.mkdtemp(prefix='ingest-instr-')}/aitower.db")
    upgrade(db.engine)
    policy = ContentPolicy(True, 4000)

    def store(spans: Sequence[DecodedSpan]) -> IngestOutcome:
        outcome = store_spans(db, spans, default_content=policy)
        if attach_after_store is not None:
            attach_after_store(db, outcome.stored)
        return outcome

    def whole(bodies: list[bytes]) -> None:
        for body in bodies:
            export(body, "protobuf", None, store, max_decompressed_bytes=MAX_BYTES)

    whole(workload.bodies[: args.warm])
    rest = workload.bodies[args.warm :]
    measured = workload.spans - args.warm * args.batch
    switch = _switch if args.callgrind else _no_switch
    profile = None
    if args.profile:
        import cProfile

        profile = cProfile.Profile()
    wall, cpu = time.perf_counter(), time.process_time()
    if args.measure:
        _phased(db, policy, rest, set(args.measure.split(",")), switch)
    else:
        switch(True)
        if profile:
            profile.enable()
        whole(rest)
        if profile:
            profile.disable()
        switch(False)
    wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
    if profile:
        profile.dump_stats(args.profile)
    with db.reading() as session:
        stored = session.execute(text("SELECT count(*) FROM telemetry_spans")).scalar()
    print(
        f"{measured} spans measured ({stored} stored): {wall / measured * 1e6:.1f} µs wall, "
        f"{cpu / measured * 1e6:.1f} µs CPU per span",
        file=sys.stderr,
    )


def _switch(on: bool) -> None:
    subprocess.run(
        ["callgrind_control", "-i", "on" if on else "off", str(os.getpid())],
        check=True,
        capture_output=True,
    )


def _no_switch(_on: bool) -> None:
    pass


def _phased(
    db: Database,
    policy: ContentPolicy,
    bodies: list[bytes],
    measure: set[str],
    switch: Callable[[bool], None],
) -> None:
    """Each body by the same steps, callgrind on only around the phases in ``measure``."""

    def phase(name: str, step: Callable[..., Any], *args: Any) -> Any:
        if name not in measure:
            return step(*args)
        switch(True)
        out = step(*args)
        switch(False)
        return out

    for body in bodies:
        raw = otlp.decompress(body, None, max_bytes=MAX_BYTES)
        result = phase("decode", otlp.decode_protobuf, raw)
        if make_storable is not None:
            phase("storable", make_storable, result)
        batch = phase("prepare", prepare_batch, db, result.spans, policy)
        outcome = phase("write", write_batches, db, [batch])
        if attach_after_store is not None:
            phase("attach", attach_after_store, db, outcome.stored)


if __name__ == "__main__":
    main()
