"""``aitower predictions`` and ``aitower labels``: upload files, register and list models.

Files are read with pyarrow and checked whole before anything is written; a refused file
prints its row-numbered problems as a table and stores nothing. Storing shows a progress bar on
a terminal (one step per stored batch of up to 100,000 rows).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Annotated

import typer
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

from aitower.core.access.cli_shared import JsonOption, add_row, new_table, print_json
from aitower.core.cli.context import (
    clean_errors,
    cli_context,
    console,
    database,
    err_console,
    settings,
)
from aitower.core.errors import InvalidInput
from aitower.predictions import file_layout, files, service
from aitower.predictions.schemas import LabelsOut, LoggedOut, ModelOut
from aitower.predictions.window import FeatureKind, Task

predictions_app = typer.Typer(help="Log predictions of classic models; list monitored models.")
labels_app = typer.Typer(help="Log labels (ground truth) of logged predictions.")

FileArg = Annotated[Path, typer.Argument(exists=True, dir_okay=False, help="CSV or Parquet file")]
SystemOpt = Annotated[str, typer.Option("--system", help="The AI system: id or exact name")]
ModelOpt = Annotated[str, typer.Option("--model", help="Model name")]
VersionOpt = Annotated[str, typer.Option("--version", help="Model version")]
FormatOpt = Annotated[
    file_layout.FileFormat | None,
    typer.Option("--format", help="csv or parquet (default: by suffix)"),
]
IdOpt = Annotated[str, typer.Option("--id-column", help="Column of prediction ids")]


def register(app: typer.Typer) -> None:
    """Add this slice's commands to the root command."""
    app.add_typer(predictions_app, name="predictions")
    app.add_typer(labels_app, name="labels")


@contextmanager
def _progress(label: str) -> Iterator[Callable[[int, int], None]]:
    """A transient bar on stderr when it is a terminal."""
    columns = (TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn())
    shown = err_console.is_terminal
    with Progress(
        *columns, TimeElapsedColumn(), console=err_console, transient=True, disable=not shown
    ) as progress:
        task = progress.add_task(label, total=None)
        yield lambda done, total: progress.update(task, completed=done, total=total)


def _refused(exc: InvalidInput) -> typer.Exit:
    if exc.issues:
        table = new_table(f"{len(exc.issues)} problems", "where", "reason")
        for issue in exc.issues:
            add_row(table, issue.field, issue.reason)
        console.print(table)
    err_console.print(f"[bold red]Error:[/] {exc.detail}", highlight=False, soft_wrap=True)
    return typer.Exit(2)


@predictions_app.command("upload")
@clean_errors
def upload_predictions(
    path: FileArg,
    system: SystemOpt,
    model: ModelOpt,
    version: VersionOpt,
    fmt: FormatOpt = None,
    id_column: IdOpt = "prediction_id",
    timestamp_column: Annotated[str, typer.Option("--timestamp-column")] = "timestamp",
    output_column: Annotated[str, typer.Option("--output-column")] = "output",
    score_column: Annotated[str, typer.Option("--score-column")] = "score",
    sensitive: Annotated[
        str | None, typer.Option("--sensitive", help="Sensitive attribute columns: a,b")
    ] = None,
    task: Annotated[Task | None, typer.Option("--task", help="For a new model")] = None,
    classes: Annotated[
        str | None, typer.Option("--classes", help="For a new model: classes, positive first")
    ] = None,
    as_json: JsonOption = False,
) -> None:
    """Log a file of predictions: all rows or, on any problem, none (re-sent ids are skipped)."""
    names = file_layout.PredictionFileColumns(
        id_column, timestamp_column, output_column, score_column, files.column_list(sensitive)
    )
    key = service.ModelKey(system, model, version)
    with err_console.status(f"Reading {path.name}"):
        table, problems = files.read_table(
            path.read_bytes(), files.format_of(path.name, fmt), files.limits_of(settings())
        )
        raw = files.raw_predictions(table, names, problems)
    try:
        with database() as db, db.writing() as session, _progress("Storing") as tick:
            result = service.log_predictions(
                session,
                cli_context(),
                key,
                raw,
                task=task,
                classes=files.column_list(classes) or None,
                on_progress=tick,
            )
    except InvalidInput as exc:
        raise _refused(exc) from None
    out = LoggedOut.of(result)
    if as_json:
        typer.echo(out.model_dump_json(indent=2))
        return
    console.print(
        f"Stored {out.stored} predictions of {model} {version}"
        + (" (model registered)" if out.registered else "")
        + f"; {out.duplicates} already stored, skipped"
        + (f" ({', '.join(out.duplicate_ids)}...)" if out.duplicates else "")
        + f"; {out.labels_joined} waiting labels joined."
    )


