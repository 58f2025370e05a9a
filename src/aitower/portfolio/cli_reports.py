"""``aitower value report`` and ``aitower value subscriptions``: the executive report from the
server's shell (download it; list, add, stop and send subscriptions; send what is due).

The CLI acts organisation-wide, through the same services as the API; changes are audited
under the OS user's name.
"""

from __future__ import annotations

import uuid
from pathlib import Path
from typing import Annotated

import typer
from rich.markup import escape
from rich.progress import Progress, SpinnerColumn, TextColumn

from aitower.core.access.cli_shared import add_row, new_table
from aitower.core.access.service import get_unit
from aitower.core.cli.context import clean_errors, cli_context, console, database
from aitower.core.db.base import utcnow
from aitower.core.errors import InvalidInput
from aitower.portfolio import report_subscriptions as subs
from aitower.portfolio.api_reports import report_period
from aitower.portfolio.dashboard import build_report
from aitower.portfolio.report_model import CADENCES, FORMATS, Cadence, Format
from aitower.portfolio.report_render import render
from aitower.portfolio.report_sending import send_due_reports, send_now

subscriptions_app = typer.Typer(
    help="Who receives the scheduled executive report.", no_args_is_help=True
)
IdArg = Annotated[str, typer.Argument(help="The subscription's id.")]


def _id(value: str, field: str = "subscription_id") -> uuid.UUID:
    try:
        return uuid.UUID(value)
    except ValueError:
        raise InvalidInput.on(field, "must be a UUID") from None


def _choice(value: str, allowed: tuple[str, ...], field: str) -> str:
    if value not in allowed:
        raise InvalidInput.on(field, f"one of: {', '.join(allowed)}")
    return value


@clean_errors
def report(
    out: Annotated[Path, typer.Option("--out", help="The file to write.")],
    format: Annotated[str, typer.Option("--format", help="pdf, html or csv.")] = "pdf",
    cadence: Annotated[str, typer.Option(help="monthly or weekly.")] = "monthly",
    period: Annotated[str, typer.Option(help="last (just ended) or current (so far).")] = "last",
    unit: Annotated[str, typer.Option(help="A business unit (id, slug or name).")] = "",
) -> None:
    """Write the executive report of the period just ended (or so far) to a file."""
    fmt: Format = _choice(format, FORMATS, "format")  # type: ignore[assignment]
    chosen: Cadence = _choice(cadence, CADENCES, "cadence")  # type: ignore[assignment]
    which = _choice(period, ("last", "current"), "period")
    principal = cli_context().principal
    now = utcnow()
    columns = (SpinnerColumn(), TextColumn("{task.description}"))
    with Progress(*columns, console=console, transient=True) as progress:
        task = progress.add_task("Reading cost, value, risk and incidents…", total=2)
        with database() as db, db.reading() as session:
            unit_id = get_unit(session, unit).id if unit else None
            built = build_report(
                session,
                principal,
                report_period(chosen, which, now),  # type: ignore[arg-type]
                now,
                unit_id=unit_id,
            )
        progress.update(task, advance=1, description=f"Rendering {fmt.upper()}…")
        file = render(built, fmt)
        progress.update(task, advance=1)
    out.write_bytes(file.content)
    console.print(
        f"{escape(str(out))}: {built.scope}, {built.period.label}, "
        f"{len(built.systems)} systems, {len(file.content):,} bytes"
    )


@subscriptions_app.command("list")
@clean_errors
def list_subscriptions() -> None:
    """Every subscription, with when it is next due and its last error."""
    principal = cli_context().principal
    with database() as db, db.reading() as session:
        found = subs.list_subscriptions(session, principal)
    table = new_table(
        f"Report subscriptions ({len(found)})",
        "id", "name", "every", "unit", "recipients", "formats", "next", "last error",
    )  # fmt: skip
    for s in found:
        add_row(
            table, str(s.id), s.name, s.cadence, str(s.unit_id or "portfolio"),
            ", ".join(s.recipients), ", ".join(s.formats),
            s.next_due.strftime("%Y-%m-%d %H:%M"), s.last_error,
        )  # fmt: skip
    console.print(table)


@subscriptions_app.command("add")
@clean_errors
def add(
    name: Annotated[str, typer.Argument(help="What the subscription is called.")],
    to: Annotated[list[str], typer.Option("--to", help="A recipient (repeat).")],
    cadence: Annotated[str, typer.Option(help="monthly or weekly.")] = "monthly",
    formats: Annotated[str, typer.Option(help="Comma-separated: pdf, html, csv.")] = "pdf",
    unit: Annotated[str, typer.Option(help="A business unit; none: the portfolio.")] = "",
) -> None:
    """Subscribe people to the report (audited)."""
    ctx = cli_context()
    with database() as db, db.writing() as session:
        unit_id = get_unit(session, unit).id if unit else None
        spec = subs.SubscriptionSpec(
            name, cadence, to, [f.strip() for f in formats.split(",") if f.strip()], unit_id
        )
        view = subs.create_subscription(session, ctx, spec, utcnow())
    console.print(f"subscription {view.id}: first due {view.next_due:%Y-%m-%d %H:%M} UTC")


@subscriptions_app.command("remove")
@clean_errors
def remove(subscription: IdArg) -> None:
    """Stop a subscription (audited)."""
    ctx = cli_context()
    with database() as db, db.writing() as session:
        subs.delete_subscription(session, ctx, _id(subscription))
    console.print(f"subscription {subscription} stopped")


@subscriptions_app.command("send")
@clean_errors
def send(subscription: IdArg) -> None:
    """Send the report of the period just ended now (audited)."""
    ctx = cli_context()
    with database() as db:
        period = send_now(db, ctx, _id(subscription), utcnow())
    console.print(f"sent: {period.label}")


@subscriptions_app.command("send-due")
@clean_errors
def send_due() -> None:
    """Send what is due now, as the server's background pass does."""
    with database() as db:
        done = send_due_reports(db, utcnow())
    console.print(f"{done.sent} sent, {done.failed} failed")


def register(app: typer.Typer) -> None:
    """Add ``report`` and ``subscriptions`` to the ``value`` group (made here if no other
    module of the portfolio has made it)."""
    group = next(
        (g.typer_instance for g in app.registered_groups if g.name == "value" and g.typer_instance),
        None,
    )
    if group is None:
        group = typer.Typer(help="Value, ROI and the executive report.", no_args_is_help=True)
        app.add_typer(group, name="value")
    group.command("report")(report)
    group.add_typer(subscriptions_app, name="subscriptions")
