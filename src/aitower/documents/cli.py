"""``aitower documents``: generate a system's document from the server's shell, list versions.

The CLI acts as an administrator through the same service as the API: each generation is a
kept version on the audit trail; ``-o FILE`` writes the chosen format's bytes, the very bytes
a later download of that version returns.
"""

from __future__ import annotations

import uuid
from pathlib import Path
from typing import Annotated

import typer
from rich.markup import escape
from sqlalchemy.orm import Session

from aitower.core.access.cli_shared import add_row, new_table
from aitower.core.cli.context import clean_errors, cli_context, console, database
from aitower.core.errors import NotFound
from aitower.documents import service
from aitower.documents.common import KINDS
from aitower.documents.kinds import FORMATS, check_format, check_kind
from aitower.inventory.service import system_ids_by_name

documents_app = typer.Typer(
    help="Generated documents of a system: system card, Annex IV, FRIA.", no_args_is_help=True
)
SystemArg = Annotated[str, typer.Argument(help="The AI system's name or id.")]


def _system_id(session: Session, ref: str) -> uuid.UUID:
    try:
        return uuid.UUID(ref)
    except ValueError:
        found = system_ids_by_name(session, [ref]).get(ref)
    if found is None:
        raise NotFound(f"no AI system {ref!r}")
    return found


@documents_app.command("generate")
@clean_errors
def generate(
    system: SystemArg,
    kind: Annotated[str, typer.Option(help=f"One of: {', '.join(KINDS)}.")] = "system-card",
    fmt: Annotated[
        str, typer.Option("--format", help=f"What -o writes: {', '.join(FORMATS)}.")
    ] = "md",
    output: Annotated[
        Path | None, typer.Option("-o", "--output", help="Write the document to this file.")
    ] = None,
) -> None:
    """Generate the next version of a system's document (kept, audited); print its digest."""
    check_kind(kind)
    check_format(fmt)
    ctx = cli_context()
    with database() as db:
        with db.writing() as session:
            system_id = _system_id(session, system)
            made = service.generate(session, ctx, system_id, kind, ("md", "html", fmt))
        with db.reading() as session:
            content = service.version_content(
                session, ctx.principal, system_id, kind, made.version, fmt
            )
    if output is not None:
        output.write_bytes(content)
    console.print(
        f"{escape(made.kind_title)} version {made.version}: sha256 {made.digests[fmt]} ({fmt})"
        + (f", written to {escape(str(output))}" if output is not None else "")
    )


@documents_app.command("list")
@clean_errors
def list_versions(system: SystemArg) -> None:
    """The system's kept versions with their digests."""
    principal = cli_context().principal
    with database() as db, db.reading() as session:
        found = service.list_versions(session, principal, _system_id(session, system))
    table = new_table("Documents", "kind", "version", "generated", "by", "formats", "sha256")
    for v in found:
        add_row(
            table,
            v.kind,
            str(v.version),
            v.generated_at.strftime("%Y-%m-%d %H:%M"),
            v.generated_by,
            ", ".join(v.formats),
            v.sha256,
        )
    console.print(table)


def register(app: typer.Typer) -> None:
    """Add this slice's commands to the root command."""
    app.add_typer(documents_app, name="documents")
