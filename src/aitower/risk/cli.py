"""``aitower risks``: the risk register and EU AI Act classification from the server's shell.

The CLI acts as an administrator through the same services as the API, so every change is on
the audit trail. ``classify`` reads answers from a YAML file (``questionnaire --format yaml``
writes a template with every question answered "no"), stores them as the system's next
assessment version and prints the tier, the articles and the obligations.
"""

from __future__ import annotations

import datetime as dt
import uuid
from pathlib import Path
from typing import Annotated, Any

import typer
import yaml
from rich.markup import escape
from sqlalchemy import select
from sqlalchemy.orm import Session

from aitower.core.access.cli_shared import add_row, new_table
from aitower.core.cli.context import clean_errors, cli_context, console, database
from aitower.core.db.base import utcnow
from aitower.core.errors import InvalidInput, NotFound
from aitower.inventory.tables import SystemRow
from aitower.risk import eu_ai_act, service
from aitower.risk.register import RiskCategory, RiskFields, RiskStatus

PAGE_SIZE = 200
risks_app = typer.Typer(
    help="Risk register and EU AI Act classification: list, add, classify, questionnaire.",
    no_args_is_help=True,
)
SystemArg = Annotated[str, typer.Argument(help="The AI system's name or id.")]


def _system_id(session: Session, ref: str) -> uuid.UUID:
    try:
        return uuid.UUID(ref)
    except ValueError:
        found = session.execute(select(SystemRow.id).where(SystemRow.name == ref)).scalar()
    if found is None:
        raise NotFound(f"no AI system {ref!r}")
    return found


@risks_app.command("list")
@clean_errors
def list_risks(
    system: Annotated[str | None, typer.Option(help="Only this system (name or id).")] = None,
    status: Annotated[str | None, typer.Option(help=f"One of: {', '.join(RiskStatus)}.")] = None,
    overdue: Annotated[bool, typer.Option("--overdue", help="Only reviews past due.")] = False,
) -> None:
    """Risks, highest residual score first."""
    if status is not None and status not in RiskStatus.__members__:
        raise InvalidInput.on("status", f"must be one of: {', '.join(RiskStatus)}")
    principal = cli_context().principal
    today = utcnow().date()
    with database() as db, db.reading() as session:
        system_id = None if system is None else _system_id(session, system)
        filters = service.RiskFilter(
            system_id=system_id, status=status, overdue=overdue, today=today
        )
        found: list[service.RiskView] = []
        while True:
            page, total = service.list_risks(
                session, principal, filters, limit=PAGE_SIZE, offset=len(found)
            )
            found += page
            if not page or len(found) >= total:
                break
    table = new_table(
        "Risks", "system", "title", "category", "inherent", "residual", "status", "review", "id"
    )
    for r in found:
        review = "" if r.next_review is None else r.next_review.isoformat()
        if r.overdue(today):
            review += " (overdue)"
        add_row(
            table,
            r.system_name,
            r.title,
            r.category,
            f"{r.inherent_score} {r.level.value}",
            f"{r.residual_score} {r.residual_level.value}",
            r.status,
            review,
            str(r.id),
        )
    console.print(table)


@risks_app.command("add")
@clean_errors
def add_risk(
    system: SystemArg,
    title: Annotated[str, typer.Option(help="What could go wrong, in a few words.")],
    category: Annotated[str, typer.Option(help=f"One of: {', '.join(RiskCategory)}.")],
    likelihood: Annotated[int, typer.Option("-l", "--likelihood", help="1 (rare) to 5.")],
    impact: Annotated[int, typer.Option("-i", "--impact", help="1 (negligible) to 5.")],
    residual_likelihood: Annotated[int | None, typer.Option(help="After mitigations.")] = None,
    residual_impact: Annotated[int | None, typer.Option(help="After mitigations.")] = None,
    description: Annotated[str, typer.Option(help="Longer explanation.")] = "",
    mitigations: Annotated[str, typer.Option(help="What reduces the risk.")] = "",
    owner: Annotated[str | None, typer.Option(help="Username of the owner.")] = None,
    status: Annotated[str, typer.Option(help=f"One of: {', '.join(RiskStatus)}.")] = "open",
    next_review: Annotated[
        str | None, typer.Option(help="Date of the next review (YYYY-MM-DD).")
    ] = None,
) -> None:
    """Add a risk to a system's register."""
    try:
        review = None if next_review is None else dt.date.fromisoformat(next_review)
    except ValueError:
        raise InvalidInput.on("next_review", "must be a date (YYYY-MM-DD)") from None
    fields = RiskFields(
        title=title,
        category=category,
        likelihood=likelihood,
        impact=impact,
        description=description,
        residual_likelihood=residual_likelihood,
        residual_impact=residual_impact,
        mitigations=mitigations,
        status=status,
        next_review=review,
    )
    with database() as db, db.writing() as session:
        system_id = _system_id(session, system)
        risk = service.add_risk(session, cli_context(), system_id, service.NewRisk(fields, owner))
    console.print(
        f"Added risk [bold]{escape(risk.title)}[/] to {escape(risk.system_name)}: "
        f"inherent {risk.inherent_score} ({risk.level.value}), "
        f"residual {risk.residual_score} ({risk.residual_level.value}). id {risk.id}",
        highlight=False,
    )


