"""``aitower users``: people, their roles and business units, status and passwords."""

from __future__ import annotations

from typing import Annotated, Any

import typer
from rich.markup import escape
from sqlalchemy.orm import Session

from aitower.core.access import authn, service
from aitower.core.access.cli_shared import (
    PAGE_SIZE,
    ROLE_NAMES,
    JsonOption,
    PasswordStdin,
    UnitRefs,
    UserRef,
    add_row,
    new_table,
    print_json,
    read_password,
    scope_text,
    unit_names,
)
from aitower.core.access.domain import parse_role
from aitower.core.access.entities import User
from aitower.core.access.roles import ORG_WIDE_ROLES, Role
from aitower.core.access.schemas import UserOut
from aitower.core.cli.context import clean_errors, cli_context, console, database, fail
from aitower.core.db.base import utcnow

users_app = typer.Typer(
    help="Users: create, list, change role or business units, disable, set a password.",
    no_args_is_help=True,
)


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
        scope = scope_text(user, unit_names(session))
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
        names = unit_names(session)
    if as_json:
        print_json([_user_json(u, names) for u in users])
        return
    table = new_table(
        f"{len(users)} users", "username", "name", "email", "role", "units", "status", "last login"
    )
    for user in users:
        last = "-" if user.last_login_at is None else f"{user.last_login_at:%Y-%m-%d %H:%M}"
        add_row(
            table,
            user.username,
            user.display_name,
            user.email,
            user.role.value,
            scope_text(user, names),
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
        scope = scope_text(changed, unit_names(session))
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
    """Set a user's password (prompted twice, or from stdin); also clears a lockout and logs
    the user out everywhere."""
    password = read_password(password_stdin)
    with database() as db, db.writing() as session:
        changed = service.set_password(session, cli_context(), user, password)
    console.print(f"Password of {changed.username} changed; their sessions have ended.")
