"""PostgreSQL is the scale-out store: two server processes serve the same data consistently."""

from __future__ import annotations

from pathlib import Path

import httpx2 as httpx

from aitower.core.access.roles import Role
from aitower.core.db.engine import Database
from servers import free_port, running, serve_command
from support import PASSWORD, SECRET, make_key, make_user, seed_units


def test_a_change_through_one_server_is_seen_through_the_other(
    pg_database_url: str, tmp_path: Path
) -> None:
    db = Database(pg_database_url)
    seed_units(db)
    key = make_key(db, Role.admin)
    user = make_user(db, Role.analyst)
    db.dispose()
    env = {"AITOWER_DATABASE_URL": pg_database_url, "AITOWER_SECRET_KEY": SECRET}
    headers = {"x-api-key": key}
    port_a, port_b = free_port(), free_port()
    with (
        running(serve_command(port_a), env, port_a, cwd=tmp_path) as a,
        running(serve_command(port_b), env, port_b, cwd=tmp_path) as b,
    ):
        created = httpx.post(f"{a}/api/v1/units", json={"name": "Operations"}, headers=headers)
        assert created.status_code == 201, created.text
        seen = httpx.get(f"{b}/api/v1/units/{created.json()['id']}", headers=headers)
        assert seen.status_code == 200 and seen.json()["name"] == "Operations"

        # A browser session opened on one server is honoured by the other (load balancing).
        with httpx.Client(base_url=a) as browser:
            page = browser.get("/login")
            token = page.text.split('name="csrf_token" value="')[1].split('"')[0]
            login = browser.post(
                "/login", data={"username": user, "password": PASSWORD, "csrf_token": token}
            )
            assert login.status_code == 303
            cookies = dict(browser.cookies)
        me = httpx.get(f"{b}/api/v1/me", cookies=cookies)
        assert me.status_code == 200 and me.json()["actor"] == f"user:{user}"

        # The audit chain written through both servers verifies as one.
        revoke = httpx.post(f"{b}/api/v1/units", json={"name": "IT"}, headers=headers)
        assert revoke.status_code == 201
        verify = httpx.get(f"{a}/api/v1/audit/verify", headers=headers).json()
        assert verify["ok"] is True