def _read_answers(path: Path) -> dict[str, Any]:
    try:
        document = yaml.safe_load(path.read_text(encoding="utf-8"))
    except yaml.YAMLError as exc:
        raise InvalidInput.on("answers", f"{path} is not valid YAML: {exc}") from None
    if isinstance(document, dict) and isinstance(document.get("answers"), dict):
        document = document["answers"]
    if not isinstance(document, dict):
        raise InvalidInput.on("answers", f"{path} must map question ids to true or false")
    return {str(k): v for k, v in document.items()}


@risks_app.command("classify")
@clean_errors
def classify(
    system: SystemArg,
    answers_file: Annotated[
        Path, typer.Argument(help="YAML: question id → true/false.", exists=True, dir_okay=False)
    ],
    dry_run: Annotated[
        bool, typer.Option("--dry-run", help="Only print the result; store nothing.")
    ] = False,
) -> None:
    """Classify a system from an answers file, storing the answers as its next assessment."""
    answers = _read_answers(answers_file)
    with database() as db, db.writing() as session:
        system_id = _system_id(session, system)
        if dry_run:
            result = eu_ai_act.classify(answers)
            version = None
        else:
            stored = service.assess(session, cli_context(), system_id, answers)
            result = eu_ai_act.classify(stored.answers)
            version = stored.version
    stored_text = "not stored (dry run)" if version is None else f"assessment version {version}"
    console.print(f"Tier: [bold]{result.tier.value}[/] ({stored_text})", highlight=False)
    console.print("Articles: " + (", ".join(result.articles) or "none"), highlight=False)
    for reason in result.reasons:
        console.print(f"  {escape(reason)}", highlight=False)
    console.print("Roles: " + (", ".join(result.roles) or "none"), highlight=False)
    console.print("Obligations (applies from: as published / as amended):", highlight=False)
    for duty in result.duties:
        original = "-" if duty.original is None else duty.original.isoformat()
        amended = "-" if duty.amended is None else duty.amended.isoformat()
        mark = "" if duty.amended_verified else " (amended date unverified)"
        console.print(f"  - {escape(duty.line())}: {original} / {amended}{mark}", highlight=False)


@risks_app.command("questionnaire")
@clean_errors
def questionnaire(
    output_format: Annotated[
        str, typer.Option("--format", help="text, or yaml for an answers file template.")
    ] = "text",
) -> None:
    """Print the EU AI Act questions (ids, text, article), or a YAML answers template."""
    if output_format == "yaml":
        template = eu_ai_act.template_answers()
        lines = [
            "# EU AI Act questionnaire: answer each question true or false.",
            "# At least one role must be true (the template assumes you deploy the system).",
        ]
        for section in eu_ai_act.SECTIONS:
            lines.append(f"\n# {section.title}")
            for q in section.questions:
                lines.append(f"# {q.text} ({q.article})")
                if q.needed_when:
                    lines.append(f"#   only needed when true: {', '.join(q.needed_when[:4])}")
                lines.append(f"{q.id}: {'true' if template[q.id] else 'false'}")
        typer.echo("\n".join(lines))
        return
    if output_format != "text":
        raise InvalidInput.on("format", "must be text or yaml")
    for section in eu_ai_act.SECTIONS:
        console.print(f"\n[bold]{escape(section.title)}[/]", highlight=False)
        for q in section.questions:
            console.print(f"  {q.id}  {escape(q.text)} ({q.article})", highlight=False)


def register(app: typer.Typer) -> None:
    """Add this slice's commands to the root command."""
    app.add_typer(risks_app, name="risks")
