"""``aitower users|units|apikeys|permissions``: access administration from the server's shell.

The CLI acts as ``cli:<os user>``, an administrator (whoever can run it on the server owns the
database), through the same services as the API, so every change lands on the audit trail.
Passwords never come from an option (it would stay in the shell history): they are typed at a
hidden prompt or piped on stdin.
"""

from __future__ import annotations

import json
import tempfile
from datetime import timedelta
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.markup import escape
from rich.table import Table
from rich.text import Text
from sqlalchemy.orm import Session

from aitower.core.access import apikeys, authn, service
from aitower.core.access.domain import parse_role
from aitower.core.access.entities import ApiKey, User
from aitower.core.access.permissions_doc import render_permissions_markdown
from aitower.core.access.roles import ORG_WIDE_ROLES, Role
from aitower.core.access.schemas import ApiKeyOut, UnitOut, UserOut
from aitower.core.access.secrets import check_password_strength
from aitower.core.cli.context import clean_errors, cli_context, console, database, fail, settings
from aitower.core.db.base import utcnow
from aitower.core.db.engine import Database
from aitower.core.db.migrate import upgrade
from aitower.core.settings import Settings

users_app = typer.Typer(
    help="Users: create, list, change role or business units, disable, set a password.",
    no_args_is_help=True,
)
units_app = typer.Typer(help="Business units: create and list.", no_args_is_help=True)
apikeys_app = typer.Typer(
    help="API keys for machines (OTLP exporters, scripts): create, list, revoke.",
    no_args_is_help=True,
)
permissions_app = typer.Typer(
    help="The permission matrix: generate docs/permissions.md.", no_args_is_help=True
)

PAGE_SIZE = 200
ROLE_NAMES = ", ".join(Role)
DEFAULT_PERMISSIONS_DOC = Path("docs/permissions.md")

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


def register(app: typer.Typer) -> None:
    """Add the access commands to the root ``aitower`` command."""
    app.add_typer(users_app, name="users")
    app.add_typer(units_app, name="units")
    app.add_typer(apikeys_app, name="apikeys")
    app.add_typer(permissions_app, name="permissions")


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


def _print_json(items: list[dict[str, Any]]) -> None:
    """Plain JSON on stdout (no colour, no wrapping) so scripts can parse it."""
    typer.echo(json.dumps(items, indent=2, ensure_ascii=False))


def _table(title: str, *headers: str) -> Table:
    """Columns fold long values (emails, ids) rather than cut them: a list is for reading."""
    table = Table(title=title)
    for header in headers:
        table.add_column(header, overflow="fold")
    return table


def _row(table: Table, *cells: str) -> None:
    """Cells as plain text: a name like 'R&D [lab]' is data, not Rich markup."""
    table.add_row(*(Text(cell) for cell in cells))


def _unit_names(session: Session) -> dict[Any, str]:
    return {u.id: u.name for u in service.list_units(session)}


def _scope(user: User, names: dict[Any, str]) -> str:
    if user.role in ORG_WIDE_ROLES or user.all_units:
        return "all units"
    return ", ".join(sorted(names.get(u, str(u)) for u in user.unit_ids)) or "-"


# --- units -----------------------------------------------------------------------------------


@units_app.command("create")
@clean_errors
def create_unit(
    name: Annotated[str, typer.Argument(help="Unit name, e.g. 'Customer Support'.")],
    description: Annotated[str, typer.Option(help="What the unit does.")] = "",
) -> None:
    """Create a business unit (its slug is derived from the name)."""
    with database() as db, db.writing() as session:
        unit = service.create_unit(session, cli_context(), name, description)
    console.print(f"Created business unit [bold]{escape(unit.name)}[/] (slug {unit.slug}).")


@units_app.command("list")
@clean_errors
def list_units(as_json: JsonOption = False) -> None:
    """List business units."""
    with database() as db, db.reading() as session:
        units = service.list_units(session)
    if as_json:
        _print_json([UnitOut.of(u).model_dump(mode="json") for u in units])
        return
    table = _table(f"{len(units)} business units", "name", "slug", "description", "id")
    for unit in units:
        _row(table, unit.name, unit.slug, unit.description, str(unit.id))
    console.print(table)


# --- users -----------------------------------------------------------------------------------


@users_app.command("create")
@clean_errors
def create_user(
    username: Annotated[str, typer.Argument(help="Login name: lowercase letters, digits, . _ -")],
    email: Annotated[str, typer.Option(help="Email address.")],
    role: Annotated[str, typer.Option(help=f"One of: {ROLE_NAMES}.")],
    unit: UnitRefs = None,
    all_units: Annotated[
        bool, typer.Option("--all-units", help="Sees every business unit, now and later.")
    ] = False,
    display_name: Annotated[str, typer.Option(help="Full name shown in the UI.")] = "",
    password_stdin: PasswordStdin = False,
    no_password: Annotated[
        bool,
        typer.Option("--no-password", help="No local password (the user signs in through SSO)."),
    ] = False,
) -> None:
    """Create a user with a role, business units and a password (prompted, or from stdin)."""
    chosen_role = parse_role(role)
    if no_password and password_stdin:
        raise fail("--no-password and --password-stdin exclude each other", 2)
    password = None if no_password else read_password(password_stdin)
    new = service.NewUser(
        username=username,
        email=email,
        role=chosen_role,
        password=password,
        display_name=display_name,
        unit_refs=tuple(unit or ()),
        all_units=all_units,
    )
    with database() as db, db.writing() as session:
        user = service.create_user(session, cli_context(), new)
        scope = _scope(user, _unit_names(session))
    console.print(f"Created user [bold]{user.username}[/] ({user.role.value}; {escape(scope)}).")


