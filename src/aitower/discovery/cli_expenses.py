"""``aitower discover expenses FILE``: a card or expense export matched to the catalog's AI
services, stored as findings and as spend (``expenses.record_expense_file``).

The file is read with a bar on a terminal (bytes); a file that cannot be read as said, a
mapping naming a column it lacks or a currency without ``--rate`` is refused naming the
problem, and nothing is stored.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.progress import BarColumn, DownloadColumn, Progress, TextColumn, TimeElapsedColumn

from aitower.core.access.cli_shared import add_row, new_table
from aitower.core.cli.context import clean_errors, cli_context, console, database, err_console
from aitower.core.errors import InvalidInput
from aitower.discovery.expenses import ExpenseResult, record_expense_file
from aitower.discovery.expenses_read import FIELDS, LAYOUTS
from aitower.discovery.log_upload import parse_mapping  # one rule for --map
from aitower.spend.sources import parse_rates


def _rates(pairs: list[str]) -> dict[str, float]:
    try:
        return parse_rates(",".join(pairs))
    except ValueError as exc:
        raise InvalidInput.on("rate", str(exc)) from None


@clean_errors
def scan_expenses_command(
    file: Annotated[Path, typer.Argument(help="A card or expense export (CSV).")],
    fmt: Annotated[str, typer.Option("--format", help=f"One of: {', '.join(LAYOUTS)}.")] = "csv",
    mapping: Annotated[
        list[str] | None,
        typer.Option("--map", help=f"FIELD=COLUMN ({', '.join(FIELDS)}); repeat."),
    ] = None,
    rate: Annotated[
        list[str] | None,
        typer.Option("--rate", help="USD per unit of another currency: EUR=1.08; repeat."),
    ] = None,
    unit: Annotated[
        str | None,
        typer.Option(
            help="The unit of cardholders whose department names none (id, name or slug)."
        ),
    ] = None,
) -> None:
    """Find AI subscriptions bought on cards; store them as findings and as spend (audited;
    the same file twice is refused)."""
    if fmt not in LAYOUTS:
        raise InvalidInput.on("format", f"must be one of {', '.join(LAYOUTS)}")
    if not file.is_file():
        raise InvalidInput.on("file", f"{file} is not a file")
    columns = (TextColumn("{task.description}"), BarColumn(), DownloadColumn(),
               TimeElapsedColumn())  # fmt: skip
    shown = err_console.is_terminal
    given, rates = parse_mapping(mapping or [], "map"), _rates(rate or [])
    with Progress(*columns, console=err_console, transient=True, disable=not shown) as bar:
        task = bar.add_task(f"Reading {file.name}", total=None)
        with database() as db, db.writing() as session:
            found = record_expense_file(
                session, cli_context(), file, file.name, fmt, given, rates, unit,
                progress=lambda done, total: bar.update(task, completed=done, total=total),
            )  # fmt: skip
    _print(found)


def _print(found: ExpenseResult) -> None:
    table = new_table("AI services on the cards", "service", "charges", "cardholders",
                      "amount (USD)", "unsanctioned (USD)")  # fmt: skip
    for s in found.services:
        add_row(table, s.name, f"{s.charges:,}", f"{s.cardholders:,}", f"{s.amount_usd:,.2f}",
                f"{s.unsanctioned_usd:,.2f}")  # fmt: skip
    console.print(table)
    console.print(
        f"Read {found.rows:,} rows: {found.scan.matched:,} charges to AI services "
        f"({found.amount_usd:,.2f} USD, {found.unsanctioned_usd:,.2f} unsanctioned), "
        f"{found.unmatched_charges:,} unmatched ({found.unmatched_usd:,.2f} USD), "
        f"{found.malformed:,} malformed; {found.scan.findings_new} new and "
        f"{found.scan.findings_merged} merged findings (scan {found.scan.id})."
    )
    for bad in found.malformed_rows[:5]:
        console.print(f"  row {bad.row}, {bad.column}: {bad.reason} ({bad.value!r})")
