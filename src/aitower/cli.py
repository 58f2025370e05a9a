"""The ``aitower`` command: the core's commands, ``serve``, and every capability's commands.

``build_app`` starts from the core's root (``version``, ``db``), adds ``serve``, the access and
audit groups, each capability's commands in the order of ``aitower.app.CAPABILITIES``, the
demo and the permission doc (both need the whole app).
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Sequence
from pathlib import Path
from typing import Annotated

import typer

from aitower import __version__
from aitower.app import CAPABILITIES
from aitower.core.access import cli as access_cli
from aitower.core.access.permissions_doc import render_permissions_markdown
from aitower.core.access.roles import CorePermission, Permission
from aitower.core.audit import cli as audit_cli
from aitower.core.cli.context import clean_errors, console, fail, open_database, settings
from aitower.core.cli.root import build_root_app
from aitower.core.db import migrate
from aitower.core.db.engine import Database
from aitower.core.db.migrate import upgrade
from aitower.core.settings import InsecureSettingsError, Settings
from aitower.core.slice import Slice
from aitower.demo import register as register_demo

permissions_app = typer.Typer(
    help="The permission matrix: generate docs/permissions.md.", no_args_is_help=True
)

DEFAULT_PERMISSIONS_DOC = Path("docs/permissions.md")


def build_app(capabilities: Sequence[Slice] = CAPABILITIES) -> typer.Typer:
    """The whole ``aitower`` command."""
    app = build_root_app()
    app.command()(serve)
    access_cli.register(app)
    app.add_typer(permissions_app, name="permissions")
    audit_cli.register(app)
    for register in (r for capability in capabilities for r in capability.cli):
        register(app)
    register_demo(app)
    return app


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

    from aitower.app import create_app
    from aitower.core.access.sso import mapping_of
    from aitower.core.access.sso_mapping import SsoSettingsError
    from aitower.demo import load_demo_if_empty

    chosen = settings()
    try:
        chosen.check_secure()
        mapping_of(chosen)
    except (InsecureSettingsError, SsoSettingsError) as exc:
        raise fail(str(exc), 2) from None
    db = open_database(chosen, require_current=False)
    state = migrate.schema_state(db.engine)
    if not state.known:
        raise fail(state.explain())
    if not state.up_to_date:
        migrate.upgrade(db.engine)
    bind_host, bind_port = host or chosen.host, port or chosen.port
    # The app binds its own servers (OTLP/gRPC) to the same address as the web port.
    chosen = chosen.model_copy(update={"host": bind_host, "port": bind_port})
    if demo:
        load_demo_if_empty(db, console, settings=chosen)
    db.dispose()
    console.print(
        f"[bold]aitower[/] {__version__} serving on [link]http://{bind_host}:{bind_port}[/]"
        f"  (API docs: http://{bind_host}:{bind_port}/api/docs)"
        + (f"; OTLP/gRPC on {bind_host}:{chosen.otlp_grpc_port}" if chosen.otlp_grpc_port else "")
    )
    if workers == 1:
        uvicorn.run(
            create_app(chosen),
            host=bind_host,
            port=bind_port,
            log_level=chosen.log_level,
            proxy_headers=True,
            forwarded_allow_ips=chosen.trusted_proxies,
        )
    else:
        # Each worker process builds its app from the environment and starts the OTLP/gRPC
        # endpoint: they share its port, as they share the web port.
        os.environ["AITOWER_OTLP_GRPC_REUSE_PORT"] = "1"
        os.environ["AITOWER_HOST"] = bind_host
        uvicorn.run(
            "aitower.asgi:app",
            host=bind_host,
            port=bind_port,
            workers=workers,
            log_level=chosen.log_level,
            proxy_headers=True,
            forwarded_allow_ips=chosen.trusted_proxies,
        )


def permissions_markdown() -> str:
    """Render the doc from the real app, built on a throwaway migrated SQLite database."""
    from aitower.app import create_app  # the web stack only for this command

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
            groups: list[type[Permission]] = [CorePermission]
            groups += [g for c in CAPABILITIES for g in c.permissions]
            return render_permissions_markdown(create_app(chosen, database=db).routes, groups)
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


def main() -> None:
    build_app()()
