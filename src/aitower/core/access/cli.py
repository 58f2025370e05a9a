"""``aitower users|units|apikeys|permissions``: access administration from the server's shell.

The CLI acts as ``cli:<os user>``, an administrator (whoever can run it on the server owns the
database), through the same services as the API, so every change lands on the audit trail.
Passwords never come from an option (it would stay in the shell history): they are typed at a
hidden prompt or piped on stdin.
"""

from __future__ import annotations

import tempfile
from pathlib import Path
from typing import Annotated

import typer
from rich.markup import escape

from aitower.core.access import service
from aitower.core.access.cli_keys import apikeys_app
from aitower.core.access.cli_shared import (
    JsonOption,
    add_row,
    new_table,
    print_json,
)
from aitower.core.access.cli_users import users_app
from aitower.core.access.permissions_doc import render_permissions_markdown
from aitower.core.access.schemas import UnitOut
from aitower.core.cli.context import clean_errors, cli_context, console, database, fail
from aitower.core.db.engine import Database
from aitower.core.db.migrate import upgrade
from aitower.core.settings import Settings

units_app = typer.Typer(help="Business units: create and list.", no_args_is_help=True)
permissions_app = typer.Typer(
    help="The permission matrix: generate docs/permissions.md.", no_args_is_help=True
)

DEFAULT_PERMISSIONS_DOC = Path("docs/permissions.md")


def register(app: typer.Typer) -> None:
    """Add the access commands to the root ``aitower`` command."""
    app.add_typer(users_app, name="users")
    app.add_typer(units_app, name="units")
    app.add_typer(apikeys_app, name="apikeys")
    app.add_typer(permissions_app, name="permissions")


# --- units -----------------------------------------------------------------------------------


@units_app.command("create")
@clean_errors
def create_unit(
    name: Annotated[str, typer.Argument(help="Unit name, e.g. 'Customer Support'.")],
    description: Annotated[str, typer.Option(help="What the unit does.")] = "",
) -> None:
    """Create a business unit (its slug is derived from the name)."""
    with database() as db, db.writing() as session:
        unit = service.create_unit(session, cli_context(), name, description)
    console.print(f"Created business unit [bold]{escape(unit.name)}[/] (slug {unit.slug}).")


@units_app.command("list")
@clean_errors
def list_units(as_json: JsonOption = False) -> None:
    """List business units."""
    with database() as db, db.reading() as session:
        units = service.list_units(session)
    if as_json:
        print_json([UnitOut.of(u).model_dump(mode="json") for u in units])
        return
    table = new_table(f"{len(units)} business units", "name", "slug", "description", "id")
    for unit in units:
        add_row(table, unit.name, unit.slug, unit.description, str(unit.id))
    console.print(table)


# --- permissions doc -------------------------------------------------------------------------


def permissions_markdown() -> str:
    """Render the doc from the real app, built on a throwaway migrated SQLite database."""
    from aitower.core.web.app import create_app  # the web stack only for this command

    with tempfile.TemporaryDirectory(prefix="aitower-doc-") as tmp:
        chosen = Settings(
            database_url=f"sqlite:///{tmp}/doc.db",
            data_dir=Path(tmp),
            secret_key="x" * 40,
            dev_mode=False,
        )
        db = Database(chosen.resolved_database_url)
        try:
            upgrade(db.engine)
            return render_permissions_markdown(create_app(chosen, database=db).routes)
        finally:
            db.dispose()


@permissions_app.command("doc")
@clean_errors
def permissions_doc(
    check: Annotated[
        bool, typer.Option("--check", help="Write nothing; exit 1 if the file is out of date.")
    ] = False,
    output: Annotated[Path, typer.Option(help="The file to write or check.")] = (
        DEFAULT_PERMISSIONS_DOC
    ),
) -> None:
    """Write docs/permissions.md: roles, the role × permission matrix, every route's permission."""
    text = permissions_markdown()
    if check:
        current = output.read_text(encoding="utf-8") if output.exists() else ""
        if current != text:
            raise fail(f"{output} is out of date; run 'aitower permissions doc'")
        console.print(f"{output} is up to date.", markup=False)
        return
    output.parent.mkdir(parents=True, exist_ok=True)
    output.write_text(text, encoding="utf-8")
    console.print(f"Wrote {output}.", markup=False)
