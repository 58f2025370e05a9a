"""``aitower frameworks``: list, show, import a custom framework, crosswalk an item.

A custom framework is a YAML file (docs/frameworks.md) kept where the organisation keeps its
standards; ``import FILE`` checks it and stores it, or names the field at fault.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.markup import escape

from aitower.core.access.cli_shared import add_row, new_table
from aitower.core.cli.context import clean_errors, cli_context, console, database, fail
from aitower.governance.frameworks import service
from aitower.governance.frameworks.catalog import Node

frameworks_app = typer.Typer(
    help="Frameworks: NIST AI RMF, ISO/IEC 42001 Annex A, imported ones, and crosswalks.",
    no_args_is_help=True,
)


def _counts(counts: dict[str, int]) -> str:
    return ", ".join(f"{n} {kind}" for kind, n in counts.items())


@frameworks_app.command("list")
@clean_errors
def list_frameworks() -> None:
    """Every framework, built-in and imported, with its items per kind."""
    with database() as db, db.reading() as session:
        found = service.list_frameworks(session)
    table = new_table("Frameworks", "Id", "Name", "Version", "Items", "Origin")
    for s in found:
        f = s.framework
        origin = "built-in" if f.builtin else f"imported by {s.imported_by}"
        add_row(table, f.id, f.name, f.version, _counts(f.counts()), origin)
    console.print(table)


def _print_tree(nodes: tuple[Node, ...], depth: int) -> None:
    for node in nodes:
        item = node.item
        console.print(f"{'  ' * depth}[bold]{escape(item.id)}[/] {escape(item.label)}")
        _print_tree(node.children, depth + 1)


@frameworks_app.command("show")
@clean_errors
def show(framework_id: Annotated[str, typer.Argument(help="The framework's id.")]) -> None:
    """A framework's source and its items as a tree."""
    with database() as db, db.reading() as session:
        detail = service.get_framework(session, framework_id)
    f = detail.framework
    console.print(f"[bold]{escape(f.name)}[/] ({escape(f.id)}, version {escape(f.version)})")
    console.print(f"Source: {escape(f.source.document)} {escape(f.source.url)}".rstrip())
    console.print(_counts(f.counts()))
    _print_tree(f.tree(), 0)


@frameworks_app.command("import")
@clean_errors
def import_framework(
    file: Annotated[Path, typer.Argument(help="The framework as YAML (docs/frameworks.md).")],
) -> None:
    """Check a custom framework and store it (its id must be new)."""
    if not file.is_file():
        raise fail(f"{file} is not a file")
    source = file.read_text(encoding="utf-8")
    with database() as db, db.writing() as session:
        found = service.import_framework(session, cli_context(), source)
    f = found.framework
    console.print(f"Imported {escape(f.id)}: {escape(f.name)} ({_counts(f.counts())}).")


@frameworks_app.command("crosswalk")
@clean_errors
def crosswalk(
    item: Annotated[str, typer.Argument(help="'Art. 9', 'GOVERN 1.1', 'A.6.2.6' or fw:item.")],
) -> None:
    """What an item maps to in the other frameworks, and who says so."""
    with database() as db, db.reading() as session:
        view = service.crosswalk(session, item)
    console.print(f"[bold]{escape(str(view.ref))}[/] {escape(view.label)}")
    table = new_table("Crosswalk", "Maps to", "Item", "Source")
    for e in view.related:
        add_row(table, str(e.ref), e.label, e.source)
    console.print(table)


def register(app: typer.Typer) -> None:
    """Add ``aitower frameworks`` to the root command."""
    app.add_typer(frameworks_app, name="frameworks")
