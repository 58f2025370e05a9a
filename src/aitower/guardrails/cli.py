"""``aitower guardrails``: the findings and the detectors from the server's shell.

``findings`` prints what the detectors found, grouped by type (as the Findings page);
``scan`` runs the detectors over a file or standard input and prints each finding, without
ever printing the detected value (a terminal's scrollback is a log too).
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated

import typer
from sqlalchemy import select

from aitower.core.access.cli_shared import add_row, new_table
from aitower.core.cli.context import clean_errors, cli_context, console, database
from aitower.core.errors import InvalidInput, NotFound
from aitower.detectors.scan import scan
from aitower.guardrails import findings
from aitower.guardrails.views import FindingsForm, parse_form
from aitower.inventory.tables import SystemRow
from aitower.telemetry.scope import portfolio_scope

guardrails_app = typer.Typer(
    help="Guardrails: what the detectors found in the traffic, and a scan of any text.",
    no_args_is_help=True,
)


def _system_id(ref: str) -> str:
    """A system's id (as text) from its name or id; NotFound for neither."""
    with database() as db, db.reading() as session:
        by_name = session.execute(select(SystemRow.id).where(SystemRow.name == ref)).scalar()
    if by_name is not None:
        return str(by_name)
    return ref  # parse_form says whether it is an id


@guardrails_app.command("findings")
@clean_errors
def list_findings(
    system: Annotated[str | None, typer.Option(help="Only this system (name or id).")] = None,
    type: Annotated[str | None, typer.Option("--type", help="Only this type (iban, …).")] = None,
    category: Annotated[
        str | None, typer.Option(help="personal_data, secret or injection.")
    ] = None,
    since: Annotated[str | None, typer.Option(help="From this UTC date or time.")] = None,
    until: Annotated[str | None, typer.Option(help="Before this UTC date or time.")] = None,
) -> None:
    """Findings grouped by type, the most detections first."""
    form = FindingsForm(
        "" if system is None else _system_id(system), type or "", category or "", since or "",
        until or "",
    )  # fmt: skip
    filters = parse_form(form)
    principal = cli_context().principal
    with database() as db, db.reading() as session:
        types = findings.by_type(session, portfolio_scope(session, principal), filters)
    table = new_table(
        "Findings", "type", "category", "detections", "spans", "traces", "users", "values",
        "systems", "first seen", "last seen",
    )  # fmt: skip
    for t in types:
        add_row(
            table, t.finding_type, t.category, str(t.count), str(t.spans), str(t.traces),
            str(t.users), str(t.values), str(t.systems), f"{t.first_seen:%Y-%m-%d %H:%M}",
            f"{t.last_seen:%Y-%m-%d %H:%M}",
        )  # fmt: skip
    console.print(table)
    if not types:
        console.print("Nothing was found.")


def _read(source: str) -> str:
    if source == "-":
        return sys.stdin.read()
    path = Path(source)
    if not path.is_file():
        raise NotFound(f"no file {source!r}")
    try:
        return path.read_text(encoding="utf-8")
    except UnicodeDecodeError:
        raise InvalidInput.on("file", "must be UTF-8 text") from None


@guardrails_app.command("scan")
@clean_errors
def scan_file(
    source: Annotated[str, typer.Argument(help="A UTF-8 text file, or - for standard input.")],
    types: Annotated[
        list[str] | None, typer.Option("--type", help="Only these types (repeatable).")
    ] = None,
    min_confidence: Annotated[float, typer.Option(min=0.0, max=1.0)] = 0.5,
) -> None:
    """The detectors over a text: each finding's type, place, confidence and reason."""
    text = _read(source)
    try:
        found = scan(text, types=types or None, min_confidence=min_confidence)
    except ValueError as exc:
        raise InvalidInput.on("type", str(exc)) from None
    table = new_table(
        "Findings", "type", "category", "start", "end", "line", "confidence", "reason"
    )
    for d in found:
        line = text.count("\n", 0, d.start) + 1
        add_row(
            table, d.type, d.category.value, str(d.start), str(d.end), str(line),
            f"{d.confidence:.2f}", d.reason,
        )  # fmt: skip
    console.print(table)
    console.print(f"{len(found)} findings in {len(text):,} characters.")


def register(app: typer.Typer) -> None:
    """Add this slice's commands to the root command."""
    app.add_typer(guardrails_app, name="guardrails")
