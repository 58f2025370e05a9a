"""``aitower systems`` and ``aitower vendors``: list, show, import and export the inventory.

The CLI acts as ``cli:<os user>`` (an administrator) through the same services as the API, so
an import from the shell is checked and audited exactly like one over HTTP.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Annotated

import typer
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn

from aitower.core.access import service as access
from aitower.core.access.cli_shared import JsonOption, add_row, new_table, print_json
from aitower.core.cli.context import clean_errors, cli_context, console, database, err_console, fail
from aitower.core.db.base import utcnow
from aitower.core.errors import InvalidInput
from aitower.inventory import importing, queries, service, vendors
from aitower.inventory.domain import spec_document
from aitower.inventory.lifecycle import Stage
from aitower.inventory.schemas import SystemListOut, SystemOut, TierFilter, VendorOut
from aitower.inventory.transfer import Format, render_systems, render_vendors
from aitower.inventory.vendor_domain import vendor_document
from aitower.inventory.vocabulary import SystemKind

systems_app = typer.Typer(help="AI systems: list, show, import, export.", no_args_is_help=True)
vendors_app = typer.Typer(help="Vendors: list, show, import, export.", no_args_is_help=True)
PAGE = 200

FileArg = Annotated[
    Path, typer.Argument(help="A .csv, .yaml or .yml file.", exists=True, dir_okay=False)
]
FormatOption = Annotated[Format, typer.Option("--format", help="csv or yaml.")]
SkipOption = Annotated[
    bool, typer.Option("--skip-bad-rows", help="Import the good rows, skip refused ones.")
]
DryRunOption = Annotated[bool, typer.Option("--dry-run", help="Check only; write nothing.")]
OutOption = Annotated[Path | None, typer.Option("-o", "--output", help="Write here, not stdout.")]


def register(app: typer.Typer) -> None:
    """Add this slice's commands to the root command."""
    app.add_typer(systems_app, name="systems")
    app.add_typer(vendors_app, name="vendors")


@contextmanager
def _progress(label: str) -> Iterator[Callable[[int, int], None]]:
    """A transient bar on stderr for long files when it is a terminal."""
    columns = (TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn())
    shown = err_console.is_terminal
    with Progress(*columns, console=err_console, transient=True, disable=not shown) as progress:
        task = progress.add_task(label, total=None)
        yield lambda done, total: progress.update(task, completed=done, total=total)


def _file(path: Path, fmt: Format | None) -> tuple[str, Format]:
    if fmt is None:
        fmt = Format.yaml if path.suffix.lower() in (".yaml", ".yml") else Format.csv
    try:
        return path.read_text(encoding="utf-8-sig"), fmt
    except UnicodeDecodeError:
        raise InvalidInput.on("file", f"{path} is not UTF-8 text") from None


def _report(report: importing.ImportReport) -> None:
    """The counts, the refused rows as a table, and exit 1 when nothing could be written."""
    if report.errors:
        table = new_table(
            f"{len(report.errors)} problems", "row", "name", "field", "value", "reason"
        )
        for e in report.errors:
            add_row(table, str(e.row) if e.row else "file", e.name, e.field, e.value, e.reason)
        console.print(table)
    counts = (
        f"{len(report.created)} created, {len(report.updated)} updated, "
        f"{len(report.unchanged)} unchanged, {len(report.refused_rows)} rows refused"
    )
    if report.refused:
        raise fail(f"nothing was imported ({counts})")
    verb = "Checked (dry run, nothing written)" if report.dry_run else "Imported"
    console.print(f"{verb} {report.rows} {report.subject}: {counts}.")


# --- systems ---------------------------------------------------------------------------------


@systems_app.command("list")
@clean_errors
def list_systems(
    q: Annotated[str | None, typer.Option("--q", help="Name or purpose contains.")] = None,
    kind: Annotated[SystemKind | None, typer.Option(help="Only this kind.")] = None,
    stage: Annotated[Stage | None, typer.Option(help="Only this lifecycle stage.")] = None,
    tier: Annotated[TierFilter | None, typer.Option(help="Risk tier, or unassessed.")] = None,
    unit: Annotated[str | None, typer.Option(help="Business unit name, slug or id.")] = None,
    as_json: JsonOption = False,
) -> None:
    """List AI systems with their unit, stage, risk tier and owners."""
    with database() as db, db.reading() as session:
        unit_id = None if unit is None else access.get_unit(session, unit).id
        flt = queries.SystemFilter(
            q=q, kind=kind, stage=stage, tier=None if tier is None else tier.value, unit_id=unit_id
        )
        found: list[queries.SystemListItem] = []
        while True:
            page, total = queries.list_systems(
                session, cli_context().principal, flt, limit=PAGE, offset=len(found)
            )
            found += page
            if not page or len(found) >= total:
                break
    if as_json:
        print_json([SystemListOut.of(i).model_dump(mode="json") for i in found])
        return
    table = new_table(
        f"{len(found)} AI systems", "name", "kind", "unit", "stage", "tier", "owner", "vendors"
    )
    for i in found:
        add_row(
            table,
            i.name,
            i.kind.value,
            i.unit_name,
            i.stage.value,
            i.risk_tier.value if i.risk_tier else "-",
            i.accountable_owner or "-",
            ", ".join(i.vendors) or "-",
        )
    console.print(table)


