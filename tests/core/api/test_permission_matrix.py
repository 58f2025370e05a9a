"""Every route × every role (and no credentials, and a revoked key) gets what MATRIX says."""

from __future__ import annotations

import re
import uuid

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from aitower.core.access import apikeys
from aitower.core.access.roles import Role, all_permissions, allows
from aitower.core.db.engine import Database
from aitower.core.web.routes import RouteAccess, route_access
from support import CTX, make_key, seed_units

# Routes anyone may call without logging in, and why.
PUBLIC = {
    ("/healthz", "GET"),  # load balancer probes
    ("/readyz", "GET"),
    ("/login", "GET"),  # the way in
    ("/login", "POST"),
    ("/login/sso", "GET"),  # single sign-on: off (404) unless AITOWER_OIDC_ISSUER is set
    ("/auth/oidc/callback", "GET"),
    ("/api/docs", "GET"),  # the API's description holds no data
    ("/api/v1/openapi.json", "GET"),
    ("/static/{path}", "GET"),  # stylesheet, scripts, icons
    ("/static/vendor/swagger/{path}", "GET"),
}


def _url(route: RouteAccess) -> str:
    def fill(match: re.Match[str]) -> str:
        return "1" if match.group(1) == "seq" else str(uuid.uuid4())

    return re.sub(r"\{(\w+)\}", fill, route.path)


def _call(client: TestClient, route: RouteAccess, headers: dict[str, str]) -> int:
    body = {} if route.method in ("POST", "PATCH", "PUT") else None
    answer = client.request(
        route.method, _url(route), json=body, headers=headers, follow_redirects=False
    )
    return answer.status_code


def test_every_route_is_guarded_or_known_public(app: FastAPI) -> None:
    unguarded = {(r.path, r.method) for r in route_access(app.routes) if not r.guarded}
    assert unguarded == PUBLIC


def test_every_permission_guards_some_route(app: FastAPI) -> None:
    used = {r.permission for r in route_access(app.routes) if r.permission is not None}
    assert used == set(all_permissions())


def test_each_role_gets_exactly_what_the_matrix_says(
    app: FastAPI, client: TestClient, db: Database
) -> None:
    seed_units(db)
    keys = {role: make_key(db, role) for role in Role}
    mismatches = []
    for route in route_access(app.routes):
        if not route.guarded:
            continue
        for role, key in keys.items():
            status = _call(client, route, {"Authorization": f"Bearer {key}"})
            allowed = route.permission is None or allows(role, route.permission)
            if allowed == (status in (401, 403)):
                mismatches.append((route.method, route.path, role.value, status))
    assert mismatches == [], "role got a different answer than the matrix says"


def test_no_credentials_and_revoked_keys_get_401(
    app: FastAPI, client: TestClient, db: Database
) -> None:
    seed_units(db)
    revoked = make_key(db, Role.admin)
    with db.writing() as session:
        keys, _ = apikeys.list_api_keys(session, CTX.principal)
        apikeys.revoke_api_key(session, CTX, keys[0].id)
    for route in route_access(app.routes):
        if not route.guarded:
            continue
        anonymous = _call(client, route, {})
        with_revoked = _call(client, route, {"x-api-key": revoked})
        if route.method == "GET" and not route.is_api:
            assert anonymous in (303, 401), route  # a page sends people to log in
        else:
            assert anonymous == 401, route
        assert with_revoked == 401, route


@pytest.mark.parametrize("header", ["Authorization", "x-api-key"])
def test_both_key_headers_are_accepted(client: TestClient, db: Database, header: str) -> None:
    seed_units(db)
    key = make_key(db, Role.analyst)
    value = f"Bearer {key}" if header == "Authorization" else key
    answer = client.get("/api/v1/me", headers={header: value})
    assert answer.status_code == 200
    assert answer.json()["role"] == "analyst"
