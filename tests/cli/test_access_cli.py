"""``aitower users|units|apikeys|permissions``: changes through the services, clean errors."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest
import typer
from sqlalchemy import select

from aitower.core.access import apikeys, authn
from aitower.core.access.principal import anonymous_principal
from aitower.core.access.roles import Role
from aitower.core.access.secrets import verify_password
from aitower.core.access.tables import UserRow
from aitower.core.audit import service as audit
from aitower.core.audit.service import ChangeContext
from aitower.core.db.engine import Database
from cli_support import Cli, build_cli, one_error_line
from support import PASSWORD as USER_PASSWORD
from support import make_user, seed_units

PASSWORD = "a long enough passphrase"


def _commands(command: Any, path: tuple[str, ...] = ()) -> list[tuple[tuple[str, ...], Any]]:
    """Every leaf command with its path (Typer vendors its own click, so duck typing)."""
    if hasattr(command, "commands"):
        found = []
        for name, sub in command.commands.items():
            found += _commands(sub, (*path, name))
        return found
    return [(path, command)]


def _password_of(db: Database, username: str) -> str | None:
    with db.reading() as session:
        return session.execute(
            select(UserRow.password_hash).where(UserRow.username == username)
        ).scalar_one()


def _actions(db: Database) -> list[tuple[str, str]]:
    with db.reading() as session:
        events, _ = audit.list_events(session, audit.AuditFilter(), limit=200, offset=0)
    return [(e.action, e.actor) for e in reversed(events)]


def test_every_command_has_help(cli_without_db: Cli) -> None:
    commands = dict(_commands(typer.main.get_command(build_cli())))
    assert ("users", "create") in commands
    assert ("permissions", "doc") in commands
    for path, command in commands.items():
        assert command.help, f"aitower {' '.join(path)} has no help text"
        result = cli_without_db(*path, "--help")
        assert result.exit_code == 0, (path, result.output)
        assert command.help.splitlines()[0] in result.output


def test_units_create_and_list(cli: Cli) -> None:
    created = cli("units", "create", "Customer Support", "--description", "Contact centre")
    assert created.exit_code == 0, created.output
    assert "customer-support" in created.output
    listed = json.loads(cli("units", "list", "--json").stdout)
    assert [(u["name"], u["slug"]) for u in listed] == [("Customer Support", "customer-support")]
    assert "Customer Support" in cli("units", "list").stdout


def test_names_are_shown_as_given_not_as_markup(cli: Cli, db: Database) -> None:
    name = "R&D [lab] [/]"
    created = cli("units", "create", name)
    assert created.exit_code == 0, created.output
    assert name in created.stdout
    assert name in cli("units", "list").stdout
    make_user(db, Role.auditor, username="aud")
    key = cli("apikeys", "create", "[bold]bot[/]", "--role", "auditor", "--owner", "aud")
    assert "[bold]bot[/]" in key.stdout
    assert "[bold]bot[/]" in cli("apikeys", "list").stdout


def test_duplicate_unit_fails_in_one_line(cli: Cli) -> None:
    cli("units", "create", "Risk")
    line = one_error_line(cli("units", "create", "risk"))
    assert "already exists" in line


def test_users_create_reads_the_password_from_stdin(cli: Cli, db: Database) -> None:
    seed_units(db)
    result = cli(
        "users", "create", "ethan", "--email", "ethan@example.com", "--role", "engineer",
        "--unit", "finance", "--unit", "Marketing", "--display-name", "Ethan R",
        "--password-stdin", input=PASSWORD + "\n",
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    assert "Finance, Marketing" in result.stdout
    assert verify_password(_password_of(db, "ethan"), PASSWORD)
    users = json.loads(cli("users", "list", "--json").stdout)
    assert users[0]["username"] == "ethan"
    assert users[0]["units"] == ["Finance", "Marketing"]
    assert users[0]["display_name"] == "Ethan R"
    assert _actions(db)[-1][0] == "user.create"
    assert _actions(db)[-1][1].startswith("cli:")


def test_users_create_prompts_twice_for_a_hidden_password(cli: Cli, db: Database) -> None:
    result = cli(
        "users", "create", "ada", "--email", "ada@example.com", "--role", "admin",
        input=f"{PASSWORD}\n{PASSWORD}\n",
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    assert PASSWORD not in result.output  # hidden
    assert verify_password(_password_of(db, "ada"), PASSWORD)


def test_users_create_without_a_password_for_sso(cli: Cli, db: Database) -> None:
    result = cli(
        "users", "create", "aud", "--email", "aud@example.com", "--role", "auditor",
        "--no-password",
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    assert _password_of(db, "aud") is None


@pytest.mark.parametrize(
    ("args", "stdin", "message"),
    [
        (("--role", "wizard", "--unit", "finance"), PASSWORD, "unknown role 'wizard'"),
        (("--role", "engineer", "--unit", "nowhere"), PASSWORD, "unknown business unit"),
        (("--role", "engineer", "--unit", "finance"), "short", "at least 10 characters"),
        (("--role", "engineer"), PASSWORD, "needs at least one business unit"),
        (("--role", "admin", "--no-password"), None, "exclude each other"),
    ],
)
def test_users_create_bad_input_is_one_clear_line(
    cli: Cli, db: Database, args: tuple[str, ...], stdin: str | None, message: str
) -> None:
    seed_units(db)
    result = cli(
        "users", "create", "zoe", "--email", "zoe@example.com", *args, "--password-stdin",
        input=None if stdin is None else stdin + "\n",
    )  # fmt: skip
    assert message in one_error_line(result)
    assert json.loads(cli("users", "list", "--json").stdout) == []


def test_duplicate_username_is_one_clear_line(cli: Cli) -> None:
    args = ("users", "create", "sam", "--email", "sam@example.com", "--role", "admin")
    assert cli(*args, "--password-stdin", input=PASSWORD).exit_code == 0
    line = one_error_line(cli(*args, "--password-stdin", input=PASSWORD))
    assert "'sam' is taken" in line


def test_changing_a_user_is_audited(cli: Cli, db: Database) -> None:
    seed_units(db)
    cli(
        "users", "create", "amara", "--email", "amara@example.com", "--role", "analyst",
        "--unit", "finance", "--no-password",
    )  # fmt: skip
    assert cli("users", "set-role", "amara", "security").exit_code == 0
    assert cli("users", "set-units", "amara", "--unit", "marketing").exit_code == 0
    assert cli("users", "disable", "amara").exit_code == 0
    disabled = json.loads(cli("users", "list", "--json", "--active-only").stdout)
    assert disabled == []
    assert cli("users", "enable", "amara").exit_code == 0
    new_password = cli("users", "set-password", "amara", "--password-stdin", input=PASSWORD)
    assert new_password.exit_code == 0
    (user,) = json.loads(cli("users", "list", "--json", "--role", "security").stdout)
    assert (user["role"], user["units"], user["disabled"]) == ("security", ["Marketing"], False)
    assert verify_password(_password_of(db, "amara"), PASSWORD)
    assert [a for a, _ in _actions(db)][-5:] == [
        "user.update_access",
        "user.update_access",
        "user.disable",
        "user.enable",
        "user.set_password",
    ]
    assert PASSWORD not in json.dumps(_actions(db))


def test_user_commands_name_what_is_wrong(cli: Cli) -> None:
    assert "no user 'ghost'" in one_error_line(cli("users", "disable", "ghost"))
    assert "--all-units" in one_error_line(cli("users", "set-units", "ghost"))
    assert "unknown role" in one_error_line(cli("users", "set-role", "ghost", "king"))


def test_apikeys_create_prints_the_secret_once_with_otlp_settings(cli: Cli, db: Database) -> None:
    seed_units(db)
    make_user(db, Role.engineer, username="eng")
    result = cli(
        "apikeys",
        "create",
        "support telemetry",
        "--role",
        "engineer",
        "--unit",
        "finance",
        "--owner",
        "eng",
    )
    assert result.exit_code == 0, result.output
    secret = re.search(r"^\s+(atk_\S+)$", result.stdout, re.MULTILINE)
    assert secret is not None, result.stdout
    assert "OTEL_EXPORTER_OTLP_ENDPOINT=http://127.0.0.1:8000" in result.stdout
    assert f"OTEL_EXPORTER_OTLP_HEADERS=x-api-key={secret.group(1)}" in result.stdout
    with db.reading() as session:
        resolved = apikeys.resolve_api_key(session, secret.group(1))
    assert resolved is not None
    assert resolved[0].role.value == "engineer"

    (listed,) = json.loads(cli("apikeys", "list", "--json").stdout)
    assert listed["active"] is True
    assert listed["owner"] == "eng"
    assert secret.group(1) not in cli("apikeys", "list").stdout
    revoked = cli("apikeys", "revoke", listed["prefix"])
    assert revoked.exit_code == 0, revoked.output
    with db.reading() as session:
        assert apikeys.resolve_api_key(session, secret.group(1)) is None
    assert json.loads(cli("apikeys", "list", "--json", "--active-only").stdout) == []
    assert "revoked" in cli("apikeys", "list").stdout


def test_apikeys_create_json_and_errors(cli: Cli, db: Database) -> None:
    seed_units(db)
    make_user(db, Role.auditor, username="aud")
    make_user(db, Role.analyst, username="ana")
    owned = ("--owner", "aud")
    result = cli(
        "apikeys", "create", "ci", "--role", "auditor", *owned, "--json", "--expires-in-days", "7"
    )
    assert result.exit_code == 0, result.output
    doc = json.loads(result.stdout)
    assert doc["secret"].startswith(doc["prefix"] + "_")
    assert doc["expires_at"] is not None
    assert "unknown business unit" in one_error_line(
        cli("apikeys", "create", "x", "--role", "engineer", "--unit", "nowhere", *owned)
    )
    assert "unknown user" in one_error_line(
        cli("apikeys", "create", "x", "--role", "auditor", "--owner", "ghost")
    )
    # A key never holds more than its owner: an analyst's key cannot be an engineer's.
    assert "ana's role is analyst" in one_error_line(
        cli("apikeys", "create", "x", "--role", "engineer", "--unit", "finance", "--owner", "ana")
    )
    assert "no API key" in one_error_line(cli("apikeys", "revoke", "atk_00000000"))


def test_permissions_doc_writes_and_checks(cli_without_db: Cli, tmp_path: Path) -> None:
    target = tmp_path / "docs" / "permissions.md"
    assert cli_without_db("permissions", "doc", "--check", "--output", str(target)).exit_code == 1
    written = cli_without_db("permissions", "doc", "--output", str(target))
    assert written.exit_code == 0, written.output
    assert "| `users.write` |" in target.read_text()
    checked = cli_without_db("permissions", "doc", "--check", "--output", str(target))
    assert checked.exit_code == 0, checked.output
    target.write_text(target.read_text() + "hand edit\n")
    stale = cli_without_db("permissions", "doc", "--check", "--output", str(target))
    assert "run 'aitower permissions doc'" in one_error_line(stale)


def test_users_unlock_clears_a_lockout(cli: Cli, db: Database) -> None:
    seed_units(db)
    name = make_user(db, Role.analyst)
    for _ in range(5):
        with db.writing() as session:
            authn.login(
                session,
                ChangeContext(anonymous_principal()),
                name,
                "wrong password!",
                session_hours=1,
            )
    assert "is unlocked" in cli("users", "unlock", name).output
    assert "was not locked" in cli("users", "unlock", name).output
    with db.writing() as session:
        result = authn.login(
            session, ChangeContext(anonymous_principal()), name, USER_PASSWORD, session_hours=1
        )
    assert result.token is not None