def _all_users(
    session: Session, role: Role | None, unit: str | None, search: str | None, disabled: bool
) -> list[User]:
    """Every matching user, page after page (the service pages for the API)."""
    unit_id = None if unit is None else service.get_unit(session, unit).id
    found: list[User] = []
    while True:
        page, total = service.list_users(
            session,
            cli_context().principal,
            role=role,
            unit_id=unit_id,
            query_text=search,
            include_disabled=disabled,
            limit=PAGE_SIZE,
            offset=len(found),
        )
        found += page
        if not page or len(found) >= total:
            return found


def _user_json(user: User, names: dict[Any, str]) -> dict[str, Any]:
    """The API's shape plus unit names and whether the user sees every unit."""
    doc = UserOut.of(user).model_dump(mode="json")
    doc["units"] = sorted(names.get(u, str(u)) for u in user.unit_ids)
    doc["sees_all_units"] = user.role in ORG_WIDE_ROLES or user.all_units
    return doc


def _status(user: User) -> str:
    if user.disabled:
        return "disabled"
    if user.locked_until is not None and user.locked_until > utcnow():
        return "locked"
    return "active"


@users_app.command("list")
@clean_errors
def list_users(
    role: Annotated[str | None, typer.Option(help="Only this role.")] = None,
    unit: Annotated[str | None, typer.Option(help="Only members of this unit.")] = None,
    search: Annotated[str | None, typer.Option(help="Name, username or email contains.")] = None,
    include_disabled: Annotated[
        bool, typer.Option("--include-disabled/--active-only", help="Show disabled users.")
    ] = True,
    as_json: JsonOption = False,
) -> None:
    """List users with their role, business units and status."""
    chosen_role = None if role is None else parse_role(role)
    with database() as db, db.reading() as session:
        users = _all_users(session, chosen_role, unit, search, include_disabled)
        names = _unit_names(session)
    if as_json:
        _print_json([_user_json(u, names) for u in users])
        return
    table = _table(
        f"{len(users)} users", "username", "name", "email", "role", "units", "status", "last login"
    )
    for user in users:
        last = "-" if user.last_login_at is None else f"{user.last_login_at:%Y-%m-%d %H:%M}"
        _row(
            table,
            user.username,
            user.display_name,
            user.email,
            user.role.value,
            _scope(user, names),
            _status(user),
            last,
        )
    console.print(table)


@users_app.command("set-role")
@clean_errors
def set_role(
    user: UserRef,
    role: Annotated[str, typer.Argument(help=f"One of: {ROLE_NAMES}.")],
) -> None:
    """Change a user's role (a unit-scoped role needs at least one business unit)."""
    chosen_role = parse_role(role)
    with database() as db, db.writing() as session:
        changed = service.update_user_access(session, cli_context(), user, role=chosen_role)
    console.print(f"{changed.username} is now {changed.role.value}.")


@users_app.command("set-units")
@clean_errors
def set_units(
    user: UserRef,
    unit: UnitRefs = None,
    all_units: Annotated[
        bool, typer.Option("--all-units", help="Sees every business unit, now and later.")
    ] = False,
) -> None:
    """Replace a user's business units with the ones given (or all units)."""
    if not unit and not all_units:
        raise fail("give one or more --unit, or --all-units", 2)
    with database() as db, db.writing() as session:
        changed = service.update_user_access(
            session, cli_context(), user, unit_refs=tuple(unit or ()), all_units=all_units
        )
        scope = _scope(changed, _unit_names(session))
    console.print(f"{changed.username} now sees: {escape(scope)}.")


def _set_disabled(user: str, disabled: bool) -> User:
    with database() as db, db.writing() as session:
        return service.set_user_disabled(session, cli_context(), user, disabled)


@users_app.command("disable")
@clean_errors
def disable_user(user: UserRef) -> None:
    """Disable a user: they can no longer log in and their browser sessions end at once."""
    changed = _set_disabled(user, True)
    console.print(f"{changed.username} is disabled.")


@users_app.command("enable")
@clean_errors
def enable_user(user: UserRef) -> None:
    """Enable a disabled user again."""
    changed = _set_disabled(user, False)
    console.print(f"{changed.username} is enabled.")


@users_app.command("unlock")
@clean_errors
def unlock_user(user: UserRef) -> None:
    """Clear a lockout after repeated failed logins, before it runs out by itself."""
    with database() as db, db.writing() as session:
        found = service.get_user(session, user)
        cleared = authn.unlock(session, cli_context(), found.id)
    console.print(f"{found.username} " + ("is unlocked." if cleared else "was not locked."))