@labels_app.command("upload")
@clean_errors
def upload_labels(
    path: FileArg,
    system: SystemOpt,
    model: ModelOpt,
    version: VersionOpt,
    fmt: FormatOpt = None,
    id_column: IdOpt = "prediction_id",
    label_column: Annotated[str, typer.Option("--label-column")] = "label",
    labelled_at_column: Annotated[str, typer.Option("--labelled-at-column")] = "labelled_at",
    as_json: JsonOption = False,
) -> None:
    """Log a file of labels by prediction id (unknown ids are kept and reported)."""
    names = file_layout.LabelFileColumns(id_column, label_column, labelled_at_column)
    with err_console.status(f"Reading {path.name}"):
        table, problems = files.read_table(
            path.read_bytes(), files.format_of(path.name, fmt), files.limits_of(settings())
        )
        raw = files.raw_labels(table, names, problems)
    try:
        with database() as db, db.writing() as session:
            stored = service.log_labels(
                session, cli_context(), service.ModelKey(system, model, version), raw
            )
    except InvalidInput as exc:
        raise _refused(exc) from None
    out = LabelsOut.of(stored)
    if as_json:
        typer.echo(out.model_dump_json(indent=2))
        return
    console.print(
        f"Stored {out.stored} labels, replaced {out.replaced}; {out.joined} joined their "
        f"prediction, {out.unknown} for ids not logged yet"
        + (f" ({', '.join(out.unknown_ids)}...)" if out.unknown else "")
        + "."
    )


@predictions_app.command("register")
@clean_errors
def register_model(
    system: SystemOpt,
    model: ModelOpt,
    version: VersionOpt,
    task: Annotated[Task, typer.Option("--task")],
    classes: Annotated[str | None, typer.Option("--classes", help="Positive first")] = None,
    numeric: Annotated[str | None, typer.Option("--numeric", help="Numeric features: a,b")] = None,
    categorical: Annotated[str | None, typer.Option("--categorical")] = None,
    sensitive: Annotated[str | None, typer.Option("--sensitive")] = None,
) -> None:
    """Register a model version (else its first log registers it)."""
    features = dict.fromkeys(files.column_list(numeric), FeatureKind.numeric)
    features |= dict.fromkeys(files.column_list(categorical), FeatureKind.categorical)
    with database() as db, db.writing() as session:
        made = service.register_model(
            session,
            cli_context(),
            service.ModelKey(system, model, version),
            task,
            files.column_list(classes),
            features or None,
            files.column_list(sensitive),
        )
    console.print(f"Registered {made.name} {made.version} ({made.task.value}): {made.id}")


@predictions_app.command("models")
@clean_errors
def list_models(
    system: Annotated[str | None, typer.Option("--system")] = None, as_json: JsonOption = False
) -> None:
    """Monitored models with their logged volume, label coverage and last prediction."""
    with database() as db, db.reading() as session:
        found = [
            ModelOut.of(s) for s in service.list_models(session, cli_context().principal, system)
        ]
    if as_json:
        print_json([m.model_dump(mode="json") for m in found])
        return
    table = new_table(
        "Monitored models",
        "system",
        "model",
        "version",
        "task",
        "predictions",
        "labelled",
        "last prediction",
    )
    for m in found:
        coverage = "-" if m.label_coverage is None else f"{m.label_coverage:.0%}"
        last = "-" if m.last_prediction_at is None else m.last_prediction_at.isoformat()
        add_row(
            table,
            m.system,
            m.name,
            m.version,
            m.task.value,
            str(m.predictions),
            f"{m.labelled} ({coverage})",
            last,
        )
    console.print(table)
