"""``aitower audit inventory|bundle|verify-bundle|public-key``: the audit journey from a shell.

They join the core's ``aitower audit`` group (``verify``, ``export``), where an auditor looks.
"""

from __future__ import annotations

import json
from datetime import datetime
from pathlib import Path
from typing import Annotated

import typer
from rich.markup import escape
from rich.table import Table

from aitower.auditing import documents, service
from aitower.auditing.bundle import fingerprint, public_pem, verify_bundle
from aitower.auditing.replay import parse_moment
from aitower.auditing.signing import signing_key
from aitower.core.audit.cli import audit_app
from aitower.core.cli.context import (
    clean_errors,
    cli_context,
    console,
    database,
    err_console,
    fail,
    settings,
)
from aitower.core.db.base import utcnow
from aitower.core.moments import utc_moment

AtOption = Annotated[
    str | None,
    typer.Option(
        "--at",
        help="A date (YYYY-MM-DD: the end of that UTC day) or an ISO 8601 time; now if omitted.",
    ),
]


def _moment(at: str | None) -> datetime:
    if at is None:
        return utcnow()
    try:
        return utc_moment(parse_moment(at), "--at")
    except ValueError as exc:
        raise fail(f"--at: {exc}", 2) from None


def inventory(
    at: AtOption = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print the snapshot as JSON.")] = False,
) -> None:
    """Every AI system with its risk tier and stage as they stood at a moment."""
    moment = _moment(at)
    with database() as db, db.reading() as session:
        snapshot = service.snapshot_at(session, moment)
    if as_json:
        typer.echo(service.as_json(documents.inventory_document(snapshot)))
        return
    table = Table("system", "unit", "risk tier", "stage", "stage since", title=None)
    for s in snapshot.systems:
        since = "" if s.stage_since is None else s.stage_since.strftime("%Y-%m-%d %H:%M")
        removed = " (removed)" if s.removed else ""
        table.add_row(
            escape(s.name) + removed,
            escape(s.unit or ""),
            s.risk_tier or "not assessed",
            s.stage or "",
            since,
        )
    console.print(table)
    console.print(
        f"{len(snapshot.systems)} systems as of {snapshot.at.isoformat()}; "
        f"trail up to event {snapshot.head_seq}",
        markup=False,
        highlight=False,
    )


def bundle(
    output: Annotated[Path, typer.Option("--output", "-o", help="The zip file to write.")],
    at: AtOption = None,
) -> None:
    """Write the signed audit bundle for a moment (see docs/audit.md to verify it)."""
    moment = _moment(at)
    key = signing_key(settings())
    made_by = cli_context().principal.actor
    with database() as db, db.reading() as session:
        data, snapshot = service.make_bundle(session, moment, key=key, made_by=made_by)
    partial = output.with_name(output.name + ".partial")
    partial.write_bytes(data)
    partial.replace(output)
    console.print(
        f"Wrote {output}: {len(snapshot.systems)} systems, {len(snapshot.decisions)} decisions, "
        f"{len(snapshot.policies)} policies, {len(snapshot.evidence)} evidence items; "
        f"trail up to event {snapshot.head_seq}.",
        markup=False,
        highlight=False,
    )
    console.print(
        f"Signed with Ed25519 key sha256:{fingerprint(key.public_key())}",
        markup=False,
        highlight=False,
    )


def verify_bundle_command(
    path: Annotated[Path, typer.Argument(help="The bundle (.zip).", exists=True, dir_okay=False)],
    public_key: Annotated[
        Path | None,
        typer.Option(
            help="The public key you pinned (PEM); without it, the key inside the bundle is used "
            "and only its fingerprint ties it to the signer.",
            exists=True,
            dir_okay=False,
        ),
    ] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print the result as JSON.")] = False,
) -> None:
    """Check a bundle's signature, each file's hash and its trail's chain: exit 0 or 1."""
    pinned = None if public_key is None else public_key.read_bytes()
    report = verify_bundle(path.read_bytes(), pinned_key=pinned)
    head = report.manifest.get("chain_head", {})
    if as_json:
        doc = {
            "ok": report.ok,
            "problems": report.problems,
            "as_of": report.manifest.get("as_of"),
            "chain_head": head,
            "key_sha256": report.key_sha256,
        }
        typer.echo(json.dumps(doc, indent=2))
        raise typer.Exit(0 if report.ok else 1)
    if not report.ok:
        for problem in report.problems:
            err_console.print(f"NOT OK: {problem}", markup=False, highlight=False, soft_wrap=True)
        raise typer.Exit(1)
    pinned_note = "the pinned key" if pinned is not None else "the key inside the bundle"
    console.print(
        f"OK: signed by {pinned_note} sha256:{report.key_sha256}; every file matches; "
        f"trail verified to seq {head.get('seq')} hash {head.get('hash')}; as of "
        f"{report.manifest.get('as_of')}",
        markup=False,
        highlight=False,
        soft_wrap=True,
    )


def public_key_command(
    output: Annotated[
        Path | None, typer.Option("--output", "-o", help="File to write; stdout when omitted.")
    ] = None,
) -> None:
    """Print (or write) the public key that signs bundles, and its fingerprint on stderr."""
    key = signing_key(settings()).public_key()
    pem = public_pem(key)
    if output is None:
        typer.echo(pem.decode(), nl=False)
    else:
        output.write_bytes(pem)
    err_console.print(f"sha256:{fingerprint(key)}", markup=False, highlight=False)


COMMANDS = (
    ("inventory", inventory),
    ("bundle", bundle),
    ("verify-bundle", verify_bundle_command),
    ("public-key", public_key_command),
)


def register(app: typer.Typer) -> None:
    """Add the journey's commands to ``aitower audit`` (once: the group is the core's)."""
    del app  # the commands join the core's group, which the root already holds
    known = {c.name for c in audit_app.registered_commands}
    for name, command in COMMANDS:
        if name not in known:
            audit_app.command(name)(clean_errors(command))
