"""The root of the ``aitower`` command and the server and database commands."""

from __future__ import annotations

from typing import Annotated

import typer

from aitower import __version__
from aitower.core.cli.context import clean_errors, console, fail, open_database, settings
from aitower.core.db import migrate
from aitower.core.settings import InsecureSettingsError

db_app = typer.Typer(help="Database schema: upgrade, show, check.", no_args_is_help=True)


def build_app() -> typer.Typer:
    """The whole ``aitower`` command: the root's commands, then each slice's (``register``)."""
    from aitower.core.access import cli as access_cli
    from aitower.core.audit import cli as audit_cli
    from aitower.core.demo import cli as demo_cli
    from aitower.cost import cli as cost_cli
    from aitower.governance import cli as governance_cli
    from aitower.inventory import cli as inventory_cli
    from aitower.model_monitors import cli as model_monitors_cli
    from aitower.monitoring import cli as monitoring_cli
    from aitower.predictions import cli as predictions_cli
    from aitower.risk import cli as risk_cli
    from aitower.telemetry import cli as telemetry_cli

    app = typer.Typer(
        name="aitower",
        help="aitower: the command center of an AI Operations team.",
        no_args_is_help=True,
        pretty_exceptions_enable=False,
        add_completion=False,
    )
    app.command()(version)
    app.command()(serve)
    app.add_typer(db_app, name="db")
    slices = (
        *(access_cli, audit_cli, inventory_cli, risk_cli, governance_cli),
        *(telemetry_cli, cost_cli, monitoring_cli, predictions_cli, model_monitors_cli),
    )
    for module in (*slices, demo_cli):
        module.register(app)
    return app


def version() -> None:
    """Print the aitower version."""
    console.print(__version__)


@clean_errors
def serve(
    host: Annotated[str | None, typer.Option(help="Bind address (AITOWER_HOST).")] = None,
    port: Annotated[int | None, typer.Option(help="Port (AITOWER_PORT).", min=1, max=65535)] = None,
    demo: Annotated[
        bool, typer.Option("--demo", help="Load the demo organisation if the database is empty.")
    ] = False,
    workers: Annotated[int, typer.Option(min=1, max=64, help="Server worker processes.")] = 1,
) -> None:
    """Apply migrations, then serve the web UI and the REST API."""
    import uvicorn

    from aitower.core.demo.loader import load_demo_if_empty
    from aitower.core.web.app import create_app

    chosen = settings()
    try:
        chosen.check_secure()
    except InsecureSettingsError as exc:
        raise fail(str(exc), 2) from None
    db = open_database(chosen, require_current=False)
    state = migrate.schema_state(db.engine)
    if not state.known:
        raise fail(state.explain())
    if not state.up_to_date:
        migrate.upgrade(db.engine)
    bind_host, bind_port = host or chosen.host, port or chosen.port
    if demo:
        served = chosen.model_copy(update={"host": bind_host, "port": bind_port})
        load_demo_if_empty(db, console, settings=served)
    db.dispose()
    console.print(
        f"[bold]aitower[/] {__version__} serving on [link]http://{bind_host}:{bind_port}[/]"
        f"  (API docs: http://{bind_host}:{bind_port}/api/docs)"
    )
    if workers == 1:
        uvicorn.run(
            create_app(chosen),
            host=bind_host,
            port=bind_port,
            log_level=chosen.log_level,
            proxy_headers=True,
        )
    else:
        uvicorn.run(
            "aitower.core.web.asgi:app",
            host=bind_host,
            port=bind_port,
            workers=workers,
            log_level=chosen.log_level,
            proxy_headers=True,
        )


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


def main() -> None:
    build_app()()
