"""``aitower telemetry``: telemetry sources and retention from the server's shell."""

from __future__ import annotations

import typer
from sqlalchemy import select

from aitower.core.access.cli_shared import add_row, new_table
from aitower.core.cli.context import clean_errors, console, database
from aitower.core.db.base import utcnow
from aitower.inventory import service as inventory
from aitower.telemetry import cli_reattribution, cli_search
from aitower.telemetry.retention import purge as purge_expired
from aitower.telemetry.tables import SourceRow

telemetry_app = typer.Typer(
    help="Telemetry: the services that send traces, content search, and retention.",
    no_args_is_help=True,
)


@telemetry_app.command("sources")
@clean_errors
def sources() -> None:
    """Every service.name that sent traces, and the system that claims it (if any)."""
    with database() as db, db.reading() as session:
        rows = list(session.execute(select(SourceRow).order_by(SourceRow.spans.desc())).scalars())
        claimed = inventory.systems_for_services(session, [r.service_name for r in rows])
        names = inventory.system_names(session, set(claimed.values()))
    table = new_table(
        "Telemetry sources",
        *("service.name", "system", "spans", "LLM calls", "tokens", "models", "last seen"),
    )
    for row in rows:
        system_id = claimed.get(row.service_name)
        owner = names.get(system_id, "") if system_id else "(unregistered)"
        add_row(
            table,
            row.service_name,
            owner,
            f"{row.spans:,}",
            f"{row.llm_calls:,}",
            f"{row.tokens:,}",
            ", ".join(row.models),
            f"{row.last_seen:%Y-%m-%d %H:%M}",
        )
    console.print(table)


@telemetry_app.command("purge")
@clean_errors
def purge() -> None:
    """Delete raw spans and rollups older than their retention (the server also does this)."""
    with database() as db:
        result = purge_expired(db, utcnow())
    console.print(
        f"Purged {result.traces:,} traces ({result.spans:,} spans) and "
        f"{result.rollup_rows:,} rollup rows."
    )


def register(app: typer.Typer) -> None:
    """Add this slice's commands to the root command."""
    cli_reattribution.register(telemetry_app)
    cli_search.register(telemetry_app)
    app.add_typer(telemetry_app, name="telemetry")
