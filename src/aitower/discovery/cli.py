"""``aitower discover …``: discovered AI use, the catalog and triage from the server's shell
(as an organisation-wide admin, like every CLI command).

``discover_app`` is the group; the scanners' commands (``discover logs|code|expenses FILE``)
join it and store what they find through ``scans.record_scan``.
"""

from __future__ import annotations

import uuid
from datetime import date
from typing import Annotated

import typer

from aitower.core.access.cli_shared import add_row, new_table
from aitower.core.cli.context import clean_errors, cli_context, console, database
from aitower.core.errors import InvalidInput
from aitower.discovery import catalog_service, triage
from aitower.discovery.cli_duplicates import add_duplicate_commands
from aitower.discovery.cli_expenses import scan_expenses_command
from aitower.discovery.cli_scans import add_scan_commands
from aitower.discovery.findings import (
    FindingFilter,
    FindingKind,
    FindingStatus,
    FindingView,
    all_findings,
)
from aitower.discovery.sanction import SanctionStatus

discover_app = typer.Typer(help="Discovery: shadow AI found in logs, code, expenses and telemetry.",
                           no_args_is_help=True)  # fmt: skip
triage_app = typer.Typer(help="Triage a finding: register, sanction, block, dismiss, assign.",
                         no_args_is_help=True)  # fmt: skip


def _show(view: FindingView, verb: str) -> None:
    console.print(f"{verb} finding {view.id} ({view.service_name}): {view.status.value}.")


@discover_app.command("findings")
@clean_errors
def findings(
    status: Annotated[FindingStatus | None, typer.Option(help="Only this status.")] = None,
    kind: Annotated[FindingKind | None, typer.Option(help="Only this kind.")] = None,
    service: Annotated[str | None, typer.Option(help="Only this service id.")] = None,
    unsanctioned: Annotated[bool, typer.Option(help="Only services not sanctioned.")] = False,
) -> None:
    """Discovered AI use, highest risk first."""
    wanted = FindingFilter(status, kind, None, service, False if unsanctioned else None)
    with database() as db, db.reading() as session:
        found = all_findings(session, cli_context().principal, wanted)
    table = new_table("Findings", "id", "kind", "service", "unit", "user", "requests", "risk",
                      "sanction", "status", "owner")  # fmt: skip
    for f in found:
        add_row(table, str(f.id), f.kind.value, f.service_name, f.unit, f.user, str(f.requests),
                str(f.risk_score), f.sanction.value if f.sanction else "-", f.status.value,
                f.owner)  # fmt: skip
    console.print(table)


@discover_app.command("catalog")
@clean_errors
def catalog(
    category: Annotated[str | None, typer.Option(help="Only this category.")] = None,
) -> None:
    """The AI services discovery recognises and their organisation-wide sanction."""
    with database() as db, db.reading() as session:
        found = catalog_service.list_services(session)
    table = new_table("AI service catalog", "id", "name", "vendor", "category", "trains on data",
                      "sanction", "per unit")  # fmt: skip
    for v in found:
        if category and v.entry.category.value != category:
            continue
        trains = {True: "yes", False: "no", None: "?"}[v.entry.trains_on_customer_data]
        add_row(table, v.entry.id, v.entry.name, v.entry.vendor, v.entry.category.value, trains,
                v.sanction.value, str(len(v.unit_sanctions)))  # fmt: skip
    console.print(table)


@discover_app.command("sanction")
@clean_errors
def sanction_service(
    service_id: Annotated[str, typer.Argument(help="The service's catalog id.")],
    status: Annotated[SanctionStatus, typer.Argument(help="The decision.")],
    unit: Annotated[
        uuid.UUID | None, typer.Option(help="A unit's id (default: organisation).")
    ] = None,
    reason: Annotated[str, typer.Option(help="Why (required to block).")] = "",
) -> None:
    """Decide a catalog service's sanction status (audited)."""
    with database() as db, db.writing() as session:
        catalog_service.set_sanction(session, cli_context(), service_id, status, unit, reason)
    console.print(f"{service_id}: {status.value}{f' for unit {unit}' if unit else ''}.")


@triage_app.command("register")
@clean_errors
def register(
    finding_id: Annotated[uuid.UUID, typer.Argument(help="The finding's id.")],
    name: Annotated[str, typer.Option(help="The system's name (default: the service's).")] = "",
    unit: Annotated[str, typer.Option(help="Its unit (default: the finding's).")] = "",
) -> None:
    """Register the finding as an AI system, prefilled (audited)."""
    with database() as db, db.writing() as session:
        made = triage.register(session, cli_context(), finding_id, {"name": name, "unit": unit})
    _show(made, "Registered")


@triage_app.command("sanction")
@clean_errors
def sanction(
    finding_id: Annotated[uuid.UUID, typer.Argument(help="The finding's id.")],
    reason: Annotated[str, typer.Option(help="Why.")] = "",
) -> None:
    """Sanction the finding's service for its unit (audited)."""
    with database() as db, db.writing() as session:
        made = triage.sanction(session, cli_context(), finding_id, reason)
    _show(made, "Sanctioned")


@triage_app.command("block")
@clean_errors
def block(
    finding_id: Annotated[uuid.UUID, typer.Argument(help="The finding's id.")],
    reason: Annotated[str, typer.Option(help="Why (required).")] = "",
) -> None:
    """Block the finding's service for its unit: a policy decision (audited)."""
    with database() as db, db.writing() as session:
        made = triage.block(session, cli_context(), finding_id, reason)
    _show(made, "Blocked")


@triage_app.command("dismiss")
@clean_errors
def dismiss(
    finding_id: Annotated[uuid.UUID, typer.Argument(help="The finding's id.")],
    reason: Annotated[str, typer.Option(help="Why (required).")] = "",
) -> None:
    """Dismiss the finding with a reason (audited)."""
    with database() as db, db.writing() as session:
        made = triage.dismiss(session, cli_context(), finding_id, reason)
    _show(made, "Dismissed")


@triage_app.command("assign")
@clean_errors
def assign(
    finding_id: Annotated[uuid.UUID, typer.Argument(help="The finding's id.")],
    owner: Annotated[str, typer.Option(help="A username (empty: nobody).")] = "",
    due: Annotated[str | None, typer.Option(help="Due date, YYYY-MM-DD.")] = None,
) -> None:
    """Give the finding an owner and a due date (audited)."""
    try:
        due_date = None if due is None else date.fromisoformat(due)
    except ValueError:
        raise InvalidInput.on("due", "must be a date (YYYY-MM-DD)") from None
    with database() as db, db.writing() as session:
        made = triage.assign(session, cli_context(), finding_id, owner, due_date)
    _show(made, "Assigned")


discover_app.add_typer(triage_app, name="triage")
add_scan_commands(discover_app)
add_duplicate_commands(discover_app)
discover_app.command("expenses")(scan_expenses_command)


def register_cli(app: typer.Typer) -> None:
    """Add ``aitower discover`` to the root command."""
    app.add_typer(discover_app, name="discover")
