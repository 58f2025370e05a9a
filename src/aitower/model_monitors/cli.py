"""``aitower monitors`` (run, list) and ``aitower references`` (create, list)."""

from __future__ import annotations

import csv
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import datetime
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

from aitower.core.access.cli_shared import add_row, new_table
from aitower.core.background import replica_name
from aitower.core.cli.context import (
    clean_errors,
    cli_context,
    console,
    database,
    err_console,
    fail,
)
from aitower.core.db.base import utcnow
from aitower.core.db.engine import Database
from aitower.model_monitors import monitors, references
from aitower.model_monitors.running import RunSummary, due_monitor_ids, run_due_monitors, run_now
from aitower.model_monitors.store import default_store
from aitower.predictions.window import MonitoredModel

monitors_app = typer.Typer(help="Model monitors: run them, list them.", no_args_is_help=True)
references_app = typer.Typer(
    help="Model references: the data monitors compare with.", no_args_is_help=True
)


@contextmanager
def _progress(label: str, total: int) -> Iterator[Callable[[RunSummary], None]]:
    """A transient bar on stderr (when it is a terminal), advanced once per monitor run."""
    columns = (TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn())
    shown = err_console.is_terminal
    with Progress(
        *columns, TimeElapsedColumn(), console=err_console, transient=True, disable=not shown
    ) as progress:
        task = progress.add_task(label, total=total)
        yield lambda _summary: progress.advance(task, 1)


def _print(done: list[RunSummary]) -> None:
    table = new_table("Monitor runs", "monitor", "status", "rows", "seconds", "result")
    for s in done:
        result = "" if s.result_id is None else str(s.result_id)
        add_row(table, str(s.monitor_id), s.status, str(s.rows), f"{s.seconds:.3f}", result)
    console.print(table)
    rows = sum(s.rows for s in done)
    seconds = sum(s.seconds for s in done)
    console.print(f"{len(done)} monitor(s) run, {rows} predictions in {seconds:.2f} s")


def _run_chosen(db: Database, ids: list[uuid.UUID]) -> list[RunSummary]:
    done = []
    with _progress("Running monitors", len(ids)) as advance:
        for monitor_id in ids:
            summary = run_now(db, monitor_id, utcnow(), default_store())
            advance(summary)
            done.append(summary)
    return done


@monitors_app.command("run")
@clean_errors
def run(
    model: Annotated[
        uuid.UUID | None, typer.Option(help="Run every monitor of this model now.")
    ] = None,
    monitor: Annotated[uuid.UUID | None, typer.Option(help="Run this monitor now.")] = None,
    all_due: Annotated[
        bool, typer.Option("--all-due", help="Run every due monitor, as the server does.")
    ] = False,
) -> None:
    """Run monitors: the due ones (with their schedule's window) or chosen ones, now."""
    if sum((model is not None, monitor is not None, all_due)) != 1:
        raise fail("give exactly one of --model, --monitor or --all-due", 2)
    principal = cli_context().principal
    with database() as db:
        if all_due:
            now = utcnow()
            with _progress("Running due monitors", len(due_monitor_ids(db, now))) as advance:
                done = run_due_monitors(db, now, replica_name(), progress=advance)
        else:
            with db.reading() as session:
                if monitor is not None:
                    ids = [monitors.get_monitor(session, principal, monitor).id]
                else:
                    found, _ = monitors.list_monitors(
                        session, principal, model_id=model, limit=100_000
                    )
                    ids = [m.id for m in found]
            done = _run_chosen(db, ids)
    _print(done)


@monitors_app.command("list")
@clean_errors
def list_monitors() -> None:
    """Every monitor with its schedule and last status."""
    with database() as db, db.reading() as session:
        found, _ = monitors.list_monitors(session, cli_context().principal, limit=100_000)
    table = new_table(
        "Model monitors", "system", "name", "schedule", "window", "last", "next run", "id"
    )
    for m in found:
        add_row(
            table,
            m.system_name,
            m.spec.name,
            m.spec.schedule.value,
            f"{m.spec.window_hours} h",
            m.last_status or "never run",
            m.next_run_at.isoformat(timespec="minutes"),
            str(m.id),
        )
    console.print(table)


def read_records(path: Path, model: MonitoredModel) -> list[dict[str, Any]]:
    """CSV columns: the model's features and sensitive attributes by name, ``output``, and
    optionally ``score`` and ``label``. Empty cells are missing values."""
    with path.open(newline="", encoding="utf-8") as handle:
        reader = csv.DictReader(handle)
        header = set(reader.fieldnames or ())
        if "output" not in header:
            raise fail(f"{path}: no 'output' column", 2)
        records = []
        for line in reader:

            def cell(name: str, line: dict[str, str] = line) -> str | None:
                value = line.get(name)
                return None if value is None or value == "" else value

            records.append(
                {
                    "features": {name: cell(name) for name in model.features},
                    "sensitive": {name: cell(name) for name in model.sensitive},
                    "output": cell("output"),
                    "score": cell("score"),
                    "label": cell("label"),
                }
            )
    return records


@references_app.command("create")
@clean_errors
def create_reference(
    model: Annotated[uuid.UUID, typer.Argument(help="The monitored model's id.")],
    name: Annotated[str, typer.Argument(help="A name for the reference.")],
    start: Annotated[
        datetime | None, typer.Option(help="Window start (UTC), of logged predictions.")
    ] = None,
    end: Annotated[datetime | None, typer.Option(help="Window end (UTC), exclusive.")] = None,
    file: Annotated[
        Path | None, typer.Option(help="Or a CSV dataset (see `references create --help`).")
    ] = None,
) -> None:
    """Create a reference from a window of logged predictions, or from a CSV file whose columns
    are the model's features and sensitive attributes, ``output``, ``score`` and ``label``."""
    store, ctx = default_store(), cli_context()
    with database() as db, db.writing() as session:
        if file is not None:
            if start is not None or end is not None:
                raise fail("give --start and --end, or --file, not both", 2)
            found = references.visible_model(session, ctx.principal, store, model)
            records = read_records(file, found)
            view = references.create_from_records(session, ctx, store, model, name, records)
        else:
            if start is None or end is None:
                raise fail("give --start and --end (or --file)", 2)
            utc = [t if t.tzinfo else t.replace(tzinfo=utcnow().tzinfo) for t in (start, end)]
            view = references.create_from_window(session, ctx, store, model, name, *utc)
    console.print(f"reference {view.id}: {view.rows} rows ({view.labelled_rows} labelled)")


@references_app.command("list")
@clean_errors
def list_references(
    model: Annotated[uuid.UUID | None, typer.Option(help="Only this model.")] = None,
) -> None:
    """References, newest first."""
    with database() as db, db.reading() as session:
        found, _ = references.list_references(
            session, cli_context().principal, model_id=model, limit=100_000
        )
    table = new_table("References", "name", "kind", "rows", "labelled", "created", "id")
    for r in found:
        created = r.created_at.isoformat(timespec="minutes")
        add_row(table, r.name, r.kind, str(r.rows), str(r.labelled_rows), created, str(r.id))
    console.print(table)


def register(app: typer.Typer) -> None:
    app.add_typer(monitors_app, name="monitors")
    app.add_typer(references_app, name="references")
