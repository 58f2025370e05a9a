"""Single sign-on in Chromium against a real OpenID provider: panva's certified
``oidc-provider`` from the npm registry (``tests/oidc_provider``), run with Node on loopback.

The provider's development login screens take any password; the login names an account in a
JSON file the test rewrites to move someone between groups or disable them there. aitower
maps ``ai-analysts`` to the analyst role, ``aitower-admins`` to admin, ``payments`` and
``marketing-team`` to units; password sign-in is off. Skipped without Node or the package
(``make test`` installs it when npm is there), failed instead under
``AITOWER_REQUIRE_BROWSER=1`` (CI).
"""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import pytest
from playwright.sync_api import Page, expect
from sqlalchemy import select

from aitower.core.access.roles import Role
from aitower.core.access.tables import (
    BusinessUnitRow,
    UserIdentityRow,
    UserRow,
    WebSessionRow,
)
from aitower.core.audit.tables import AuditEventRow
from aitower.core.db.engine import Database
from aitower.core.db.migrate import upgrade
from browser_support import LiveServer, missing, shoot
from servers import free_port, running
from support import PASSWORD, SECRET, make_user, seed_units

pytestmark = pytest.mark.browser

PROVIDER_DIR = Path(__file__).resolve().parents[1] / "oidc_provider"
CLIENT_ID, CLIENT_SECRET = "aitower", "a-client-secret-for-tests-only"
GRACE = "grace"  # an analyst of the payments team, at the provider


@dataclass
class Provider:
    url: str
    accounts: Path

    def set_accounts(self, accounts: dict[str, dict[str, Any]]) -> None:
        self.accounts.write_text(json.dumps(accounts))


@dataclass
class SsoWorld:
    server: LiveServer
    provider: Provider
    db: Database


def _account(name: str, groups: list[str], **more: Any) -> dict[str, Any]:
    return {
        "preferred_username": name,
        "email": f"{name}@example.com",
        "name": name.title(),
        "groups": groups,
        **more,
    }


BASE_ACCOUNTS = {
    GRACE: _account(GRACE, ["ai-analysts", "payments"]),
    "henry": _account("henry", ["canteen-committee"]),  # in no group aitower knows
    "localada": _account("ada", ["aitower-admins"]),  # a local user has the name "ada"
}


def _node_or_skip() -> str:
    node = shutil.which("node")
    reason = None
    if node is None:
        reason = "no Node.js to run the OpenID provider"
    elif not (PROVIDER_DIR / "node_modules" / "oidc-provider").is_dir():
        reason = f"oidc-provider is not installed (npm ci --prefix {PROVIDER_DIR})"
    if reason is not None:
        missing(reason)
    assert node is not None
    return node


def _wait_for(url: str, proc: subprocess.Popen[bytes], log: Path) -> None:
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise AssertionError(f"the provider exited: {log.read_text()[-2000:]}")
        try:
            if httpx.get(f"{url}/.well-known/openid-configuration", timeout=2).is_success:
                return
        except httpx.TransportError:
            pass
        time.sleep(0.2)
    raise AssertionError(f"the provider did not start: {log.read_text()[-2000:]}")


