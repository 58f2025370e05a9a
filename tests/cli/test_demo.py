"""The demo organisation: complete, idempotent, audited, extensible, safe to load twice at once."""

from __future__ import annotations

import io
import os
import re
import subprocess
import sys
import threading
from pathlib import Path

import pytest
from rich.console import Console
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from aitower.core.access import apikeys, service
from aitower.core.access.principal import system_principal
from aitower.core.access.roles import Role
from aitower.core.access.secrets import verify_password
from aitower.core.access.tables import UserRow
from aitower.core.audit import service as audit
from aitower.core.audit.service import ChangeContext
from aitower.core.audit.tables import AuditEventRow
from aitower.core.db.engine import Database
from aitower.core.demo.loader import (
    DEMO_USERS,
    DEV_DEMO_PASSWORD,
    DemoOrganisation,
    DemoPassword,
)
from aitower.core.settings import Settings
from aitower.demo import DEMO_CONTRIBUTORS, load_demo, load_demo_if_empty
from cli_support import Cli, base_env, one_error_line

UNITS = ["Customer Support", "Finance", "IT", "Marketing", "Operations", "Risk"]


def _admin_password_ok(db: Database, password: str) -> bool:
    with db.reading() as session:
        stored = session.execute(
            select(UserRow.password_hash).where(UserRow.username == "admin")
        ).scalar_one()
    return verify_password(stored, password)


def _audit_count(db: Database) -> int:
    with db.reading() as session:
        return audit.chain_head(session)[0]


def _actions(db: Database) -> dict[str, int]:
    with db.reading() as session:
        rows = session.execute(
            select(AuditEventRow.action, func.count()).group_by(AuditEventRow.action)
        ).all()
    return {str(action): int(n) for action, n in rows}


def _scopes(db: Database) -> dict[Role, tuple[str, ...] | None]:
    """Each demo role's unit names (None: sees all units)."""
    with db.reading() as session:
        names = {u.id: u.name for u in service.list_units(session)}
        users, _ = service.list_users(session, system_principal("test"), limit=100)
    scoped = {u.role: tuple(sorted(names[i] for i in u.unit_ids)) for u in users}
    return {u.role: None if u.all_units else scoped[u.role] or None for u in users}


def test_demo_creates_the_organisation_once(cli: Cli, db: Database) -> None:
    first = cli("demo")
    assert first.exit_code == 0, first.output
    password = re.search(r"as admin with password (\S+) \(generated", first.stdout)
    assert password is not None, first.stdout
    assert "http://127.0.0.1:8000" in first.stdout
    assert _admin_password_ok(db, password.group(1))
    with db.reading() as session:
        assert [u.name for u in service.list_units(session)] == UNITS
        keys, _ = apikeys.list_api_keys(session, system_principal("test"))
    scopes = _scopes(db)
    assert set(scopes) == set(Role)
    assert scopes[Role.engineer] == ("Customer Support", "Finance", "IT")
    assert scopes[Role.analyst] == ("Customer Support", "Finance", "Risk")  # the chatbot too
    assert scopes[Role.stakeholder] == ("Marketing",)
    assert [(k.role, k.active) for k in keys] == [(Role.engineer, True)]
    assert f"x-api-key={keys[0].prefix}_" in first.stdout
    events = _audit_count(db)
    by_action = _actions(db)
    assert (by_action["unit.create"], by_action["user.create"], by_action["apikey.create"]) == (
        len(UNITS),
        len(Role),
        1,
    )
    # the slices' demo records are on the trail too
    # the inventory's 8, the value demo's 3 summarisers (portfolio.demo_value) and discovery's
    # 3 contract summarisers (discovery.demo), with discovery's three scans
    assert by_action["system.create"] == 14
    assert by_action["discovery_scan.create"] == 3

    again = cli("demo")
    assert again.exit_code == 0, again.output
    assert "already loaded: nothing changed" in again.stdout
    assert "password" not in again.stdout
    assert _audit_count(db) == events
    assert cli("audit", "verify").exit_code == 0


def test_dev_mode_uses_the_well_known_password(cli: Cli, db: Database) -> None:
    result = cli("demo", env={"AITOWER_DEV_MODE": "1"})
    assert result.exit_code == 0, result.output
    assert f"with password {DEV_DEMO_PASSWORD} " in result.stdout
    assert _admin_password_ok(db, DEV_DEMO_PASSWORD)


def test_password_from_the_environment_is_used_not_printed(cli: Cli, db: Database) -> None:
    secret = "from-the-environment"
    result = cli("demo", env={"AITOWER_DEMO_PASSWORD": secret, "AITOWER_DEV_MODE": "1"})
    assert result.exit_code == 0, result.output
    assert secret not in result.output
    assert "AITOWER_DEMO_PASSWORD" in result.stdout
    assert _admin_password_ok(db, secret)


def test_password_from_stdin_wins(cli: Cli, db: Database) -> None:
    secret = "typed-into-a-pipe"
    result = cli(
        "demo", "--password-stdin", input=secret + "\n", env={"AITOWER_DEMO_PASSWORD": "other-one!"}
    )
    assert result.exit_code == 0, result.output
    assert secret not in result.output
    assert _admin_password_ok(db, secret)


