"""``aitower discover code DIR``: scan a folder for AI use and store what no system claims.

The scan itself (``codescan``) runs before any transaction, with a bar on a terminal; then the
integrations are mapped to the registered systems and the unregistered ones are stored as
findings in one transaction with their audit event (``code_findings``, ``scans.record_scan``).
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

from aitower.core.access.cli_shared import add_row, new_table
from aitower.core.cli.context import clean_errors, cli_context, console, database, err_console
from aitower.core.db.base import utcnow
from aitower.core.errors import InvalidInput
from aitower.discovery import code_findings, scans
from aitower.discovery.codescan import CodeScan, scan_code
from aitower.discovery.codescan_mapping import map_to_systems


def _scan(folder: Path) -> CodeScan:
    columns = (TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(),
               TimeElapsedColumn())  # fmt: skip
    shown = err_console.is_terminal
    with Progress(*columns, console=err_console, transient=True, disable=not shown) as progress:
        task = progress.add_task(f"Scanning {folder.name}", total=None)
        try:
            return scan_code(
                folder, progress=lambda done, total: progress.update(task, completed=done,
                                                                     total=total),
            )  # fmt: skip
        except NotADirectoryError:
            raise InvalidInput.on("folder", f"{folder} is not a folder") from None


@clean_errors
def scan_code_command(
    folder: Annotated[Path, typer.Argument(help="The repository or folder to scan.")],
    unit: Annotated[
        str | None, typer.Option(help="The unit the code belongs to (id, name or slug).")
    ] = None,
) -> None:
    """Find AI SDKs, imports, model names, endpoints and provider keys in code; store each
    integration no registered system claims as a finding (audited)."""
    found = _scan(folder)
    with database() as db, db.writing() as session:
        mappings = map_to_systems(found.integrations, code_findings.known_systems(session))
        given = code_findings.scan_input(found, mappings, folder.resolve().name, unit, utcnow())
        stored = scans.record_scan(session, cli_context(), given)
    table = new_table("AI integrations", "folder", "providers", "models", "system", "why")
    for m in mappings:
        add_row(table, m.integration.folder, ", ".join(m.integration.providers) or "-",
                ", ".join(m.integration.models[:3]) or "-", m.system_id or "unregistered",
                m.reason)  # fmt: skip
    console.print(table)
    console.print(
        f"Read {found.files_read:,} of {found.files_seen:,} files: {len(found.hits):,} hits in "
        f"{len(found.integrations)} integrations; {stored.findings_new} new and "
        f"{stored.findings_merged} merged findings (scan {stored.id})."
    )


def add_scan_commands(app: typer.Typer) -> None:
    """The scanners' commands of ``aitower discover``."""
    app.command("code")(scan_code_command)
