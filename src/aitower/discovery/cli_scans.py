"""``aitower discover logs FILE`` and ``discover code DIR``: scan for AI use, store findings.

Each scan runs before any transaction, with a bar on a terminal (bytes of a log, files of a
tree); what it found is then stored in one transaction with its audit event
(``scans.record_scan``): a log's uses of AI services (``log_findings``), a tree's integrations
no registered system claims (``code_findings``). A log goes through ``log_upload``, as an
upload on the Scans page or the API does. A file that is not of its format, or a mapping
naming a column it lacks, is refused naming the problem, and nothing is stored.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.progress import (
    BarColumn,
    DownloadColumn,
    MofNCompleteColumn,
    Progress,
    ProgressColumn,
    TextColumn,
    TimeElapsedColumn,
    TransferSpeedColumn,
)

from aitower.core.access.cli_shared import add_row, new_table
from aitower.core.cli.context import clean_errors, cli_context, console, database, err_console
from aitower.core.db.base import utcnow
from aitower.core.errors import InvalidInput
from aitower.discovery import code_findings, log_upload, scans
from aitower.discovery.codescan import CodeScan, scan_code
from aitower.discovery.codescan_mapping import map_to_systems
from aitower.discovery.logscan import FORMATS
from aitower.discovery.logscan_results import LogScan


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


def _progress_columns() -> tuple[ProgressColumn, ...]:
    return (TextColumn("{task.description}"), BarColumn(), DownloadColumn(),
            TransferSpeedColumn(), TimeElapsedColumn())  # fmt: skip


@clean_errors
def scan_logs_command(
    file: Annotated[Path, typer.Argument(help="A proxy, firewall or DNS log (.gz too).")],
    fmt: Annotated[str, typer.Option("--format", help=f"One of: {', '.join(FORMATS)}.")] = "squid",
    mapping: Annotated[
        list[str] | None,
        typer.Option(
            "--map",
            help="csv/jsonl: FIELD=COLUMN (timestamp, host or url, user, "
            "client, department, bytes_out, bytes_in); repeat.",
        ),
    ] = None,
    delimiter: Annotated[str, typer.Option(help="csv: the column separator.")] = ",",
    unit: Annotated[
        str | None,
        typer.Option(help="The unit of users whose department names none (id, name or slug)."),
    ] = None,
) -> None:
    """Find the AI services a log shows in use, by whom and how much left; store them as
    findings (audited; the same file twice is refused)."""
    request = log_upload.LogRequest(fmt, log_upload.parse_mapping(mapping or [], "map"),
                                    delimiter, unit)  # fmt: skip
    shown = err_console.is_terminal
    with (
        database() as db,
        Progress(*_progress_columns(), console=err_console, transient=True,
                 disable=not shown) as progress,
    ):  # fmt: skip
        task = progress.add_task(f"Scanning {file.name}", total=None)
        done = log_upload.scan_and_record(
            db, cli_context(), file, file.name, request,
            progress=lambda read, total: progress.update(task, completed=read, total=total),
        )  # fmt: skip
    found, stored = done.found, done.stored
    _print_log_scan(found, stored)


def _print_log_scan(found: LogScan, stored: scans.ScanView) -> None:
    by_service: dict[str, list[int]] = {}
    for use in found.uses:
        sums = by_service.setdefault(use.service_id, [0, 0, 0])
        sums[0] += use.requests
        sums[1] += use.bytes_sent or 0
        sums[2] += 1
    table = new_table("AI services in the log", "service", "requests", "bytes sent", "users")
    for service, (requests, sent, users) in sorted(by_service.items(), key=lambda i: -i[1][0]):
        shown_sent = f"{sent:,}" if found.bytes_sent_known else "not logged"
        add_row(table, service, f"{requests:,}", shown_sent, f"{users:,}")
    console.print(table)
    console.print(
        f"Read {found.lines:,} lines: {found.matched:,} to AI services, {found.malformed:,} "
        f"malformed; {stored.findings_new} new and {stored.findings_merged} merged findings "
        f"(scan {stored.id})."
    )
    for bad in found.malformed_lines[:5]:
        console.print(f"  line {bad.line}: {bad.reason}")


def add_scan_commands(app: typer.Typer) -> None:
    """The scanners' commands of ``aitower discover``."""
    app.command("logs")(scan_logs_command)
    app.command("code")(scan_code_command)
