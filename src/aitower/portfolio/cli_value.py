"""``aitower value``: value models, ROI and portfolio decisions from the server's shell.

The CLI acts as an administrator (every system) through the same services as the API; a
declaration or decision made here is audited under the OS user's name. Other portfolio commands
(advice, reports) join the same group: ``value_app``.
"""

from __future__ import annotations

import uuid
from datetime import date
from typing import Annotated

import typer
from rich.markup import escape
from sqlalchemy.orm import Session

from aitower.core.access.cli_shared import add_row, new_table
from aitower.core.cli.context import clean_errors, cli_context, console, database
from aitower.core.db.base import utcnow
from aitower.core.errors import InvalidInput
from aitower.inventory.service import systems_by_reference
from aitower.portfolio import decisions, value_service
from aitower.portfolio.value_service import ValueModelFields
from aitower.portfolio.values import SystemValue, range_of, system_values

value_app = typer.Typer(
    help="Value and ROI per system, decisions, advice and the executive report.",
    no_args_is_help=True,
)
SystemArg = Annotated[str, typer.Argument(help="The system's id or name.")]
MonthsOpt = Annotated[int, typer.Option(min=1, max=36, help="Months in the range.")]
UntilOpt = Annotated[str, typer.Option(help="Last month included, YYYY-MM (last whole).")]


def _system(session: Session, ref: str) -> uuid.UUID:
    found = systems_by_reference(session, [ref]).get(ref)
    if found is None:
        raise InvalidInput.on("system", f"no system {ref!r}")
    return found


def _pct(value: float | None) -> str:
    return "—" if value is None else f"{value * 100:+,.0f} %"


def _line(v: SystemValue) -> list[str]:
    bases = ", ".join(sorted(v.bases)) or "—"
    value = f"{v.value:,.2f}" if v.model is not None else "not declared"
    payback = "—" if v.payback_months is None else f"{v.payback_months} mo"
    trend = "—" if v.roi_trend is None else f"{v.roi_trend * 100:+,.1f} pts"
    return [v.system.name, f"{v.cost:,.2f}", value, _pct(v.roi), payback, trend, bases]


@value_app.command("show")
@clean_errors
def show(
    system: Annotated[str, typer.Argument(help="A system (id or name); all when omitted.")] = "",
    months: MonthsOpt = 12,
    until: UntilOpt = "",
) -> None:
    """Cost, value (USD), ROI, payback and ROI trend per system; one system: per month."""
    principal = cli_context().principal
    start, end = range_of(months, until or None, utcnow().date())
    with database() as db, db.reading() as session:
        ids = None if not system else [_system(session, system)]
        found = system_values(session, principal, start, end, ids)
    table = new_table(
        f"Value and ROI, {start} to {end} (excl.)",
        "system",
        "cost",
        "value",
        "ROI",
        "payback",
        "ROI trend/mo",
        "uses",
    )
    for v in found:
        add_row(table, *_line(v))
    console.print(table)
    if system and found:
        months_table = new_table("Per month", "month", "cost", "value", "uses", "from", "adoption")
        for m in found[0].months:
            mv = m.value
            add_row(
                months_table,
                m.month.strftime("%Y-%m"),
                f"{m.cost:,.2f}",
                "—" if mv is None else f"{mv.total:,.2f}",
                "—" if mv is None else f"{mv.uses:,.0f}",
                "—" if mv is None else mv.uses_basis,
                "—" if mv is None else f"{mv.adoption * 100:.0f} % ({mv.adoption_basis})",
            )
        console.print(months_table)


@value_app.command("declare")
@clean_errors
def declare(
    system: SystemArg,
    use_driver: Annotated[str, typer.Option(help="requests, sessions or active_users.")] = (
        "requests"
    ),
    hours_saved_per_use: Annotated[float, typer.Option(help="Hours saved per use.")] = 0.0,
    loaded_hourly_rate: Annotated[float, typer.Option(help="USD per hour.")] = 0.0,
    uses_per_month: Annotated[
        float | None, typer.Option(help="Declared uses per month (when not measured).")
    ] = None,
    eligible_users: Annotated[int | None, typer.Option(help="People who could use it.")] = None,
    adoption_percent: Annotated[
        float | None, typer.Option(help="Declared adoption, 0..100.")
    ] = None,
    revenue_per_month: Annotated[float, typer.Option(help="USD attributed.")] = 0.0,
    cost_avoided_per_month: Annotated[float, typer.Option(help="USD.")] = 0.0,
    one_off_investment: Annotated[float, typer.Option(help="USD, for payback.")] = 0.0,
    value_since: Annotated[str, typer.Option(help="YYYY-MM-DD it began to deliver.")] = "",
    assumptions: Annotated[str, typer.Option(help="What the figures rest on.")] = "",
) -> None:
    """Declare or replace a system's value model (audited)."""
    try:
        since = date.fromisoformat(value_since) if value_since else None
    except ValueError:
        raise InvalidInput.on("value_since", "expected a date, YYYY-MM-DD") from None
    fields = ValueModelFields(
        use_driver,
        hours_saved_per_use,
        loaded_hourly_rate,
        uses_per_month,
        eligible_users,
        adoption_percent,
        revenue_per_month,
        cost_avoided_per_month,
        one_off_investment,
        since,
        assumptions,
    )
    ctx = cli_context()
    with database() as db, db.writing() as session:
        saved = value_service.declare_value_model(session, ctx, _system(session, system), fields)
    console.print(f"value model of {escape(saved.system_name)} declared")


@value_app.command("decide")
@clean_errors
def decide(
    system: SystemArg,
    decision: Annotated[str, typer.Argument(help="scale, keep, fix, retire or consolidate.")],
    into: Annotated[str, typer.Option(help="The system kept (consolidate).")] = "",
    note: Annotated[str, typer.Option(help="Why.")] = "",
) -> None:
    """Record a portfolio decision (audited); retire and consolidate request the move."""
    ctx = cli_context()
    with database() as db, db.writing() as session:
        target = _system(session, into) if into else None
        made = decisions.record_decision(
            session, ctx, _system(session, system), decision, into_system_id=target, note=note
        )
    moved = ""
    if made.move_id is not None:
        state = "awaiting its gate (request" if made.move_pending else "done (event"
        moved = f"; move to retirement {state} {made.move_id})"
    console.print(f"{escape(made.system_name)}: {made.decision} recorded{moved}")


@value_app.command("decisions")
@clean_errors
def list_decisions(months: MonthsOpt = 12, until: UntilOpt = "") -> None:
    """Each system's recommendation, its reasons and the decision in force."""
    principal = cli_context().principal
    start, end = range_of(months, until or None, utcnow().date())
    with database() as db, db.reading() as session:
        lines = decisions.portfolio(session, principal, start, end)
    table = new_table("Portfolio", "system", "ROI", "recommended", "reasons", "in force")
    for line in lines:
        p = line.placement
        reasons = "" if p is None else "; ".join(r.text for r in p.reasons)
        recommended: str = "retired" if p is None else p.recommended
        if p is not None and p.into_system_name:
            recommended += f" into {p.into_system_name}"
        in_force = "" if line.in_force is None else line.in_force.decision
        add_row(table, line.system.name, _pct(line.value.roi), recommended, reasons, in_force)
    console.print(table)


def register(app: typer.Typer) -> None:
    """Add this slice's commands to the root command."""
    app.add_typer(value_app, name="value")
