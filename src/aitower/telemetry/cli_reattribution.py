"""``aitower telemetry reattribute``: move history to its system now, with a progress bar.

The server's background pass does the same work a few seconds per pass; this runs every
pending move to its end (a million spans take a minute or two), chunk by chunk, so ingest keeps
running meanwhile.
"""

from __future__ import annotations

import typer
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    TaskID,
    TextColumn,
    TimeElapsedColumn,
)

from aitower.core.access.cli_shared import add_row, new_table
from aitower.core.background import replica_name
from aitower.core.cli.context import clean_errors, console, database
from aitower.core.db.engine import Database
from aitower.inventory import service as inventory
from aitower.telemetry import reattribution


def _bar() -> Progress:
    return Progress(
        TextColumn("{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TextColumn("spans"),
        TimeElapsedColumn(),
        console=console,
    )


def _run(db: Database, chunk: int) -> None:
    reattribution.plan(db)
    owner = replica_name()
    with _bar() as bar:
        for name in reattribution.running(db):
            task = bar.add_task(name, total=None)
            while reattribution.step(db, name, owner, chunk):
                _show(db, bar, task, name)
            _show(db, bar, task, name)


def _show(db: Database, bar: Progress, task: TaskID, name: str) -> None:
    with db.reading() as session:
        found = [p for p in reattribution.progress(session) if p.service_name == name]
    if found:
        bar.update(task, total=found[0].spans_total, completed=found[0].spans_moved)


def _summary(db: Database) -> None:
    with db.reading() as session:
        moves = reattribution.progress(session)
        ids = {i for p in moves for i in (p.source_id, p.target_id) if i}
        names = inventory.system_names(session, ids)
    table = new_table("Re-attributions", "service.name", "from", "to", "state", "spans", "traces")
    for p in moves:
        add_row(
            table,
            p.service_name,
            names.get(p.source_id, "(unregistered)") if p.source_id else "(unregistered)",
            names.get(p.target_id, "(unregistered)") if p.target_id else "(unregistered)",
            p.state,
            f"{p.spans_moved:,} of {p.spans_total:,}",
            f"{p.traces_moved:,}",
        )
    console.print(table)


def register(app: typer.Typer) -> None:
    @app.command("reattribute")
    @clean_errors
    def reattribute(
        chunk: int = typer.Option(
            reattribution.CHUNK, min=100, max=100_000, help="Spans per write transaction."
        ),
    ) -> None:
        """Move stored telemetry to the systems that now claim its service names."""
        with database() as db:
            _run(db, chunk)
            _summary(db)
