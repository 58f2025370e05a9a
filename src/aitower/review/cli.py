"""``aitower review``: the queue from the server's shell: list, show an item, give a verdict.

The CLI acts as an administrator (it sees every item) through the same service as the API;
a verdict given here is audited under the OS user's name.
"""

from __future__ import annotations

import uuid
from typing import Annotated

import typer
from rich.markup import escape

from aitower.core.access.cli_shared import add_row, new_table
from aitower.core.cli.context import clean_errors, cli_context, console, database
from aitower.core.errors import InvalidInput
from aitower.review import service
from aitower.review.item_detail import item_detail

review_app = typer.Typer(help="The human review queue: items, verdicts.", no_args_is_help=True)
ItemArg = Annotated[str, typer.Argument(help="The review item's id.")]


def _id(value: str) -> uuid.UUID:
    try:
        return uuid.UUID(value)
    except ValueError:
        raise InvalidInput.on("item_id", "must be a UUID") from None


@review_app.command("list")
@clean_errors
def list_items(
    status: Annotated[str, typer.Option(help="open, done, or '' for any.")] = "open",
    source: Annotated[str, typer.Option(help="flagged, low_score, finding, sample.")] = "",
    limit: Annotated[int, typer.Option(min=1, max=1000)] = 50,
) -> None:
    """The queue's items, open first, newest first."""
    principal = cli_context().principal
    f = service.ItemFilter(source=source or None, status=status or None)
    with database() as db, db.reading() as session:
        items, total = service.list_items(session, principal, f, limit, 0)
    table = new_table(
        f"Review items ({total})", "id", "queued", "system", "source", "for", "verdict"
    )
    for i in items:
        source_text = i.source + (f" {i.finding_type}" if i.finding_type else "")
        add_row(
            table, str(i.id), i.created_at.strftime("%Y-%m-%d %H:%M"), i.system_name,
            source_text, i.assigned_role, i.verdict or "",
        )  # fmt: skip
    console.print(table)


@review_app.command("show")
@clean_errors
def show(item: ItemArg) -> None:
    """One item: why it was queued, the trace's findings, and its verdict."""
    principal = cli_context().principal
    with database() as db, db.reading() as session:
        d = item_detail(session, principal, _id(item))
    i = d.item
    console.print(f"[bold]{escape(i.system_name)}[/bold] · trace {i.trace_id} · {i.source}")
    console.print(f"why: {escape(i.reason)}")
    console.print(f"for: {i.assigned_role} · status: {i.status} · verdict: {i.verdict or '—'}")
    if i.notes:
        console.print(f"notes: {escape(i.notes)}")
    for f in d.findings:
        console.print(
            f"finding: {f.finding_type} in {f.field} ×{f.occurrences} "
            f"(confidence {f.confidence:.2f}): {escape(f.reason)}"
        )
    for entry in d.transcripts:
        for turn in entry.turns:
            for text in turn.texts:
                console.print(f"[dim]{escape(turn.role)}:[/dim] {escape(text)}")


@review_app.command("verdict")
@clean_errors
def verdict(
    item: ItemArg,
    verdict: Annotated[
        str, typer.Argument(help="correct, hallucination, policy_violation, leak, false_alarm.")
    ],
    notes: Annotated[str, typer.Option(help="Why.")] = "",
) -> None:
    """Judge an item (audited)."""
    ctx = cli_context()
    with database() as db, db.writing() as session:
        judged = service.give_verdict(session, ctx, _id(item), verdict, notes)
    console.print(f"item {judged.id}: {judged.verdict}")


def register(app: typer.Typer) -> None:
    """Add this slice's commands to the root command."""
    app.add_typer(review_app, name="review")
