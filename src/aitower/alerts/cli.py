"""``aitower alerts``: one evaluation and notification pass, and the rules with their state."""

from __future__ import annotations

import typer

from aitower.alerts import rules
from aitower.alerts.evaluator import evaluate_due_rules
from aitower.alerts.notify import deliver_due
from aitower.core.access.cli_shared import add_row, new_table
from aitower.core.background import replica_name
from aitower.core.cli.context import clean_errors, cli_context, console, database
from aitower.core.db.base import utcnow

alerts_app = typer.Typer(
    help="Alert rules: evaluate them once, list them with their state.", no_args_is_help=True
)


@alerts_app.command("evaluate")
@clean_errors
def evaluate() -> None:
    """Evaluate every due rule once, then send due notifications (what the server does)."""
    with database() as db:
        done = evaluate_due_rules(db, utcnow(), replica_name())
        report = deliver_due(db, utcnow())
    changed = [t for t in done if t.transition.before is not t.transition.after]
    console.print(f"{len(done)} rule(s) evaluated, {len(changed)} changed state")
    for t in changed:
        console.print(f"  {t.rule_id}: {t.transition.before.value} -> {t.transition.after.value}")
    console.print(
        f"notifications: {report.sent} sent, {report.retrying} to retry, {report.failed} failed"
    )


@alerts_app.command("list")
@clean_errors
def list_rules() -> None:
    """Every rule with its state, firing first."""
    with database() as db, db.reading() as session:
        found, _ = rules.list_rules(session, cli_context().principal, limit=10_000)
    table = new_table("Alert rules", "state", "name", "condition", "scope", "last value", "id")
    for r in found:
        value = "" if r.last_value is None else f"{r.last_value:g}"
        condition = f"{r.spec.metric} {r.spec.comparator.value} {r.spec.threshold:g}"
        add_row(
            table,
            r.state.value,
            r.spec.name,
            condition,
            r.system_name or "portfolio",
            value,
            str(r.id),
        )
    console.print(table)


def register(app: typer.Typer) -> None:
    app.add_typer(alerts_app, name="alerts")
