"""What the access commands share: option types, password reading, tables, JSON output."""

from __future__ import annotations

import json
from typing import Annotated, Any

import typer
from rich.table import Table
from rich.text import Text
from sqlalchemy.orm import Session

from aitower.core.access import service
from aitower.core.access.entities import User
from aitower.core.access.roles import ORG_WIDE_ROLES, Role
from aitower.core.access.secrets import check_password_strength
from aitower.core.settings import Settings

PAGE_SIZE = 200
ROLE_NAMES = ", ".join(Role)

JsonOption = Annotated[
    bool, typer.Option("--json", help="Print a JSON array for scripts instead of a table.")
]
PasswordStdin = Annotated[
    bool,
    typer.Option(
        "--password-stdin",
        help="Read the password from the first line of stdin (for scripts); "
        "otherwise it is asked at a hidden prompt.",
    ),
]
UserRef = Annotated[str, typer.Argument(help="Username or user id.")]
UnitRefs = Annotated[
    list[str] | None,
    typer.Option("--unit", help="Business unit (name, slug or id); repeat for several."),
]


def read_password(from_stdin: bool) -> str:
    """The password from stdin or a hidden prompt typed twice, checked before any database work.

    Reading it first matters: a prompt inside a write transaction would hold the database lock
    while the operator types.
    """
    if from_stdin:
        password = typer.get_text_stream("stdin").readline().rstrip("\r\n")
    else:
        password = typer.prompt("Password", hide_input=True, confirmation_prompt=True)
    check_password_strength(password)
    return password


def local_url(chosen: Settings) -> str:
    """Where a client on this machine reaches the server (a wildcard bind means loopback)."""
    wildcard = {"0.0.0.0": "127.0.0.1", "::": "::1", "": "127.0.0.1"}  # noqa: S104
    host = wildcard.get(chosen.host, chosen.host)
    if ":" in host and not host.startswith("["):
        host = f"[{host}]"  # an IPv6 literal in a URL
    return f"http://{host}:{chosen.port}"


def print_json(items: list[dict[str, Any]]) -> None:
    """Plain JSON on stdout (no colour, no wrapping) so scripts can parse it."""
    typer.echo(json.dumps(items, indent=2, ensure_ascii=False))


def new_table(title: str, *headers: str) -> Table:
    """Columns fold long values (emails, ids) rather than cut them: a list is for reading."""
    table = Table(title=title)
    for header in headers:
        table.add_column(header, overflow="fold")
    return table


def add_row(table: Table, *cells: str) -> None:
    """Cells as plain text: a name like 'R&D [lab]' is data, not Rich markup."""
    table.add_row(*(Text(cell) for cell in cells))


def unit_names(session: Session) -> dict[Any, str]:
    return {u.id: u.name for u in service.list_units(session)}


def scope_text(user: User, names: dict[Any, str]) -> str:
    if user.role in ORG_WIDE_ROLES or user.all_units:
        return "all units"
    return ", ".join(sorted(names.get(u, str(u)) for u in user.unit_ids)) or "-"