@pytest.fixture(scope="module")
def world(tmp_path_factory: pytest.TempPathFactory) -> Iterator[SsoWorld]:
    node = _node_or_skip()
    home = tmp_path_factory.mktemp("sso")
    port, idp_port = free_port(), free_port()
    provider = Provider(f"http://127.0.0.1:{idp_port}", home / "accounts.json")
    provider.set_accounts(BASE_ACCOUNTS)
    db_url = f"sqlite:///{home / 'aitower.db'}"
    db = Database(db_url)
    upgrade(db.engine)
    seed_units(db)  # finance, marketing
    make_user(db, Role.admin, username="ada")
    log = home / "provider.log"
    callback = f"http://127.0.0.1:{port}/auth/oidc/callback"
    with log.open("wb") as out:
        idp = subprocess.Popen(
            [
                node,
                "provider.mjs",
                str(idp_port),
                str(provider.accounts),
                CLIENT_ID,
                CLIENT_SECRET,
                callback,
            ],
            cwd=PROVIDER_DIR,
            stdout=out,
            stderr=subprocess.STDOUT,
        )
    try:
        _wait_for(provider.url, idp, log)
        env = {
            "AITOWER_DATABASE_URL": db_url,
            "AITOWER_SECRET_KEY": SECRET,
            "AITOWER_DATA_DIR": str(home),
            "AITOWER_LOG_LEVEL": "warning",
            "AITOWER_PASSWORD_LOGIN": "false",
            "AITOWER_OIDC_ISSUER": provider.url,
            "AITOWER_OIDC_CLIENT_ID": CLIENT_ID,
            "AITOWER_OIDC_CLIENT_SECRET": CLIENT_SECRET,
            "AITOWER_OIDC_SCOPES": "openid profile email groups",
            "AITOWER_OIDC_ROLE_GROUPS": json.dumps(
                {"aitower-admins": "admin", "ai-analysts": "analyst"}
            ),
            "AITOWER_OIDC_UNIT_GROUPS": json.dumps(
                {"payments": "finance", "marketing-team": "marketing"}
            ),
        }
        command = [sys.executable, "-m", "uvicorn", "aitower.asgi:app", "--host", "127.0.0.1",
                   "--port", str(port), "--log-level", "warning"]  # fmt: skip
        with running(command, env, port, cwd=home, timeout=30) as url:
            yield SsoWorld(LiveServer(url, db_url), provider, db)
    finally:
        idp.terminate()
        idp.wait(timeout=10)
        db.dispose()


def _sign_in_at_provider(page: Page, world: SsoWorld, login: str) -> None:
    """From aitower's login page through the provider's screens (login, then consent)."""
    page.goto(f"{world.server.url}/login")
    page.get_by_test_id("sso-login").click()
    expect(page).to_have_url(re.compile("^" + re.escape(world.provider.url)))
    page.locator("input[name=login]").fill(login)
    page.locator("input[name=password]").fill("any password: the provider's dev screens")
    page.locator("button[type=submit]").click()
    if page.url.startswith(world.provider.url) and page.locator("button[autofocus]").count():
        page.locator("button[autofocus]").click()  # consent: "Continue"


def _user(db: Database, username: str) -> UserRow | None:
    with db.reading() as session:
        return session.execute(
            select(UserRow).where(UserRow.username == username)
        ).scalar_one_or_none()


def test_a_person_signs_in_with_their_groups_and_follows_them(
    page: Page, world: SsoWorld, screenshots: Path
) -> None:
    _sign_in_at_provider(page, world, GRACE)
    expect(page.get_by_test_id("actor")).to_have_text(GRACE)
    page.goto(f"{world.server.url}/account")
    shoot(page, screenshots, "sso-account")
    expect(page.get_by_test_id("signs-in-with-sso")).to_be_visible()
    expect(page.get_by_test_id("change-password")).to_have_count(0)
    user = _user(world.db, GRACE)
    assert user is not None and user.password_hash is None and user.role == Role.analyst.value
    with world.db.reading() as session:
        units = {m.unit_id for m in session.get(UserRow, user.id).memberships}  # type: ignore[union-attr]
        identity = session.execute(
            select(UserIdentityRow).where(UserIdentityRow.user_id == user.id)
        ).scalar_one()
        created = session.execute(
            select(AuditEventRow).where(
                AuditEventRow.action == "user.create", AuditEventRow.object_id == str(user.id)
            )
        ).scalar_one()
    assert identity.issuer == world.provider.url and identity.subject == GRACE
    assert created.actor == "system:sso"
    finance = _unit_id(world.db, "finance")
    assert units == {finance}

    # Moved at the provider from payments to marketing: her next sign-in follows, and the
    # narrower access ends the session she had.
    moved = {**BASE_ACCOUNTS, GRACE: _account(GRACE, ["ai-analysts", "marketing-team"])}
    world.provider.set_accounts(moved)
    second = page.context.browser.new_context()  # type: ignore[union-attr]
    try:
        other = second.new_page()
        _sign_in_at_provider(other, world, GRACE)
        expect(other.get_by_test_id("actor")).to_have_text(GRACE)
    finally:
        second.close()
    with world.db.reading() as session:
        row = session.get(UserRow, user.id)
        assert row is not None
        assert {m.unit_id for m in row.memberships} == {_unit_id(world.db, "marketing")}
    page.goto(f"{world.server.url}/account")
    expect(page).to_have_url(re.compile(r"/login\?"))
    world.provider.set_accounts(BASE_ACCOUNTS)


