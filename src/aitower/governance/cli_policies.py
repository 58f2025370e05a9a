"""``aitower policies``: list, show, apply a folder (with dry run), validate, evaluate.

Policies live best in a Git repository next to the code they govern: ``apply DIR`` brings
aitower in line with such a folder (all or nothing), printing the plan first; ``--pack``
installs the default pack shipped with aitower.
"""

from __future__ import annotations

import uuid
from pathlib import Path
from typing import Annotated

import typer
from rich.markup import escape
from rich.progress import Progress
from sqlalchemy import select

from aitower.core.access.cli_shared import add_row, new_table
from aitower.core.cli.context import clean_errors, cli_context, console, database, fail
from aitower.core.db.base import utcnow
from aitower.core.errors import DomainError
from aitower.governance import policy_service as service
from aitower.governance.evaluation import evaluate_compliance, evaluate_gate, worst
from aitower.governance.facts_loader import load_facts
from aitower.governance.policy import Policy, default_pack, parse_policy
from aitower.governance.policy_service import ApplyPlan
from aitower.governance.policy_terms import GATES
from aitower.inventory.system_facts import SystemFacts
from aitower.inventory.tables import SystemRow

policies_app = typer.Typer(
    help="Policies as code: list, show, apply a folder or the default pack, validate, evaluate.",
    no_args_is_help=True,
)
OUTCOME_STYLE = {"pass": "green", "warn": "yellow", "block": "red"}


@policies_app.command("list")
@clean_errors
def list_policies() -> None:
    """Every policy with its gates, current version and state."""
    with database() as db, db.reading() as session:
        found = service.list_policies(session)
    table = new_table("Policies", "Key", "Name", "Gates", "Version", "Enabled")
    for p in found:
        add_row(
            table, p.key, p.name, ", ".join(p.gates), str(p.version), "yes" if p.enabled else "no"
        )
    console.print(table)


@policies_app.command("show")
@clean_errors
def show(
    key: Annotated[str, typer.Argument(help="The policy's key.")],
    version: Annotated[int | None, typer.Option(help="A past version (default: current).")] = None,
) -> None:
    """A policy's YAML (current or a given version) and its versions."""
    with database() as db, db.reading() as session:
        detail = service.get_policy(session, key)
        shown = service.get_version(session, key, version) if version else detail.versions[0]
    state = "enabled" if detail.summary.enabled else "disabled"
    console.print(f"[bold]{escape(detail.summary.name)}[/] ({state}), version {shown.version}")
    typer.echo(shown.source.rstrip("\n"))
    table = new_table("Versions", "Version", "Author", "Saved (UTC)", "Comment")
    for v in detail.versions:
        add_row(table, str(v.version), v.author, v.created_at.strftime("%Y-%m-%d %H:%M"), v.comment)
    console.print(table)


def _read_folder(folder: Path) -> dict[str, str]:
    if not folder.is_dir():
        raise fail(f"{folder} is not a folder")
    files = sorted([*folder.glob("*.yaml"), *folder.glob("*.yml")])
    if not files:
        raise fail(f"{folder} holds no .yaml or .yml files")
    return {f.name: f.read_text(encoding="utf-8") for f in files}


def _print_plan(plan: ApplyPlan) -> None:
    title = "Plan (dry run)" if plan.dry_run else ("Applied" if plan.applied else "Not applied")
    table = new_table(title, "File", "Policy", "Action", "Version", "Error")
    for item in plan.items:
        version = "" if item.version is None else str(item.version)
        add_row(table, item.file, item.key or "", item.action, version, item.error or "")
    console.print(table)


@policies_app.command("apply")
@clean_errors
def apply(
    folder: Annotated[Path | None, typer.Argument(help="Folder of policy YAML files.")] = None,
    pack: Annotated[bool, typer.Option("--pack", help="Apply the default policy pack.")] = False,
    dry_run: Annotated[bool, typer.Option("--dry-run", help="Show the plan only.")] = False,
    prune: Annotated[
        bool, typer.Option("--prune", help="Disable policies that are not in the folder.")
    ] = False,
) -> None:
    """Create or update policies from YAML files, all or nothing; exit 1 if any is invalid."""
    if (folder is None) == (not pack):
        raise fail("give a folder or --pack (not both)", 2)
    files = default_pack() if pack else _read_folder(folder or Path("."))
    with database() as db, db.writing() as session:
        plan = service.apply_folder(session, cli_context(), files, dry_run=dry_run, prune=prune)
    _print_plan(plan)
    if not plan.valid:
        raise fail(f"{plan.count('invalid')} invalid file(s): nothing was applied")
    if plan.applied:
        console.print(
            f"Applied: {plan.count('create')} created, {plan.count('update')} updated, "
            f"{plan.count('unchanged')} unchanged, {plan.count('disable')} disabled."
        )