@systems_app.command("show")
@clean_errors
def show_system(
    name: Annotated[str, typer.Argument(help="The system's name or id.")],
    as_json: JsonOption = False,
) -> None:
    """Everything on one system's record."""
    principal = cli_context().principal
    with database() as db, db.reading() as session:
        ident = access.as_uuid(name)
        if ident is None:
            ident = service.system_ids_by_name(session, [name]).get(name)
        if ident is None:
            raise fail(f"no AI system named {name!r}")
        detail = service.get_system(session, principal, ident)
    if as_json:
        print_json([SystemOut.of(detail).model_dump(mode="json")])
        return
    console.print(
        render_systems([spec_document(detail.to_spec())], Format.yaml),
        markup=False,
        highlight=False,
    )
    console.print(f"risk tier: {detail.risk_tier.value if detail.risk_tier else 'not assessed'}")


@systems_app.command("import")
@clean_errors
def import_systems(
    file: FileArg,
    skip_bad_rows: SkipOption = False,
    dry_run: DryRunOption = False,
    fmt: Annotated[
        Format | None, typer.Option("--format", help="csv or yaml (default: from the file name).")
    ] = None,
) -> None:
    """Import systems (upsert by name); all-or-nothing unless --skip-bad-rows. Exit 1 if refused."""
    text, chosen = _file(file, fmt)
    mode = (
        importing.ImportMode.skip_bad_rows if skip_bad_rows else importing.ImportMode.all_or_nothing
    )
    with database() as db, _progress("Checking rows") as advance, db.writing() as session:
        report = importing.import_systems(
            session, cli_context(), text, chosen, mode=mode, dry_run=dry_run, on_progress=advance
        )
    _report(report)


@systems_app.command("export")
@clean_errors
def export_systems(fmt: FormatOption = Format.csv, output: OutOption = None) -> None:
    """Export every system as CSV or YAML (what import accepts)."""
    with database() as db, db.reading() as session:
        docs = queries.export_systems(session, cli_context().principal, queries.SystemFilter())
    _write(render_systems(docs, fmt), output, f"{len(docs)} systems")


def _write(text: str, output: Path | None, what: str) -> None:
    if output is None:
        typer.echo(text, nl=False)
        return
    output.write_text(text, encoding="utf-8")
    err_console.print(f"Wrote {what} to {output}.")


# --- vendors ---------------------------------------------------------------------------------


@vendors_app.command("list")
@clean_errors
def list_vendors(
    renewals_due: Annotated[
        int | None, typer.Option("--renewals-due", help="Only renewals due within N days.")
    ] = None,
    as_json: JsonOption = False,
) -> None:
    """List vendors with their risk rating, renewal date and how many systems use them."""
    with database() as db, db.reading() as session:
        found, _ = vendors.list_vendors(
            session, today=utcnow().date(), renewal_within_days=renewals_due, limit=10_000
        )
    if as_json:
        print_json(
            [
                {
                    "name": v.name,
                    "rating": v.rating.level.value,
                    "renewal_date": str(v.renewal_date or ""),
                    "systems": v.systems,
                }
                for v in found
            ]
        )
        return
    table = new_table(f"{len(found)} vendors", "name", "type", "rating", "renewal", "systems")
    for v in found:
        add_row(
            table,
            v.name,
            v.vendor_type.value,
            v.rating.level.value,
            str(v.renewal_date or "-"),
            str(v.systems),
        )
    console.print(table)


@vendors_app.command("show")
@clean_errors
def show_vendor(
    name: Annotated[str, typer.Argument(help="The vendor's name or id.")],
    as_json: JsonOption = False,
) -> None:
    """A vendor's record, its rating with the reasons, and the systems depending on it."""
    ref: uuid.UUID | str = access.as_uuid(name) or name
    with database() as db, db.reading() as session:
        vendor = vendors.get_vendor(session, cli_context().principal, ref, utcnow().date())
    if as_json:
        print_json([VendorOut.of(vendor).model_dump(mode="json")])
        return
    console.print(
        render_vendors([vendor_document(vendor.spec)], Format.yaml), markup=False, highlight=False
    )
    console.print(f"rating: {vendor.rating.level.value}", highlight=False)
    for reason in vendor.rating.reasons:
        console.print(f"  - {reason}", markup=False, highlight=False)
    used = ", ".join(d.name for d in vendor.dependents) or "none"
    console.print(f"systems ({vendor.systems}): {used}", markup=False, highlight=False)


@vendors_app.command("import")
@clean_errors
def import_vendors(
    file: FileArg,
    skip_bad_rows: SkipOption = False,
    dry_run: DryRunOption = False,
    fmt: Annotated[
        Format | None, typer.Option("--format", help="csv or yaml (default: from the file name).")
    ] = None,
) -> None:
    """Import vendors (upsert by name); all-or-nothing unless --skip-bad-rows. Exit 1 if refused."""
    text, chosen = _file(file, fmt)
    mode = (
        importing.ImportMode.skip_bad_rows if skip_bad_rows else importing.ImportMode.all_or_nothing
    )
    with database() as db, db.writing() as session:
        report = importing.import_vendors(
            session, cli_context(), text, chosen, mode=mode, dry_run=dry_run
        )
    _report(report)


@vendors_app.command("export")
@clean_errors
def export_vendors(fmt: FormatOption = Format.csv, output: OutOption = None) -> None:
    """Export every vendor as CSV or YAML (what import accepts)."""
    with database() as db, db.reading() as session:
        docs = [vendor_document(s) for s in vendors.all_vendor_specs(session)]
    _write(render_vendors(docs, fmt), output, f"{len(docs)} vendors")
