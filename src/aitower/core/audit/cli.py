"""``aitower audit verify|export``: check the hash chain and hand it to an auditor.

Both use the audit service (the same verification the API and the audit page show); a
progress bar on stderr counts events, so stdout stays clean for scripts.
"""

from __future__ import annotations

import json
import os
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Annotated, Any, TextIO

import typer
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn
from sqlalchemy.orm import Session

from aitower.core.audit import service
from aitower.core.audit.chain import ChainReport
from aitower.core.cli.context import clean_errors, console, database, err_console, fail

audit_app = typer.Typer(
    help="The audit trail: verify its hash chain, export it for an auditor.",
    no_args_is_help=True,
)


def register(app: typer.Typer) -> None:
    """Add ``aitower audit`` to the root command."""
    app.add_typer(audit_app, name="audit")


@contextmanager
def _progress(label: str, total: int) -> Iterator[Callable[[int], None]]:
    """A transient bar on stderr when it is a terminal (no noise in logs); yields ``advance(n)``."""
    columns = (
        TextColumn("{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeRemainingColumn(),
    )
    shown = err_console.is_terminal
    with Progress(*columns, console=err_console, transient=True, disable=not shown) as progress:
        task = progress.add_task(label, total=total)
        yield lambda n: progress.advance(task, n)


def parse_head(text: str) -> tuple[int, str]:
    """``SEQ:HASH`` as printed by ``audit verify`` and ``audit export``."""
    seq, sep, digest = text.strip().partition(":")
    if not sep or not seq.isdigit() or len(digest) != 64:
        raise fail(f"--expect-head: {text!r} is not SEQ:HASH (e.g. 42:3f9a…, 64 hex digits)", 2)
    return int(seq), digest.lower()


def _check(session: Session, recorded: tuple[int, str] | None) -> ChainReport:
    with _progress("Verifying", service.count_events(session)) as advance:
        return service.verify(session, recorded_head=recorded, on_progress=advance)


@audit_app.command("verify")
@clean_errors
def verify(
    expect_head: Annotated[
        str | None,
        typer.Option(
            help="A head recorded earlier, as SEQ:HASH: also fail if that event is gone or changed."
        ),
    ] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print the result as JSON.")] = False,
) -> None:
    """Verify the hash chain from the first event: exit 0 if intact, 1 naming the first bad one."""
    recorded = None if expect_head is None else parse_head(expect_head)
    with database() as db, db.reading() as session:
        report = _check(session, recorded)
    bad = report.problem
    if as_json:
        doc = {
            "ok": report.ok,
            "checked": report.checked,
            "head_seq": report.head_seq,
            "head_hash": report.head_hash,
            "first_bad_seq": None if bad is None else bad.seq,
            "first_bad_id": None if bad is None else bad.event_id,
            "reason": None if bad is None else bad.reason,
        }
        typer.echo(json.dumps(doc, indent=2))
        raise typer.Exit(0 if bad is None else 1)
    if bad is not None:
        event = "" if bad.event_id is None else f" (event {bad.event_id})"
        raise fail(
            f"audit trail broken at seq {bad.seq}{event}: {bad.reason}; "
            f"{report.checked} events before it verified"
        )
    console.print(f"[green]Audit trail intact:[/] {report.checked} events verified.")
    console.print(f"head: seq {report.head_seq} hash {report.head_hash}", soft_wrap=True)


def _parse_since(text: str | None) -> datetime | None:
    """ISO 8601; a time without an offset is taken as UTC, like every time in aitower."""
    if text is None:
        return None
    try:
        moment = datetime.fromisoformat(text)
    except ValueError:
        example = "2025-01-31T00:00:00Z"
        raise fail(f"--since: {text!r} is not an ISO 8601 time, e.g. {example}", 2) from None
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=UTC)


@contextmanager
def _output(path: Path | None) -> Iterator[TextIO]:
    """stdout, or a file that appears under its name only once complete."""
    if path is None or str(path) == "-":
        yield typer.get_text_stream("stdout")
        return
    partial = path.with_name(path.name + ".partial")
    with partial.open("w", encoding="utf-8", newline="\n") as out:
        yield out
        out.flush()
        os.fsync(out.fileno())
    partial.replace(path)


@dataclass
class Exported:
    """What an export wrote: how many events, and its first and last (the head to record)."""

    count: int = 0
    first: dict[str, Any] | None = None
    last: dict[str, Any] | None = None


def _write_export(session: Session, out: TextIO, since: datetime | None) -> Exported:
    done = Exported()
    last_line = None
    with _progress("Exporting", service.count_events(session, since=since)) as advance:
        for line in service.export_lines(session, since=since, on_progress=advance):
            out.write(line)
            if done.first is None:
                done.first = json.loads(line)
            done.count, last_line = done.count + 1, line
    done.last = None if last_line is None else json.loads(last_line)
    return done


@audit_app.command("export")
@clean_errors
def export(
    output: Annotated[
        Path | None, typer.Option("--output", "-o", help="File to write; stdout when omitted.")
    ] = None,
    since: Annotated[
        str | None, typer.Option(help="Only events at or after this ISO 8601 time (UTC if bare).")
    ] = None,
) -> None:
    """Export the audit trail as JSON Lines, and print the head the auditor should record."""
    since_at = _parse_since(since)
    to_stdout = output is None or str(output) == "-"
    report = err_console if to_stdout else console
    with database() as db, db.reading() as session, _output(output) as out:
        done = _write_export(session, out, since_at)
    where = "stdout" if to_stdout else str(output)
    file_name = "<export file>" if to_stdout else str(output)
    first, last = done.first, done.last
    if first is None or last is None:
        report.print(f"Exported no events to {where}.", markup=False)
        return
    span = f"seq {first['seq']}..{last['seq']}"
    report.print(f"Exported {done.count} events ({span}) to {where}.", markup=False)
    head = f"{last['seq']}:{last['hash']}"
    report.print(f"Head to record: seq {last['seq']} hash {last['hash']}", soft_wrap=True)
    report.print(
        f"Check later with: aitower audit verify --expect-head {head}\n"
        f"or independently: python docs/verify_audit_export.py {file_name} --head {head}",
        soft_wrap=True,
        highlight=False,
        markup=False,
    )
