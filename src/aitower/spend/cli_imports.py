"""``aitower spend``: import bills and spend templates, list and undo imports, map bills.

``aitower spend import KIND FILE`` streams the file (a bar on a terminal), then stores it in
one transaction; a refused file prints every error with its row, column and value and exits 1
having stored nothing. ``spend imports list|undo`` and ``spend mappings list|add|remove``.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Annotated

import typer
from rich.progress import (
    BarColumn,
    DownloadColumn,
    Progress,
    TextColumn,
    TimeRemainingColumn,
    TransferSpeedColumn,
)

from aitower.core.access.cli_shared import add_row, new_table
from aitower.core.cli.context import clean_errors, cli_context, console, database, err_console
from aitower.core.errors import InvalidInput
from aitower.core.web.money import format_usd
from aitower.spend import import_service, import_views, mappings_service
from aitower.spend.sources import ImportKind, parse_rates

spend_app = typer.Typer(
    help="Spend: imported bills and their mapping to systems.", no_args_is_help=True
)
imports_app = typer.Typer(help="Imports: list them, undo one.", no_args_is_help=True)
mappings_app = typer.Typer(
    help="Rules mapping bills' tags and accounts to systems.", no_args_is_help=True
)
spend_app.add_typer(imports_app, name="imports")
spend_app.add_typer(mappings_app, name="mappings")


@contextmanager
def _progress(label: str, total: int) -> Iterator[Callable[[int], None]]:
    """A transient bar on stderr (bytes read, speed) when it is a terminal."""
    columns = (
        TextColumn("{task.description}"), BarColumn(), DownloadColumn(), TransferSpeedColumn(),
        TimeRemainingColumn(),
    )  # fmt: skip
    shown = err_console.is_terminal
    with Progress(*columns, console=err_console, transient=True, disable=not shown) as progress:
        task = progress.add_task(label, total=total)
        yield lambda done: progress.update(task, completed=done)


@spend_app.command("import")
@clean_errors
def import_file(
    kind: Annotated[ImportKind, typer.Argument(help="What the file is.")],
    file: Annotated[Path, typer.Argument(help="CSV or Parquet file.", exists=True, dir_okay=False)],
    rates: Annotated[
        str, typer.Option(help="USD per unit of other currencies: EUR=1.08,GBP=1.27")
    ] = "",
) -> None:
    """Import a cloud bill or a template; all or nothing. Exit 1 if refused."""
    try:
        known = parse_rates(rates)
    except ValueError as exc:
        raise InvalidInput.on("rates", str(exc)) from None
    with file.open("rb") as stream, _progress(f"Reading {file.name}", file.stat().st_size) as tick:
        read = import_service.read_import(kind, stream, file.name, known, tick)
    try:
        with database() as db, db.writing() as session:
            row = import_service.store_import(session, cli_context(), read)
            summary = (row.id, row.records_stored, row.total_amount, row.unmapped_amount)
    except import_service.ImportRefused as refused:
        _errors(refused)
        raise typer.Exit(1) from None
    import_id, records, total, unmapped = summary
    console.print(
        f"Imported {read.rows_read:,} rows of {file.name} as {records:,} records: "
        f"{format_usd(total)}, of which {format_usd(unmapped)} unattributed. Import {import_id}"
    )


def _errors(refused: import_service.ImportRefused) -> None:
    table = new_table("Errors", "row", "column", "value", "reason")
    for e in refused.errors:
        add_row(table, str(e.row or "file"), e.column, e.value, e.reason)
    err_console.print(table)
    err_console.print(refused.detail, highlight=False)


@imports_app.command("list")
@clean_errors
def list_imports(limit: Annotated[int, typer.Option(min=1, max=1000)] = 50) -> None:
    """The newest imports first."""
    principal = cli_context().principal
    with database() as db, db.reading() as session:
        views, total = import_views.list_imports(session, principal, limit=limit)
    table = new_table(
        f"Imports ({total})", "id", "when", "kind", "file", "rows", "amount", "unattributed"
    )
    for v in views:
        add_row(
            table, str(v.id), f"{v.created_at:%Y-%m-%d %H:%M}", v.kind, v.file_name,
            f"{v.rows_read:,}", format_usd(v.total),
            "" if v.unmapped is None else format_usd(v.unmapped),
        )  # fmt: skip
    console.print(table)


@imports_app.command("undo")
@clean_errors
def undo(import_id: Annotated[uuid.UUID, typer.Argument(help="The import's id.")]) -> None:
    """Delete an import's records (audited)."""
    with database() as db, db.writing() as session:
        row = import_service.undo_import(session, cli_context(), import_id)
        name = row.file_name
    console.print(f"Undid import {import_id} ({name}).")


@mappings_app.command("list")
@clean_errors
def list_mappings() -> None:
    """Every rule, and the system it maps to."""
    with database() as db, db.reading() as session:
        rules = [(r.id, r.match_kind, r.match_key, r.match_value, n, r.note)
                 for r, n in mappings_service.list_mappings(session)]  # fmt: skip
    table = new_table("Mappings", "id", "match", "key", "value", "system", "note")
    for found in rules:
        add_row(table, *(str(c) for c in found))
    console.print(table)


@mappings_app.command("add")
@clean_errors
def add_mapping(
    kind: Annotated[str, typer.Argument(help="tag, account or resource_group")],
    value: Annotated[str, typer.Argument(help="The tag's value, the account or the group.")],
    system: Annotated[str, typer.Argument(help="The AI system: id or exact name.")],
    key: Annotated[str, typer.Option(help="The tag's key (tag rules).")] = "",
    note: Annotated[str, typer.Option()] = "",
) -> None:
    """Add a rule; unattributed bill lines it matches are attributed at once."""
    with database() as db, db.writing() as session:
        row, moved = mappings_service.create_mapping(
            session, cli_context(), kind, key, value, system, note
        )
        made = row.id
    console.print(f"Added rule {made}; {moved} records re-attributed.")


@mappings_app.command("remove")
@clean_errors
def remove_mapping(mapping_id: Annotated[uuid.UUID, typer.Argument()]) -> None:
    """Remove a rule (records it attributed stay attributed)."""
    with database() as db, db.writing() as session:
        mappings_service.delete_mapping(session, cli_context(), mapping_id)
    console.print(f"Removed rule {mapping_id}.")


def register(app: typer.Typer) -> None:
    """Add ``aitower spend`` to the root command."""
    app.add_typer(spend_app, name="spend")
