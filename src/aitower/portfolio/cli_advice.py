"""``aitower value advice``: optimisation advice from the server's shell, as a table or JSON.

The CLI acts as an administrator (the whole portfolio) through the same service as the API.
"""

from __future__ import annotations

import json
from typing import Annotated

import typer
from rich.markup import escape

from aitower.core.access.cli_shared import add_row, new_table
from aitower.core.cli.context import clean_errors, cli_context, console, database
from aitower.core.db.base import utcnow
from aitower.portfolio import advice_service
from aitower.portfolio.advice import KIND_TITLES, AdviceKind

KINDS = ", ".join(k.value for k in AdviceKind)


@clean_errors
def advice(
    system: Annotated[str, typer.Option(help="Only this AI system (its id).")] = "",
    unit: Annotated[str, typer.Option(help="Only this business unit (its id).")] = "",
    kind: Annotated[str, typer.Option(help=f"Only this kind: {KINDS}.")] = "",
    evidence: Annotated[bool, typer.Option(help="Print each item's evidence too.")] = False,
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
) -> None:
    """Where the portfolio could spend less, largest estimated saving first."""
    principal = cli_context().principal
    flt = advice_service.parse_filter(system, unit, kind)
    with database() as db, db.reading() as session:
        report = advice_service.advise(session, principal, flt, utcnow())
    if as_json:
        items = [
            {
                "kind": a.kind.value, "title": a.title,
                "monthly_saving": round(a.monthly_saving, 2),
                "confidence": a.confidence.value, "summary": a.summary,
                "system_id": None if a.system_id is None else str(a.system_id),
                "evidence": a.evidence, "facts": list(a.facts),
            }
            for a in report.items
        ]  # fmt: skip
        console.print_json(json.dumps({"items": items}))
        return
    table = new_table(
        f"Advice ({len(report.items)}): ${report.total_saving:,.2f} a month",
        "saving / month", "confidence", "kind", "advice",
    )  # fmt: skip
    for a in report.items:
        add_row(
            table, f"${a.monthly_saving:,.2f}", a.confidence.value, KIND_TITLES[a.kind], a.title
        )
    console.print(table)
    if evidence:
        for a in report.items:
            console.print(f"\n[bold]{escape(a.title)}[/bold]: {escape(a.summary)}")
            for fact in a.facts:
                console.print(f"  · {escape(fact)}")


def register(app: typer.Typer) -> None:
    """Add ``advice`` to the ``value`` group that ``cli_value`` added to ``app``."""
    group = next(
        g.typer_instance for g in app.registered_groups if g.name == "value" and g.typer_instance
    )
    group.command("advice")(advice)