@users_app.command("set-password")
@clean_errors
def set_password(user: UserRef, password_stdin: PasswordStdin = False) -> None:
    """Set a user's password (prompted twice, or from stdin); also clears a lockout."""
    password = read_password(password_stdin)
    with database() as db, db.writing() as session:
        changed = service.set_password(session, cli_context(), user, password)
    console.print(f"Password of {changed.username} changed.")


# --- API keys --------------------------------------------------------------------------------


@apikeys_app.command("create")
@clean_errors
def create_key(
    name: Annotated[str, typer.Argument(help="What the key is for, e.g. 'support-bot telemetry'.")],
    role: Annotated[str, typer.Option(help=f"Role the key acts with; one of: {ROLE_NAMES}.")],
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
            session, cli_context(), name=name, role=chosen_role, unit_ref=unit, expires_at=expires
        )
    if as_json:
        doc = ApiKeyOut.of(created.key).model_dump(mode="json")
        typer.echo(json.dumps({**doc, "secret": created.secret}, indent=2))
        return
    print_new_key(created.key, created.secret, local_url(settings()))


def print_new_key(key: ApiKey, secret: str, server_url: str) -> None:
    """The secret once, plainly (no wrapping, so it copies whole), and how an exporter uses it."""
    console.print(
        f"Created API key [bold]{escape(key.name)}[/] ({key.prefix}, role {key.role.value})."
    )
    console.print("[bold yellow]Secret, shown only now; store it safely:[/]")
    typer.echo(f"\n    {secret}\n")
    console.print("OpenTelemetry exporter settings:")
    typer.echo(f"    OTEL_EXPORTER_OTLP_ENDPOINT={server_url}")
    typer.echo(f"    OTEL_EXPORTER_OTLP_HEADERS=x-api-key={secret}")


def _all_keys(session: Session, include_revoked: bool) -> list[ApiKey]:
    found: list[ApiKey] = []
    while True:
        page, total = apikeys.list_api_keys(
            session,
            cli_context().principal,
            include_revoked=include_revoked,
            limit=PAGE_SIZE,
            offset=len(found),
        )
        found += page
        if not page or len(found) >= total:
            return found


def _key_status(key: ApiKey) -> str:
    if key.revoked_at is not None:
        return "revoked"
    if key.expires_at is not None and key.expires_at <= utcnow():
        return "expired"
    return "active"


@apikeys_app.command("list")
@clean_errors
def list_keys(
    include_revoked: Annotated[
        bool, typer.Option("--include-revoked/--active-only", help="Show revoked keys.")
    ] = True,
    as_json: JsonOption = False,
) -> None:
    """List API keys (prefixes only: secrets are never stored)."""
    with database() as db, db.reading() as session:
        keys = _all_keys(session, include_revoked)
        names = _unit_names(session)
    if as_json:
        _print_json([ApiKeyOut.of(k).model_dump(mode="json") for k in keys])
        return
    headers = ("prefix", "name", "role", "unit", "created by", "created", "expires", "status")
    table = _table(f"{len(keys)} API keys", *headers)
    for key in keys:
        unit = "all units" if key.unit_id is None else names.get(key.unit_id, str(key.unit_id))
        expires = "-" if key.expires_at is None else f"{key.expires_at:%Y-%m-%d}"
        _row(
            table,
            key.prefix,
            key.name,
            key.role.value,
            unit,
            key.created_by,
            f"{key.created_at:%Y-%m-%d}",
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


# --- permissions doc -------------------------------------------------------------------------


def permissions_markdown() -> str:
    """Render the doc from the real app, built on a throwaway migrated SQLite database."""
    from aitower.core.web.app import create_app  # the web stack only for this command

    with tempfile.TemporaryDirectory(prefix="aitower-doc-") as tmp:
        chosen = Settings(
            database_url=f"sqlite:///{tmp}/doc.db",
            data_dir=Path(tmp),
            secret_key="x" * 40,
            dev_mode=False,
        )
        db = Database(chosen.resolved_database_url)
        try:
            upgrade(db.engine)
            return render_permissions_markdown(create_app(chosen, database=db).routes)
        finally:
            db.dispose()


@permissions_app.command("doc")
@clean_errors
def permissions_doc(
    check: Annotated[
        bool, typer.Option("--check", help="Write nothing; exit 1 if the file is out of date.")
    ] = False,
    output: Annotated[Path, typer.Option(help="The file to write or check.")] = (
        DEFAULT_PERMISSIONS_DOC
    ),
) -> None:
    """Write docs/permissions.md: roles, the role × permission matrix, every route's permission."""
    text = permissions_markdown()
    if check:
        current = output.read_text(encoding="utf-8") if output.exists() else ""
        if current != text:
            raise fail(f"{output} is out of date; run 'aitower permissions doc'")
        console.print(f"{output} is up to date.", markup=False)
        return
    output.parent.mkdir(parents=True, exist_ok=True)
    output.write_text(text, encoding="utf-8")
    console.print(f"Wrote {output}.", markup=False)
