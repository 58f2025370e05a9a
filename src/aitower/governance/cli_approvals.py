"""``aitower approvals`` and ``aitower lifecycle`` (request a move, see the history).

The CLI acts as an admin principal named after the OS user; ``--as USERNAME`` acts as that
user instead, so approvals can be scripted by the people who hold the demanded roles (an
admin CLI principal is not a person and cannot approve: separation of duties holds here too).
"""

from __future__ import annotations

import uuid
from typing import Annotated

import typer
from rich.markup import escape
from sqlalchemy import select
from sqlalchemy.orm import Session

from aitower.core.access.authn import user_principal
from aitower.core.access.cli_shared import add_row, new_table
from aitower.core.access.tables import UserRow
from aitower.core.audit.service import ChangeContext
from aitower.core.cli.context import clean_errors, cli_context, console, database
from aitower.core.errors import InvalidInput, NotFound
from aitower.governance import approvals, history, moves
from aitower.governance.approval_rules import Status
from aitower.governance.evaluation import GateResult
from aitower.governance.history import RequestView
from aitower.inventory.service import system_ids_by_name

lifecycle_app = typer.Typer(help="Lifecycle: request a move, see a system's history.")
approvals_app = typer.Typer(
    help="Approval requests: list, show, approve, reject, expire.", no_args_is_help=True
)
lifecycle_app.info.no_args_is_help = True

AsUser = Annotated[
    str | None, typer.Option("--as", help="Act as this user (username) instead of the CLI admin.")
]
PAST = {"approve": "approved", "reject": "rejected"}
Reason = Annotated[str, typer.Option(help="Why (required to move and to reject).")]


def _context(session: Session, username: str | None) -> ChangeContext:
    if username is None:
        return cli_context()
    row = session.execute(
        select(UserRow).where(UserRow.username == username.strip().lower())
    ).scalar_one_or_none()
    if row is None or row.disabled:
        raise NotFound(f"no active user {username!r}")
    return ChangeContext(user_principal(row), request_id=None)


def _system_id(session: Session, ref: str) -> uuid.UUID:
    try:
        return uuid.UUID(ref)
    except ValueError:
        pass
    found = system_ids_by_name(session, [ref])
    if ref not in found:
        raise NotFound(f"no AI system named {ref!r}")
    return found[ref]


def _request_id(ref: str) -> uuid.UUID:
    try:
        return uuid.UUID(ref)
    except ValueError:
        raise InvalidInput.on("id", f"{ref!r} is not a request id") from None


def _print_gate(gate: GateResult) -> None:
    console.print(f"Gate [bold]{escape(gate.gate)}[/]: {gate.verdict}")
    marks = {"pass": "[green]✓[/]", "warn": "[yellow]![/]", "block": "[red]✗[/]"}
    for f in gate.findings:
        console.print(f"  {marks.get(f.outcome, '?')} {escape(f.message)}", soft_wrap=True)
    for a in gate.approvals:
        who = f" ({escape(', '.join(a.approvers))})" if a.approvers else ""
        console.print(f"  approvals of {a.role}: {a.have} of {a.needed}{who}")


def _print_request(item: RequestView) -> None:
    console.print(f"[bold]{escape(item.title)}[/]  status: {item.status}  id {item.id}")
    console.print(f"Requested by {escape(item.requested_by)}: {escape(item.reason)}")
    if item.expires_at:
        console.print(f"Expires {item.expires_at:%Y-%m-%d %H:%M} UTC")
    _print_gate(item.gate)
    for d in item.decisions:
        console.print(f"  {d.approver} ({d.role}) {PAST[d.decision]}: {escape(d.reason)}")


@lifecycle_app.command("move")
@clean_errors
def move(
    system: Annotated[str, typer.Argument(help="System name or id.")],
    stage: Annotated[str, typer.Argument(help="Target stage.")],
    reason: Reason,
    as_user: AsUser = None,
) -> None:
    """Request a move: it completes at once if the gate passes, else raises a request."""
    with database() as db, db.writing() as session:
        outcome = moves.request_move(
            session, _context(session, as_user), _system_id(session, system), stage, reason
        )
    if outcome.status == "completed":
        console.print(f"Moved to [bold]{escape(stage)}[/]: the gate passed.")
        return
    assert outcome.request is not None
    console.print(f"Blocked: approval request {outcome.request.id} raised.")
    _print_gate(outcome.gate)


@lifecycle_app.command("history")
@clean_errors
def show_history(system: Annotated[str, typer.Argument(help="System name or id.")]) -> None:
    """A system's timeline, newest first."""
    with database() as db, db.reading() as session:
        ctx = cli_context()
        entries = history.system_history(session, ctx.principal, _system_id(session, system))
    table = new_table("History", "when (UTC)", "kind", "who", "what", "detail")
    for e in entries:
        add_row(table, f"{e.at:%Y-%m-%d %H:%M}", e.kind, e.actor, e.title, e.detail)
    console.print(table)


@approvals_app.command("list")
@clean_errors
def list_requests(
    status: Annotated[str | None, typer.Option(help="pending, completed, rejected, ...")] = None,
) -> None:
    """Approval requests, newest first."""
    chosen = None if status is None else Status(status)
    with database() as db, db.reading() as session:
        items, total = approvals.list_requests(
            session, cli_context().principal, status=chosen, limit=200
        )
    table = new_table(f"Approval requests ({total})", "id", "request", "status", "gate", "by")
    for r in items:
        add_row(table, str(r.id), r.title, r.status, r.gate.verdict, r.requested_by)
    console.print(table)


@approvals_app.command("show")
@clean_errors
def show(request_id: Annotated[str, typer.Argument(help="Request id.")]) -> None:
    """One request with its gate and decisions."""
    with database() as db, db.reading() as session:
        item = approvals.get_request(session, cli_context().principal, _request_id(request_id))
    _print_request(item)


def _decide(request_id: str, decision: str, reason: str, as_user: str) -> None:
    with database() as db, db.writing() as session:
        done = approvals.decide(
            session, _context(session, as_user), _request_id(request_id), decision, reason
        )
    console.print(
        f"Recorded: {done.decision.approver} {PAST[decision]}. Request {done.request.status}."
    )
    if done.event is not None:
        console.print(f"The gate passed: moved to [bold]{done.event.to_stage}[/].")


@approvals_app.command("approve")
@clean_errors
def approve(
    request_id: Annotated[str, typer.Argument(help="Request id.")],
    as_user: Annotated[str, typer.Option("--as", help="The approving user (username).")],
    reason: Annotated[str, typer.Option(help="Why (optional).")] = "",
) -> None:
    """Approve as a person holding a role the request demands."""
    _decide(request_id, "approve", reason, as_user)


@approvals_app.command("reject")
@clean_errors
def reject(
    request_id: Annotated[str, typer.Argument(help="Request id.")],
    as_user: Annotated[str, typer.Option("--as", help="The rejecting user (username).")],
    reason: Reason,
) -> None:
    """Reject (closes the request); a reason is required."""
    _decide(request_id, "reject", reason, as_user)


@approvals_app.command("expire")
@clean_errors
def expire() -> None:
    """Mark pending requests past their expiry as expired (each audited). Run it daily."""
    with database() as db, db.writing() as session:
        count = approvals.expire_due(session, cli_context())
    console.print(f"Expired {count} request{'s' if count != 1 else ''}.")


def register(app: typer.Typer) -> None:
    """Add this slice's commands to the root command."""
    app.add_typer(lifecycle_app, name="lifecycle")
    app.add_typer(approvals_app, name="approvals")
