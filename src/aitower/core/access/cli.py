"""``aitower users|units|apikeys``: access administration from the server's shell.

The CLI acts as ``cli:<os user>``, an administrator (whoever can run it on the server owns the
database), through the same services as the API, so every change lands on the audit trail.
Passwords never come from an option (it would stay in the shell history): they are typed at a
hidden prompt or piped on stdin.
"""

from __future__ import annotations

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
from aitower.core.access.schemas import UnitOut
from aitower.core.cli.context import clean_errors, cli_context, console, database

units_app = typer.Typer(help="Business units: create and list.", no_args_is_help=True)


def register(app: typer.Typer) -> None:
    """Add the access commands to the root ``aitower`` command."""
    app.add_typer(users_app, name="users")
    app.add_typer(units_app, name="units")
    app.add_typer(apikeys_app, name="apikeys")


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
