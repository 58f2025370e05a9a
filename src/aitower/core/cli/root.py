"""The core of the ``aitower`` command: ``version`` and the database commands."""

from __future__ import annotations

import typer

from aitower import __version__
from aitower.core.cli.context import clean_errors, console, fail, open_database
from aitower.core.db import migrate

db_app = typer.Typer(help="Database schema: upgrade, show, check.", no_args_is_help=True)


def build_root_app() -> typer.Typer:
    """The ``aitower`` command with the core's own commands: ``version`` and ``db``.

    The composition root (``aitower.cli``) adds ``serve``, the access and audit groups and
    every capability's commands to it.
    """
    app = typer.Typer(
        name="aitower",
        help="aitower: the command center of an AI Operations team.",
        no_args_is_help=True,
        pretty_exceptions_enable=False,
        add_completion=False,
    )
    app.command()(version)
    app.add_typer(db_app, name="db")
    return app


def version() -> None:
    """Print the aitower version."""
    console.print(__version__)


@db_app.command("upgrade")
@clean_errors
def db_upgrade() -> None:
    """Apply every pending migration."""
    db = open_database(require_current=False)
    state = migrate.schema_state(db.engine)
    if not state.known:
        raise fail(state.explain())
    migrate.upgrade(db.engine)
    console.print(migrate.schema_state(db.engine).explain())


@db_app.command("current")
@clean_errors
def db_current() -> None:
    """Show the database's schema revision and the head this aitower expects."""
    db = open_database(require_current=False)
    state = migrate.schema_state(db.engine)
    console.print(f"current: {state.current or '(empty)'}\nhead:    {state.head}")


@db_app.command("check")
@clean_errors
def db_check() -> None:
    """Exit 0 when the schema is current, 1 (with the reason) when it is not."""
    db = open_database(require_current=False)
    state = migrate.schema_state(db.engine)
    if not state.up_to_date:
        raise fail(state.explain())
    console.print(state.explain())
