"""``aitower demo``: create (or complete) the demo organisation from the command line."""

from __future__ import annotations

from typing import Annotated

import typer

from aitower.core.access.cli_shared import local_url, read_password
from aitower.core.cli.context import clean_errors, cli_context, console, database, settings
from aitower.core.demo.loader import (
    choose_password,
    load_demo,
    load_history_with_progress,
    print_summary,
)
from aitower.core.demo.organisation import DEMO_PASSWORD_ENV


def register(app: typer.Typer) -> None:
    """Add ``aitower demo`` to the root command."""
    app.command("demo")(demo)


@clean_errors
def demo(
    password_stdin: Annotated[
        bool,
        typer.Option(
            "--password-stdin",
            help=f"Read the demo users' password from stdin (else {DEMO_PASSWORD_ENV}, else the "
            "well-known 'aitower-demo' in dev mode, else a random one printed once).",
        ),
    ] = False,
) -> None:
    """Create the demo organisation: six business units, one user per role, an API key.

    Safe to run again: it adds only what is missing, and says so when nothing was.
    """
    chosen = settings()
    password = choose_password(chosen, read_password(True) if password_stdin else None)
    with database() as db:
        result = load_demo(db, cli_context(), password)
        assert result is not None  # only load_demo(only_if_empty=True) can skip
        load_history_with_progress(db, result, console, chosen.demo_traffic_scale)
    print_summary(console, result, local_url(chosen))
