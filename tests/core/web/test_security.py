"""Browser-facing security: headers, cookies, CSRF, open redirects, sessions, request ids."""

from __future__ import annotations

from fastapi import FastAPI
from fastapi.testclient import TestClient

from aitower.core.access.roles import Role
from aitower.core.db.engine import Database
from support import PASSWORD, csrf_of, login, make_user, seed_units


def test_security_headers_on_pages_and_api(client: TestClient) -> None:
    for path in ("/login", "/healthz", "/api/v1/me"):
        headers = client.get(path).headers
        csp = headers["content-security-policy"]
        assert "script-src 'self'" in csp
        assert "frame-ancestors 'none'" in csp
        assert "unsafe-inline" not in csp
        assert headers["x-frame-options"] == "DENY"
        assert headers["x-content-type-options"] == "nosniff"


def test_private_answers_are_never_stored_by_a_cache(client: TestClient, db: Database) -> None:
    """#14, finding 8: pages, exports and API answers carried no Cache-Control, so a shared
    browser or proxy could keep them; only the app's own assets may be cached."""
    seed_units(db)
    login(client, make_user(db, Role.admin))
    for path in ("/", "/systems", "/api/v1/me", "/api/v1/systems/export?format=csv"):
        answer = client.get(path)
        assert answer.status_code == 200, path
        assert answer.headers["cache-control"] == "no-store", path
    made = client.post(
        "/api/v1/api-keys",
        json={"name": "exporter", "role": "engineer", "unit": "finance"},
        headers={"x-csrf-token": csrf_of(client.get("/admin/api-keys").text)},
    )
    assert made.status_code == 201 and made.headers["cache-control"] == "no-store"
    assert "no-store" not in client.get("/static/app.css").headers.get("cache-control", "")


def test_session_cookie_is_httponly_samesite_and_secure_over_tls(
    app: FastAPI, db: Database
) -> None:
    seed_units(db)
    name = make_user(db, Role.analyst)
    for base, secure in (("http://testserver", False), ("https://testserver", True)):
        with TestClient(app, base_url=base) as browser:
            token = csrf_of(browser.get("/login").text)
            answer = browser.post(
                "/login",
                data={"username": name, "password": PASSWORD, "csrf_token": token},
                follow_redirects=False,
            )
            cookie = next(
                v
                for k, v in answer.headers.multi_items()
                if k == "set-cookie" and v.startswith("aitower_session=")
            )
            assert "HttpOnly" in cookie
            assert "SameSite=lax" in cookie
            assert ("Secure" in cookie) is secure


def test_login_without_csrf_token_is_refused(client: TestClient, db: Database) -> None:
    seed_units(db)
    name = make_user(db, Role.analyst)
    client.get("/login")
    answer = client.post(
        "/login", data={"username": name, "password": PASSWORD}, follow_redirects=False
    )
    assert answer.status_code == 403
    forged = client.post(
        "/login",
        data={"username": name, "password": PASSWORD, "csrf_token": "0" * 64},
        follow_redirects=False,
    )
    assert forged.status_code == 403


def test_cookie_session_needs_csrf_for_api_changes(client: TestClient, db: Database) -> None:
    seed_units(db)
    token = login(client, make_user(db, Role.admin))
    assert client.post("/api/v1/units", json={"name": "IT"}).status_code == 403
    answer = client.post("/api/v1/units", json={"name": "IT"}, headers={"x-csrf-token": token})
    assert answer.status_code == 201


def test_login_never_redirects_off_site(client: TestClient, db: Database) -> None:
    seed_units(db)
    name = make_user(db, Role.analyst)
    token = csrf_of(client.get("/login").text)
    for target in ("//evil.example/x", "https://evil.example/", "/\\evil.example"):
        answer = client.post(
            "/login",
            data={"username": name, "password": PASSWORD, "csrf_token": token, "next": target},
            follow_redirects=False,
        )
        assert answer.headers["location"] == "/"
        client.cookies.delete("aitower_session")


def test_logout_ends_the_session_on_the_server(client: TestClient, db: Database) -> None:
    seed_units(db)
    token = login(client, make_user(db, Role.analyst))
    session = client.cookies.get("aitower_session")
    assert client.get("/api/v1/me").status_code == 200
    assert client.post("/logout", data={"csrf_token": token}).status_code == 200
    client.cookies.set("aitower_session", session or "")
    assert client.get("/api/v1/me").status_code == 401


def test_pages_send_anonymous_people_to_login(client: TestClient) -> None:
    answer = client.get("/", headers={"accept": "text/html"}, follow_redirects=False)
    assert answer.status_code == 303
    assert answer.headers["location"] == "/login?next=/"


def test_request_id_is_echoed_and_safe(client: TestClient) -> None:
    assert (
        client.get("/healthz", headers={"x-request-id": "abc-123"}).headers["x-request-id"]
        == "abc-123"
    )
    unsafe = client.get("/healthz", headers={"x-request-id": "<script>"}).headers["x-request-id"]
    assert unsafe != "<script>" and len(unsafe) == 32


def test_a_csrf_token_of_one_session_is_refused_in_the_next(
    client: TestClient, db: Database
) -> None:
    """#14, finding 8: the token hung on the browser's nonce only, so a token seen in one
    session stayed valid in every later session of that browser."""
    seed_units(db)
    old = login(client, make_user(db, Role.analyst))
    assert client.post("/logout", data={"csrf_token": old}).status_code == 200
    new = login(client, make_user(db, Role.analyst))
    assert new != old
    assert (
        client.post("/logout", data={"csrf_token": old}, follow_redirects=False).status_code == 403
    )
    assert client.post("/logout", data={"csrf_token": new}).status_code == 200


def test_logout_needs_the_csrf_token(client: TestClient, db: Database) -> None:
    """A forged cross-site form cannot log people out."""
    seed_units(db)
    login(client, make_user(db, Role.analyst))
    assert client.post("/logout", follow_redirects=False).status_code == 403
    assert client.get("/api/v1/me").status_code == 200