def test_a_short_demo_password_is_refused(cli: Cli, db: Database) -> None:
    line = one_error_line(cli("demo", env={"AITOWER_DEMO_PASSWORD": "short"}))
    assert "AITOWER_DEMO_PASSWORD" in line
    assert _audit_count(db) == 0


def _settings(db: Database, tmp_path: Path, *, dev_mode: bool = True) -> Settings:
    return Settings(
        database_url=db.url, data_dir=tmp_path, secret_key="s" * 48, dev_mode=dev_mode, port=8123
    )


def test_load_demo_if_empty_says_how_to_log_in(
    db: Database, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("AITOWER_DEMO_PASSWORD", raising=False)
    out = io.StringIO()
    console = Console(file=out, width=200)
    loaded = load_demo_if_empty(db, console, settings=_settings(db, tmp_path))
    assert loaded is not None
    text = out.getvalue()
    assert f"Log in at http://127.0.0.1:8123 as admin with password {DEV_DEMO_PASSWORD}" in text
    with db.reading() as session:
        events, _ = audit.list_events(session, audit.AuditFilter(), limit=1000, offset=0)
    # aitower loads the organisation; the governance story is told by the demo's people
    people = {f"user:{u.username}" for u in DEMO_USERS}
    assert "system:demo" in {e.actor for e in events}
    # ... and the alert evaluator, which opens the budget incident of the demo as it would in
    # production (alerts/demo_budget.py evaluates that rule once).
    assert {e.actor for e in events} <= {"system:demo", "system:alerts"} | people

    out.truncate(0)
    out.seek(0)
    assert load_demo_if_empty(db, console, settings=_settings(db, tmp_path)) is None
    again = out.getvalue()
    assert "Log in at http://127.0.0.1:8123" in again  # every start says where to log in
    assert f"admin with password {DEV_DEMO_PASSWORD}" in again
    assert "Demo organisation loaded" not in again


def test_load_demo_if_empty_leaves_a_used_database_alone(db: Database, tmp_path: Path) -> None:
    with db.writing() as session:
        service.create_user(
            session,
            ChangeContext(system_principal("test")),
            service.NewUser("owner", "owner@example.com", Role.admin, None),
        )
    console = Console(file=io.StringIO())
    assert load_demo_if_empty(db, console, settings=_settings(db, tmp_path)) is None
    with db.reading() as session:
        assert service.list_units(session) == []


def test_later_capabilities_add_their_own_demo_data(db: Database) -> None:
    seen: dict[str, object] = {}

    def inventory(session: Session, ctx: ChangeContext, demo: DemoOrganisation) -> None:
        seen["units"] = sorted(demo.units)
        seen["engineer"] = demo.users[Role.engineer].username
        if "Research" not in {u.name for u in service.list_units(session)}:
            service.create_unit(session, ctx, "Research")
            demo.note("research units", "Research")

    ctx = ChangeContext(system_principal("demo"))
    password = DemoPassword("a demo password", "stdin")
    first = load_demo(db, ctx, password, contributors=[*DEMO_CONTRIBUTORS, inventory])
    assert first is not None
    assert ("research units", "Research") in first.created
    assert seen == {"units": UNITS, "engineer": "ethan.ramirez"}
    second = load_demo(db, ctx, password, contributors=[*DEMO_CONTRIBUTORS, inventory])
    assert second is not None
    assert not second.changed


def test_two_servers_starting_together_load_the_demo_once(db: Database, tmp_path: Path) -> None:
    """Replicas on one empty database: one loads, the other sees users and leaves it."""
    results: list[object] = []
    errors: list[BaseException] = []
    barrier = threading.Barrier(2)

    def start() -> None:
        other = Database(db.url)
        try:
            barrier.wait()
            results.append(
                load_demo_if_empty(
                    other, Console(file=io.StringIO()), settings=_settings(db, tmp_path)
                )
            )
        except BaseException as exc:
            errors.append(exc)
        finally:
            other.dispose()

    threads = [threading.Thread(target=start) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert errors == []
    assert sorted(r is None for r in results) == [False, True]
    assert len(_scopes(db)) == len(Role)


def test_aitower_demo_runs_from_the_installed_command(database_url: str, tmp_path: Path) -> None:
    """Through ``python -m aitower``: the root registers the demo, access and audit commands."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("AITOWER_")}
    env.update({k: v for k, v in base_env(tmp_path).items() if v is not None})
    env["AITOWER_DATABASE_URL"] = database_url
    env["AITOWER_DEV_MODE"] = "1"
    env["AITOWER_DEMO_TRAFFIC_SCALE"] = "0.004"  # the commands are the point, not the volume
    run = subprocess.run(
        [sys.executable, "-m", "aitower", "demo"],
        capture_output=True,
        text=True,
        env=env,
        check=False,
        timeout=120,
    )
    assert run.returncode == 0, run.stderr
    assert f"as admin with password {DEV_DEMO_PASSWORD}" in run.stdout
    listed = subprocess.run(
        [sys.executable, "-m", "aitower", "users", "list", "--json"],
        capture_output=True,
        text=True,
        env=env,
        check=False,
        timeout=120,
    )
    assert listed.returncode == 0, listed.stderr
    assert '"username": "admin"' in listed.stdout