@policies_app.command("validate")
@clean_errors
def validate(file: Annotated[Path, typer.Argument(help="A policy YAML file.")]) -> None:
    """Check a policy file without saving it; exit 1 naming the path of the first error."""
    try:
        policy, _ = parse_policy(file.read_text(encoding="utf-8"))
    except DomainError as exc:
        raise fail(f"{file}: {exc.detail}") from None
    console.print(f"{escape(str(file))}: valid policy [bold]{escape(policy.key)}[/].")


def _system_id(name: str) -> uuid.UUID:
    with database() as db, db.reading() as session:
        found: uuid.UUID | None = session.execute(
            select(SystemRow.id).where(SystemRow.name == name)
        ).scalar()
    if found is None:
        raise fail(f"no AI system named {name!r}")
    return found


def _evaluate_one(policies: list[Policy], facts: SystemFacts, gate: str | None) -> None:
    today = utcnow().date()
    if gate is not None:
        result = evaluate_gate(policies, facts, gate, today=today)
        findings, verdict = result.findings, result.verdict
    else:
        statuses = evaluate_compliance(policies, facts, today=today)
        findings = tuple(f for s in statuses for f in s.findings)
        verdict = worst([s.outcome for s in statuses])
    what = f"gate {gate}" if gate else "compliance"
    console.print(f"[bold]{escape(facts.name)}[/] {what}: [{OUTCOME_STYLE[verdict]}]{verdict}[/]")
    table = new_table("Findings", "Policy", "Requirement", "Outcome", "Message")
    for f in findings:
        add_row(table, f.policy_key, f.requirement, f.outcome, f.message)
    console.print(table)


def _evaluate_all(
    policies: list[Policy], facts: dict[uuid.UUID, SystemFacts], gate: str | None
) -> None:
    today = utcnow().date()
    table = new_table("Portfolio", "System", "Stage", "Outcome", "Blocking", "First finding")
    totals = {"pass": 0, "warn": 0, "block": 0}
    with Progress(console=console, transient=True) as progress:
        task = progress.add_task("Evaluating", total=len(facts))
        for system in sorted(facts.values(), key=lambda s: s.name):
            if gate is not None:
                result = evaluate_gate(policies, system, gate, today=today)
                findings, verdict = result.findings, result.verdict
            else:
                statuses = evaluate_compliance(policies, system, today=today)
                findings = tuple(f for s in statuses for f in s.findings)
                verdict = worst([s.outcome for s in statuses])
            failing = [f for f in findings if f.outcome != "pass"]
            totals[verdict] += 1
            blocking = sum(1 for f in failing if f.outcome == "block")
            add_row(
                table,
                system.name,
                system.stage,
                verdict,
                str(blocking),
                failing[0].message if failing else "",
            )
            progress.advance(task)
    console.print(table)
    console.print(f"{totals['block']} blocked, {totals['warn']} warned, {totals['pass']} pass.")


@policies_app.command("evaluate")
@clean_errors
def evaluate(
    system: Annotated[str | None, typer.Option(help="One system, by name.")] = None,
    gate: Annotated[
        str | None, typer.Option(help=f"A gate ({', '.join(GATES)}); default: compliance now.")
    ] = None,
) -> None:
    """Evaluate the enabled policies against one system or the whole portfolio."""
    if gate is not None and gate not in GATES:
        raise fail(f"unknown gate {gate!r}; expected one of {', '.join(GATES)}", 2)
    ids = None if system is None else [_system_id(system)]
    with database() as db, db.reading() as session:
        policies = service.active_policies(session)
        facts = load_facts(session, None, ids, utcnow().date())
    if system is not None:
        _evaluate_one(policies, next(iter(facts.values())), gate)
    else:
        _evaluate_all(policies, dict(facts), gate)


def register(app: typer.Typer) -> None:
    """Add this slice's commands to the root command."""
    app.add_typer(policies_app, name="policies")