def _unit_id(db: Database, slug: str) -> Any:
    with db.reading() as session:
        return session.execute(
            select(BusinessUnitRow.id).where(BusinessUnitRow.slug == slug)
        ).scalar_one()


def _sessions(db: Database) -> int:
    with db.reading() as session:
        return len(session.execute(select(WebSessionRow.token_hash)).all())


def test_someone_disabled_at_the_provider_cannot_sign_in(
    page: Page, world: SsoWorld, screenshots: Path
) -> None:
    accounts = {**BASE_ACCOUNTS, GRACE: {**BASE_ACCOUNTS[GRACE], "disabled": True}}
    world.provider.set_accounts(accounts)
    try:
        before = _sessions(world.db)
        _sign_in_at_provider(page, world, GRACE)
        # The provider knows no such account any more: it stops with an error of its own and
        # never sends her back with a code.
        expect(page.get_by_role("heading")).to_contain_text("went wrong")
        expect(page).to_have_url(re.compile("^" + re.escape(world.provider.url)))
        expect(page.get_by_test_id("actor")).to_have_count(0)
        shoot(page, screenshots, "sso-disabled-at-provider")
        assert _sessions(world.db) == before
    finally:
        world.provider.set_accounts(BASE_ACCOUNTS)


def test_no_role_for_their_groups_is_refused_and_nothing_stored(
    page: Page, world: SsoWorld
) -> None:
    _sign_in_at_provider(page, world, "henry")
    expect(page.get_by_role("alert")).to_contain_text("give no role in aitower")
    assert _user(world.db, "henry") is None


def test_a_local_account_with_that_name_is_not_taken_over(page: Page, world: SsoWorld) -> None:
    _sign_in_at_provider(page, world, "localada")
    expect(page.get_by_role("alert")).to_contain_text("already has your name")
    ada = _user(world.db, "ada")
    assert ada is not None and ada.password_hash is not None
    with world.db.reading() as session:
        assert not session.execute(
            select(UserIdentityRow).where(UserIdentityRow.user_id == ada.id)
        ).first()


def test_passwords_are_off_and_a_foreign_callback_is_refused(
    page: Page, world: SsoWorld, screenshots: Path
) -> None:
    page.goto(f"{world.server.url}/login")
    expect(page.get_by_test_id("sso-login")).to_be_visible()
    expect(page.get_by_label("Password")).to_have_count(0)
    shoot(page, screenshots, "sso-login")
    # A callback this browser did not start (a link from someone else's sign-in).
    page.goto(f"{world.server.url}/auth/oidc/callback?code=stolen&state=forged")
    expect(page.get_by_role("alert")).to_contain_text("did not start in this browser")
    # A sign-in this browser did start, answered with another state (of any characters).
    page.get_by_test_id("sso-login").click()
    expect(page).to_have_url(re.compile("^" + re.escape(world.provider.url)))
    page.goto(f"{world.server.url}/auth/oidc/callback?code=stolen&state=%C3%A9t%C3%A9")
    expect(page.get_by_role("alert")).to_contain_text("did not start in this browser")
    # ada's password is right, but passwords are off.
    refused = httpx.post(
        f"{world.server.url}/login", data={"username": "ada", "password": PASSWORD}
    )
    assert refused.status_code == 403
    assert "turned off" in refused.text
