"""The account page: one's role and scope, and changing one's own password."""

from __future__ import annotations

from fastapi import FastAPI
from fastapi.testclient import TestClient

from aitower.core.access.roles import Role
from aitower.core.db.engine import Database
from support import PASSWORD, login, make_key, make_user, seed_units

NEW = "a brand new passphrase"


def _change(client: TestClient, token: str, current: str, new: str, confirm: str | None = None):  # type: ignore[no-untyped-def]
    return client.post(
        "/account/password",
        data={
            "csrf_token": token,
            "current_password": current,
            "new_password": new,
            "confirm_password": new if confirm is None else confirm,
        },
        follow_redirects=False,
    )


def test_account_shows_role_units_and_permissions(client: TestClient, db: Database) -> None:
    seed_units(db)
    login(client, make_user(db, Role.analyst, units=("finance",)))
    page = client.get("/account").text
    assert "analyst" in page
    assert "Finance" in page and "Marketing" not in page
    assert "audit.read" not in page and "units.read" in page


def test_changing_password_ends_other_sessions_and_keeps_this_one(
    app: FastAPI, client: TestClient, db: Database
) -> None:
    seed_units(db)
    name = make_user(db, Role.engineer)
    token = login(client, name)
    with TestClient(app) as other:
        login(other, name)
        answer = _change(client, token, PASSWORD, NEW)
        assert answer.status_code == 303
        assert answer.headers["location"] == "/account?notice=password-changed"
        assert other.get("/api/v1/me").status_code == 401
    assert client.get("/api/v1/me").status_code == 200
    with TestClient(app) as fresh:
        login(fresh, name, NEW)


def test_wrong_current_password_or_mismatch_changes_nothing(
    client: TestClient, db: Database
) -> None:
    seed_units(db)
    name = make_user(db, Role.engineer)
    token = login(client, name)
    wrong = _change(client, token, "not my password", NEW)
    assert wrong.status_code == 422
    assert 'data-field="current_password"' in wrong.text
    mismatch = _change(client, token, PASSWORD, NEW, confirm=NEW + "x")
    assert mismatch.status_code == 422
    assert 'data-field="confirm_password"' in mismatch.text
    short = _change(client, token, PASSWORD, "short")
    assert 'data-field="new_password"' in short.text
    client.cookies.clear()
    login(client, name, PASSWORD)  # the old password still works


def test_a_machine_key_has_an_account_page_but_no_password(
    client: TestClient, db: Database
) -> None:
    seed_units(db)
    page = client.get("/account", headers={"x-api-key": make_key(db, Role.analyst)})
    assert page.status_code == 200
    assert "change-password" not in page.text
