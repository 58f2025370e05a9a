"""``aitower spend report`` and ``aitower spend budgets …``: cost over time and budgets from
the server's shell (as an organisation-wide admin, like every CLI command).

``register`` adds these commands to the ``spend`` group, made here unless another part of the
slice (the imports) made it already.
"""

from __future__ import annotations

import uuid
from datetime import date
from pathlib import Path
from typing import Annotated

import typer

from aitower.core.access.cli_shared import add_row, new_table
from aitower.core.cli.context import clean_errors, cli_context, console, database
from aitower.core.db.base import utcnow
from aitower.core.errors import InvalidInput
from aitower.core.web.money import format_usd
from aitower.spend import budgets as service
from aitower.spend import over_time_report as reports
from aitower.spend.api_costs import default_range
from aitower.spend.budget_rules import parse_spec
from aitower.spend.budget_status import budget_status
from aitower.spend.over_time import Grain, GroupBy, report_csv

spend_app = typer.Typer(
    help="Spend: cost over time from every source, budgets.", no_args_is_help=True
)
budgets_app = typer.Typer(help="Budgets per system, unit, vendor or model.", no_args_is_help=True)


def _day(value: str | None, field: str, default: date) -> date:
    if value is None:
        return default
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise InvalidInput.on(field, "must be a date (YYYY-MM-DD)") from None


@clean_errors
def report(
    group_by: Annotated[GroupBy, typer.Option(help="What each row is.")] = GroupBy.system,
    grain: Annotated[Grain, typer.Option(help="Period of each column.")] = Grain.monthly,
    start: Annotated[str | None, typer.Option(help="First day (default: 11 months ago).")] = None,
    end: Annotated[str | None, typer.Option(help="Day after the last (default: tomorrow).")] = None,
    csv: Annotated[Path | None, typer.Option(help="Also write the report as CSV here.")] = None,
) -> None:
    """Cost per system, unit, vendor, model or source, per day, month or quarter."""
    first, last = default_range(utcnow().date())
    begin, stop = _day(start, "start", first), _day(end, "end", last)
    principal = cli_context().principal
    with database() as db, db.reading() as session:
        scope = reports.cost_scope(session, principal)
        found = reports.report(session, scope, begin, stop, grain, group_by)
    shown = found.top()
    table = new_table(f"Cost by {group_by.value}, {grain.value}", "period",
                      *[g.label for g in shown], "total")  # fmt: skip
    for i, label in enumerate(found.labels):
        add_row(table, label, *[format_usd(g.amounts[i]) for g in shown],
                format_usd(found.totals[i]))  # fmt: skip
    add_row(table, "total", *[format_usd(g.total) for g in shown], format_usd(found.total))
    console.print(table)
    if csv is not None:
        csv.write_text(report_csv(found), encoding="utf-8")
        console.print(f"Wrote {csv} ({len(found.groups)} groups).")


@budgets_app.command("list")
@clean_errors
def list_budgets() -> None:
    """Every budget with what is spent and forecast this period."""
    today = utcnow().date()
    with database() as db, db.reading() as session:
        found = service.list_budgets(session, cli_context().principal)
        statuses = [budget_status(session, b, today) for b in found]
    table = new_table("Budgets", "id", "name", "for", "period", "budget", "spent", "forecast",
                      "state")  # fmt: skip
    for s in statuses:
        spec = s.budget.spec
        scope = f"{spec.scope_kind.value}: {s.budget.scope_label}"
        add_row(table, str(s.budget.id), spec.name, scope,
                spec.period.value, format_usd(spec.amount), format_usd(s.spent),
                format_usd(s.forecast), s.state.value)  # fmt: skip
    console.print(table)


@budgets_app.command("add")
@clean_errors
def add_budget(
    name: Annotated[str, typer.Option(help="The budget's name.")],
    scope_kind: Annotated[str, typer.Option(help="system, unit, vendor or model.")],
    scope_value: Annotated[str, typer.Option(help="A system's or unit's id; a vendor or model.")],
    amount: Annotated[float, typer.Option(help="USD per period.")],
    period: Annotated[str, typer.Option(help="monthly or quarterly.")] = "monthly",
    soft_percent: Annotated[float, typer.Option()] = 80.0,
    hard_percent: Annotated[float, typer.Option()] = 100.0,
    starts_on: Annotated[
        str | None, typer.Option(help="First day (default: this month's).")
    ] = None,
    owner: Annotated[str, typer.Option()] = "",
) -> None:
    """Add a budget (audited)."""
    spec = parse_spec({
        "name": name, "scope_kind": scope_kind, "scope_value": scope_value, "amount": amount,
        "period": period, "soft_percent": soft_percent, "hard_percent": hard_percent,
        "starts_on": starts_on or utcnow().date().replace(day=1).isoformat(), "owner": owner,
    })  # fmt: skip
    with database() as db, db.writing() as session:
        made = service.create_budget(session, cli_context(), spec)
    console.print(f"Added budget {made.id} ({made.spec.name}).")


@budgets_app.command("remove")
@clean_errors
def remove_budget(budget_id: Annotated[uuid.UUID, typer.Argument(help="The budget's id.")]) -> None:
    """Remove a budget (audited)."""
    with database() as db, db.writing() as session:
        service.delete_budget(session, cli_context(), budget_id)
    console.print(f"Removed budget {budget_id}.")


def _group(app: typer.Typer) -> typer.Typer:
    for info in app.registered_groups:
        if info.name == "spend" and info.typer_instance is not None:
            return info.typer_instance
    app.add_typer(spend_app, name="spend")
    return spend_app


def register(app: typer.Typer) -> None:
    """Add ``report`` and ``budgets`` to ``aitower spend``."""
    group = _group(app)
    if all(c.name != "report" for c in group.registered_commands):
        group.command("report")(report)
    if all(g.name != "budgets" for g in group.registered_groups):
        group.add_typer(budgets_app, name="budgets")
