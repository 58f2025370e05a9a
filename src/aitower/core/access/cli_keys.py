"""``aitower apikeys``: keys for machines (telemetry exporters, scripts)."""

from __future__ import annotations

import json
from datetime import timedelta
from typing import Annotated

import typer
from rich.markup import escape
from sqlalchemy.orm import Session

from aitower.core.access import apikeys
from aitower.core.access.cli_shared import (
    PAGE_SIZE,
    ROLE_NAMES,
    JsonOption,
    add_row,
    local_url,
    new_table,
    print_json,
    unit_names,
)
from aitower.core.access.domain import parse_role
from aitower.core.access.entities import ApiKey
from aitower.core.access.schemas import ApiKeyOut
from aitower.core.cli.context import clean_errors, cli_context, console, database, settings
from aitower.core.db.base import utcnow

apikeys_app = typer.Typer(
    help="API keys for machines (OTLP exporters, scripts): create, list, revoke, assign. "
    "Each key acts for its owner and never does more than they can today.",
    no_args_is_help=True,
)


@apikeys_app.command("create")
@clean_errors
def create_key(
    name: Annotated[str, typer.Argument(help="What the key is for, e.g. 'support-bot telemetry'.")],
    role: Annotated[str, typer.Option(help=f"Role the key acts with; one of: {ROLE_NAMES}.")],
    owner: Annotated[
        str,
        typer.Option(help="The user the key acts for (username or id); it stops when they do."),
    ],
    unit: Annotated[
        str | None, typer.Option(help="Limit the key to this business unit (name, slug or id).")
    ] = None,
    expires_in_days: Annotated[
        int | None, typer.Option(min=1, max=3650, help="Expire after this many days.")
    ] = None,
    as_json: Annotated[
        bool, typer.Option("--json", help="Print the key and its secret as JSON.")
    ] = False,
) -> None:
    """Create an API key; its secret is printed this once and never stored."""
    chosen_role = parse_role(role)
    expires = None if expires_in_days is None else utcnow() + timedelta(days=expires_in_days)
    with database() as db, db.writing() as session:
        created = apikeys.create_api_key(
            session,
            cli_context(),
            name=name,
            role=chosen_role,
            unit_ref=unit,
            expires_at=expires,
            owner_ref=owner,
        )
    if as_json:
        doc = ApiKeyOut.of(created.key).model_dump(mode="json")
        typer.echo(json.dumps({**doc, "secret": created.secret}, indent=2))
        return
    print_new_key(created.key, created.secret, local_url(settings()))


def print_new_key(key: ApiKey, secret: str, server_url: str) -> None:
    """The secret once, plainly (no wrapping, so it copies whole), and how an exporter uses it."""
    console.print(
        f"Created API key [bold]{escape(key.name)}[/] ({key.prefix}, role {key.role.value}, "
        f"acting for {escape(key.owner or '-')})."
    )
    console.print("[bold yellow]Secret, shown only now; store it safely:[/]")
    typer.echo(f"\n    {secret}\n")
    console.print("OpenTelemetry exporter settings:")
    typer.echo(f"    OTEL_EXPORTER_OTLP_ENDPOINT={server_url}")
    typer.echo(f"    OTEL_EXPORTER_OTLP_HEADERS=x-api-key={secret}")


def _all_keys(session: Session, include_revoked: bool, owner: str | None) -> list[ApiKey]:
    found: list[ApiKey] = []
    while True:
        page, total = apikeys.list_api_keys(
            session,
            cli_context().principal,
            include_revoked=include_revoked,
            owner_ref=owner,
            limit=PAGE_SIZE,
            offset=len(found),
        )
        found += page
        if not page or len(found) >= total:
            return found


def _key_status(key: ApiKey) -> str:
    if key.revoked_at is not None:
        return "revoked"
    if key.orphaned:
        return "orphaned (refused)"
    if key.expires_at is not None and key.expires_at <= utcnow():
        return "expired"
    return "active"


@apikeys_app.command("list")
@clean_errors
def list_keys(
    include_revoked: Annotated[
        bool, typer.Option("--include-revoked/--active-only", help="Show revoked keys.")
    ] = True,
    owner: Annotated[str | None, typer.Option(help="Only this user's keys.")] = None,
    as_json: JsonOption = False,
) -> None:
    """List API keys (prefixes only: secrets are never stored)."""
    with database() as db, db.reading() as session:
        keys = _all_keys(session, include_revoked, owner)
        names = unit_names(session)
    if as_json:
        print_json([ApiKeyOut.of(k).model_dump(mode="json") for k in keys])
        return
    headers = ("prefix", "name", "owner", "role", "unit", "last used", "expires", "status")
    table = new_table(f"{len(keys)} API keys", *headers)
    for key in keys:
        unit = "all units" if key.unit_id is None else names.get(key.unit_id, str(key.unit_id))
        expires = "-" if key.expires_at is None else f"{key.expires_at:%Y-%m-%d}"
        used = "never" if key.last_used_at is None else f"{key.last_used_at:%Y-%m-%d %H:%M}"
        add_row(
            table,
            key.prefix,
            key.name,
            key.owner or "-",
            key.role.value,
            unit,
            used,
            expires,
            _key_status(key),
        )
    console.print(table)


@apikeys_app.command("revoke")
@clean_errors
def revoke_key(
    key: Annotated[str, typer.Argument(help="Key prefix (atk_…) or id.")],
) -> None:
    """Revoke an API key at once; revoking is final."""
    with database() as db, db.writing() as session:
        revoked = apikeys.revoke_api_key(session, cli_context(), key)
    console.print(f"API key {revoked.prefix} ({escape(revoked.name)}) is revoked.")


@apikeys_app.command("revoke-all")
@clean_errors
def revoke_all(user: Annotated[str, typer.Argument(help="Username or user id.")]) -> None:
    """Revoke every live key of one user (someone leaving, a laptop lost)."""
    with database() as db, db.writing() as session:
        count = apikeys.revoke_user_keys(session, cli_context(), user)
    console.print(f"{count} API keys of {escape(user)} revoked.")


@apikeys_app.command("assign")
@clean_errors
def assign(
    key: Annotated[str, typer.Argument(help="Key prefix (atk_…) or id.")],
    owner: Annotated[str, typer.Argument(help="The user it will act for (username or id).")],
) -> None:
    """Give an orphaned key (made before keys had owners) the user it acts for."""
    with database() as db, db.writing() as session:
        assigned = apikeys.assign_owner(session, cli_context(), key, owner)
    console.print(f"API key {assigned.prefix} now acts for {escape(assigned.owner or '-')}.")
