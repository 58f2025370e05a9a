"""The admin, audit and overview pages through the real app, on SQLite and PostgreSQL."""

from __future__ import annotations

import re
import uuid
from datetime import UTC, datetime, time, timedelta

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import func, select, text, update

from aitower.core.access import service
from aitower.core.access.roles import CorePermission, Role, allows
from aitower.core.audit.tables import AuditEventRow
from aitower.core.db.engine import Database
from aitower.core.web import overview
from aitower.core.web.overview import collect_activity
from aitower.core.web.routes import route_access
from support import CTX, PASSWORD, login, make_key, make_user, seed_units
from support_inventory import make_system

PAGES = {
    "/": CorePermission.overview_view,
    "/admin/users": CorePermission.users_read,
    "/admin/units": CorePermission.units_read,
    "/admin/api-keys": CorePermission.apikeys_read,
    "/audit": CorePermission.audit_read,
}
XSS = "<script>alert(1)</script>"


def audit_count(db: Database) -> int:
    with db.reading() as session:
        return int(session.execute(select(func.count()).select_from(AuditEventRow)).scalar_one())


def as_admin(client: TestClient, db: Database) -> str:
    """Seed the two units, log in as a new admin; returns the CSRF token."""
    seed_units(db)
    return login(client, make_user(db, Role.admin, username="root"))


def unit_id(db: Database, slug: str) -> str:
    with db.reading() as session:
        return str(service.get_unit(session, slug).id)


def user_id(db: Database, username: str) -> str:
    with db.reading() as session:
        return str(service.get_user(session, username).id)


def test_each_page_renders_for_permitted_roles_and_is_403_for_others(
    client: TestClient, db: Database
) -> None:
    seed_units(db)
    for role in Role:
        login(client, make_user(db, role))
        for path, permission in PAGES.items():
            answer = client.get(path, headers={"accept": "text/html"}, follow_redirects=False)
            expected = 200 if allows(role, permission) else 403
            assert answer.status_code == expected, (role, path, answer.text[:300])
            if expected == 403:
                assert "does not allow" in answer.text


def test_forms_are_shown_only_to_those_who_may_write(client: TestClient, db: Database) -> None:
    seed_units(db)
    login(client, make_user(db, Role.governance))  # reads users and audit, writes nothing here
    assert 'data-testid="create-user"' not in client.get("/admin/users").text
    assert 'data-testid="create-unit"' not in client.get("/admin/units").text
    login(client, make_user(db, Role.security))  # reads keys, cannot create them
    assert 'data-testid="create-key"' not in client.get("/admin/api-keys").text
    login(client, make_user(db, Role.admin))
    for path, marker in (
        ("/admin/users", "create-user"),
        ("/admin/units", "create-unit"),
        ("/admin/api-keys", "create-key"),
    ):
        assert f'data-testid="{marker}"' in client.get(path).text


def test_navigation_and_admin_landing_follow_permissions(client: TestClient, db: Database) -> None:
    seed_units(db)
    login(client, make_user(db, Role.engineer))
    landing = client.get("/admin", follow_redirects=False)
    assert landing.status_code == 303
    assert landing.headers["location"] == "/admin/api-keys"
    tabs = re.findall(r'data-tab="([\w-]+)"', client.get("/admin/api-keys").text)
    assert tabs == ["units", "api-keys"]
    login(client, make_user(db, Role.admin))
    assert client.get("/admin", follow_redirects=False).headers["location"] == "/admin/users"
    tabs = re.findall(r'data-tab="([\w-]+)"', client.get("/admin/units").text)
    assert tabs == ["users", "units", "api-keys"]


def _post_routes(db: Database) -> list[tuple[str, dict[str, str]]]:
    target = user_id(db, "root")
    key_id = _any_key_id(db)
    return [
        ("/admin/units", {"name": "Risk"}),
        (
            "/admin/users",
            {"username": "eve", "email": "eve@example.com", "role": "admin", "password": PASSWORD},
        ),
        ("/admin/users/" + target + "/access", {"role": "auditor"}),
        ("/admin/users/" + target + "/status", {"disabled": "true"}),
        ("/admin/users/" + target + "/unlock", {}),
        ("/account/password", {"current_password": PASSWORD, "new_password": "x" * 12}),
        ("/admin/api-keys", {"name": "k", "role": "analyst"}),
        ("/admin/api-keys/" + key_id + "/revoke", {}),
    ]


def _any_key_id(db: Database) -> str:
    from aitower.core.access import apikeys

    make_key(db, Role.analyst)
    with db.reading() as session:
        keys, _ = apikeys.list_api_keys(session, CTX.principal)
    return str(keys[0].id)


def _page_form_paths(app: FastAPI, db: Database) -> list[tuple[str, dict[str, str]]]:
    """Every POST page route: the admin forms with real data, every other one with its path
    parameters filled by some id (the CSRF check runs before the route looks at either)."""
    known = _post_routes(db)
    templated = {re.sub(r"/[0-9a-f-]{36}(/|$)", r"/{id}\1", path) for path, _ in known}
    others = []
    for route in route_access(app.routes):
        if route.method != "POST" or route.is_api or route.path in ("/login", "/logout"):
            continue
        if re.sub(r"\{\w+\}", "{id}", route.path) not in templated:
            others.append((re.sub(r"\{\w+\}", str(uuid.uuid4()), route.path), {}))
    return known + others


def test_forms_without_a_csrf_token_are_refused(
    app: FastAPI, client: TestClient, db: Database
) -> None:
    token = as_admin(client, db)
    routes = _page_form_paths(app, db)
    assert len(routes) > len(_post_routes(db)), "slices' forms are checked too"
    before = audit_count(db)
    for path, data in routes:
        missing = client.post(path, data=data, follow_redirects=False)
        forged = client.post(path, data={**data, "csrf_token": "0" * 64}, follow_redirects=False)
        assert (missing.status_code, forged.status_code) == (403, 403), path
        assert "CSRF" in missing.text
    assert audit_count(db) == before
    # the same form with the token goes through: the refusal was the token, nothing else
    ok = client.post("/admin/units", data={"name": "Risk", "csrf_token": token})
    assert ok.status_code == 200
    assert audit_count(db) == before + 1


BAD_FORMS = [
    pytest.param(
        "/admin/users",
        {"username": "Bad Name!", "email": "x@example.com", "role": "admin", "password": PASSWORD},
        422,
        "username",
        id="user-bad-username",
    ),
    pytest.param(
        "/admin/users",
        {"username": "mallory", "email": "not-an-email", "role": "admin", "password": PASSWORD},
        422,
        "email",
        id="user-bad-email",
    ),
    pytest.param(
        "/admin/users",
        {"username": "mallory", "email": "m@example.com", "role": "admin", "password": "short"},
        422,
        "password",
        id="user-short-password",
    ),
    pytest.param(
        "/admin/users",
        {"username": "mallory", "email": "m@example.com", "role": "wizard", "password": PASSWORD},
        422,
        "role",
        id="user-unknown-role",
    ),
    pytest.param(
        "/admin/users",
        {"username": "mallory", "email": "m@example.com", "role": "analyst", "password": PASSWORD},
        422,
        "units",
        id="user-scoped-role-without-units",
    ),
    pytest.param(
        "/admin/users",
        {"username": "root", "email": "r2@example.com", "role": "admin", "password": PASSWORD},
        409,
        "username",
        id="user-taken",
    ),
    pytest.param("/admin/units", {"name": "  "}, 422, "name", id="unit-empty-name"),
    pytest.param("/admin/units", {"name": "finance"}, 409, "name", id="unit-taken"),
    pytest.param(
        "/admin/api-keys",
        {"name": "k", "role": "admin", "expires_on": "tomorrow"},
        422,
        "expires_on",
        id="key-bad-expiry",
    ),
    pytest.param(
        "/admin/api-keys", {"name": "", "role": "admin"}, 422, "name", id="key-empty-name"
    ),
]


@pytest.mark.parametrize(("path", "data", "status", "field"), BAD_FORMS)
def test_bad_field_rerenders_with_its_error_and_writes_nothing(
    client: TestClient, db: Database, path: str, data: dict[str, str], status: int, field: str
) -> None:
    token = as_admin(client, db)
    before = audit_count(db)
    answer = client.post(path, data={**data, "csrf_token": token}, follow_redirects=False)
    assert answer.status_code == status, answer.text[:500]
    assert f'data-field="{field}"' in answer.text
    assert 'aria-invalid="true"' in answer.text
    assert 'data-testid="form-error"' in answer.text
    assert audit_count(db) == before
    # what was typed comes back (except secrets), so nothing has to be typed again
    for name, value in data.items():
        if name != "password" and value.strip() and name != "role":
            assert f'value="{value}"' in answer.text or f">{value}<" in answer.text


def test_units_and_users_created_through_the_forms_are_listed(
    client: TestClient, db: Database
) -> None:
    token = as_admin(client, db)
    made = client.post(
        "/admin/units",
        data={"name": "Risk Office", "description": "second line", "csrf_token": token},
        follow_redirects=False,
    )
    assert made.status_code == 303
    assert made.headers["location"] == "/admin/units?notice=unit-created"
    units = client.get(made.headers["location"]).text
    assert "The business unit was created." in units
    assert "Risk Office" in units and "risk-office" in units
    created = client.post(
        "/admin/users",
        data={
            "username": "Dana",
            "email": "dana@example.com",
            "display_name": "Dana Scully",
            "role": "analyst",
            "password": PASSWORD,
            "units": [unit_id(db, "risk-office"), unit_id(db, "finance")],
            "csrf_token": token,
        },
        follow_redirects=False,
    )
    assert created.status_code == 303, created.text[:500]
    listed = client.get("/admin/users?q=dana").text
    assert 'data-user="dana"' in listed and "Dana Scully" in listed
    assert "Risk Office" in listed and "Finance" in listed
    with db.reading() as session:
        dana = service.get_user(session, "dana")
    assert dana.role is Role.analyst and len(dana.unit_ids) == 2


def test_role_units_and_status_of_a_user_can_be_changed(client: TestClient, db: Database) -> None:
    token = as_admin(client, db)
    name = make_user(db, Role.stakeholder, username="sam")
    target = user_id(db, name)
    moved = client.post(
        f"/admin/users/{target}/access",
        data={"role": "analyst", "units": [unit_id(db, "marketing")], "csrf_token": token},
        follow_redirects=False,
    )
    assert moved.headers["location"] == "/admin/users?notice=user-updated"
    refused = client.post(
        f"/admin/users/{target}/access",
        data={"role": "analyst", "csrf_token": token},  # a scoped role with no unit
    )
    assert refused.status_code == 422
    assert (
        'data-testid="form-error"' in refused.text and "at least one business unit" in refused.text
    )
    off = client.post(
        f"/admin/users/{target}/status", data={"disabled": "true", "csrf_token": token}
    )
    assert off.status_code == 200 and "The user was disabled" in off.text
    with db.reading() as session:
        sam = service.get_user(session, target)
    assert (sam.role, sam.disabled) == (Role.analyst, True)
    # an admin is not offered to disable themself, and the service refuses it anyway
    page = client.get("/admin/users").text
    assert f'action="/admin/users/{user_id(db, "root")}/status"' not in page
    self_off = client.post(
        f"/admin/users/{user_id(db, 'root')}/status", data={"disabled": "true", "csrf_token": token}
    )
    assert self_off.status_code == 422 and "cannot disable yourself" in self_off.text


def test_api_key_secret_is_shown_once_with_the_exporter_settings(
    client: TestClient, db: Database
) -> None:
    token = as_admin(client, db)
    answer = client.post(
        "/admin/api-keys",
        data={
            "name": "support bot",
            "role": "engineer",
            "unit": unit_id(db, "finance"),
            "csrf_token": token,
        },
    )
    assert answer.status_code == 200
    assert answer.headers["cache-control"] == "no-store"
    secret = re.search(r'data-testid="secret">(atk_[\w-]+)<', answer.text)
    assert secret, answer.text
    assert "OTEL_SERVICE_NAME=&lt;your-service-name&gt;\n" in answer.text
    assert "OTEL_EXPORTER_OTLP_ENDPOINT=http://testserver\n" in answer.text
    assert f"OTEL_EXPORTER_OTLP_HEADERS=x-api-key={secret.group(1)}</pre>" in answer.text
    listing = client.get("/admin/api-keys").text
    assert secret.group(1) not in listing
    assert "support bot" in listing and "Finance" in listing and "user:root" in listing
    me = client.get("/api/v1/me", headers={"x-api-key": secret.group(1)})
    assert me.json()["role"] == "engineer"
    key_id = re.search(r'action="/admin/api-keys/([\w-]+)/revoke"', listing)
    assert key_id
    revoked = client.post(f"/admin/api-keys/{key_id.group(1)}/revoke", data={"csrf_token": token})
    assert "The API key was revoked" in revoked.text and "pill bad" in revoked.text
    assert client.get("/api/v1/me", headers={"x-api-key": secret.group(1)}).status_code == 401


def test_a_key_never_exceeds_its_creator(client: TestClient, db: Database) -> None:
    seed_units(db)
    token = login(client, make_user(db, Role.engineer))
    page = client.get("/admin/api-keys").text
    offered = re.findall(r'<option value="(\w+)"', page.split('name="unit"')[0])
    assert "admin" not in offered and "engineer" in offered
    wider = client.post(
        "/admin/api-keys",
        data={"name": "x", "role": "admin", "unit": unit_id(db, "finance"), "csrf_token": token},
    )
    assert wider.status_code == 403 and "permissions you do not have" in wider.text
    other = client.post(
        "/admin/api-keys",
        data={
            "name": "x",
            "role": "engineer",
            "unit": unit_id(db, "marketing"),
            "csrf_token": token,
        },
    )
    assert other.status_code == 403


def test_html_in_names_is_escaped_everywhere_it_shows(client: TestClient, db: Database) -> None:
    token = as_admin(client, db)
    client.post("/admin/units", data={"name": XSS, "description": XSS, "csrf_token": token})
    client.post(
        "/admin/users",
        data={
            "username": "x1",
            "email": "x1@example.com",
            "display_name": XSS,
            "role": "admin",
            "password": PASSWORD,
            "csrf_token": token,
        },
    )
    client.post("/admin/api-keys", data={"name": XSS, "role": "analyst", "csrf_token": token})
    for path in ("/admin/units", "/admin/users", "/admin/api-keys", "/audit", "/"):
        page = client.get(path).text
        assert "<script>alert(1)" not in page, path
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in client.get("/admin/units").text
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in client.get("/admin/users").text
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in client.get("/admin/api-keys").text
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in client.get("/audit").text


def test_bad_query_values_are_explained_not_crashed(client: TestClient, db: Database) -> None:
    as_admin(client, db)
    assert client.get("/admin/users?role=wizard").status_code == 422
    assert 'data-field="unit"' in client.get("/admin/users?unit=nope").text
    assert client.get("/admin/users?limit=0").status_code == 422
    assert client.get("/admin/users?notice=%3Cb%3Ehi").status_code == 200  # unknown: ignored
    assert "&lt;b&gt;" not in client.get("/admin/users?notice=%3Cb%3Ehi").text


def test_users_list_filters_and_pages(client: TestClient, db: Database) -> None:
    as_admin(client, db)
    for i in range(5):
        make_user(db, Role.analyst, username=f"ana{i}")
    make_user(db, Role.stakeholder, units=("marketing",), username="stake")
    first = client.get("/admin/users?role=analyst&limit=2").text
    assert re.findall(r'data-user="([\w.-]+)"', first) == ["ana0", "ana1"]
    assert "1–2 of 5" in first
    assert 'href="/admin/users?role=analyst&amp;limit=2&amp;offset=2"' in first
    last = client.get("/admin/users?role=analyst&limit=2&offset=4").text
    assert re.findall(r'data-user="([\w.-]+)"', last) == ["ana4"]
    assert 'rel="next"' not in last and 'rel="prev"' in last
    marketing = client.get(f"/admin/users?unit={unit_id(db, 'marketing')}").text
    assert re.findall(r'data-user="([\w.-]+)"', marketing) == ["stake"]
    assert re.findall(r'data-user="([\w.-]+)"', client.get("/admin/users?q=ANA3").text) == ["ana3"]


def test_a_scoped_reader_sees_only_users_of_its_units(client: TestClient, db: Database) -> None:
    seed_units(db)
    make_user(db, Role.analyst, units=("marketing",), username="mark")
    make_user(db, Role.analyst, units=("finance",), username="fin")
    login(client, make_user(db, Role.governance, units=("finance",)))
    names = re.findall(r'data-user="([\w.-]+)"', client.get("/admin/users").text)
    assert "fin" in names and "mark" not in names


def test_audit_page_lists_filters_verifies_and_offers_export(
    client: TestClient, db: Database
) -> None:
    token = as_admin(client, db)
    client.post("/admin/units", data={"name": "Risk", "csrf_token": token})
    page = client.get("/audit").text
    assert "Chain verified." in page
    total = audit_count(db)
    assert f"All {total} events are intact" in page
    seqs = [int(s) for s in re.findall(r'data-seq="(\d+)"', page)]
    assert seqs == sorted(seqs, reverse=True) and len(seqs) == total
    assert 'href="/api/v1/audit/export"' in page
    only = client.get("/audit?action=unit.create&object_type=business_unit").text
    assert len(re.findall(r'data-seq="', only)) == 3  # Finance, Marketing, Risk
    assert '<td class="mono">name</td>' in only and "&#34;Risk&#34;" in only
    today = datetime.now(UTC).date()
    assert client.get(f"/audit?since={today}&until={today}").text.count("data-seq=") == total
    future = today + timedelta(days=2)
    assert "No events match." in client.get(f"/audit?since={future}").text
    bad = client.get("/audit?since=yesterday")
    assert bad.status_code == 422 and 'data-field="since"' in bad.text
    login(client, make_user(db, Role.governance))  # reads the trail, may not export it
    assert 'href="/api/v1/audit/export"' not in client.get("/audit").text


def test_audit_page_names_the_first_broken_event(client: TestClient, db: Database) -> None:
    as_admin(client, db)
    with db.writing() as session:
        session.execute(update(AuditEventRow).where(AuditEventRow.seq == 2).values(actor="x"))
    page = client.get("/audit").text
    assert "Chain broken" in page and "at event #2" in page
    assert "content does not match its hash (edited)" in page


def test_overview_charts_show_activity_to_those_who_read_the_audit(
    client: TestClient, db: Database
) -> None:
    as_admin(client, db)
    page = client.get("/").text
    assert 'data-testid="overview-charts"' in page
    assert page.count('role="img"') == 2 + 4  # activity, then the portfolio's four
    assert "Audit events per day" in page and "Events by action" in page
    login(client, make_user(db, Role.stakeholder))
    page = client.get("/").text
    assert 'data-testid="overview-charts"' not in page and "tile-value" in page
    assert page.count('role="img"') == 4


def test_overview_portfolio_counts_only_the_readers_units(client: TestClient, db: Database) -> None:
    units = seed_units(db)
    for i in range(3):
        make_system(db, units.unit_id, f"Finance system {i}", stage="monitoring", risk_tier="high")
    make_system(db, units.other_unit_id, "Marketing system", stage="planning")
    with db.reading() as session:
        everyone = overview.collect(session, CTX.principal, client.app.state.overview_sources)
    figures = {tile.label: tile.value for tile in everyone.tiles}
    in_production = "in production (deployment, monitoring, optimization)"
    assert (figures["AI systems"], figures[in_production], figures["high-risk systems"]) == (
        "4",
        "3",
        "3",
    )
    login(client, make_user(db, Role.stakeholder, units=("marketing",)))
    page = client.get("/").text
    tiles = re.findall(r'tile-value">(\d+)</span><span class="tile-label">([^<]+)<', page)
    assert ("1", "AI systems") in tiles and ("0", "high-risk systems") in tiles


def test_activity_is_counted_per_utc_day_whatever_the_session_zone(db: Database) -> None:
    seed_units(db)  # two events now
    today = datetime.now(UTC).date()
    late = datetime.combine(today, time(23, 30), UTC)  # already tomorrow east of UTC
    old = datetime.combine(today - timedelta(days=40), time(12), UTC)  # outside the window
    with db.writing() as session:
        session.execute(
            update(AuditEventRow).where(AuditEventRow.seq == 1).values(occurred_at=late)
        )
        service.create_unit(session, CTX, "Risk")
        session.execute(update(AuditEventRow).where(AuditEventRow.seq == 3).values(occurred_at=old))
    with db.reading() as session:
        if db.dialect == "postgresql":
            session.execute(text("SET LOCAL TIME ZONE 'Asia/Tokyo'"))
        activity = collect_activity(session, today)
    assert len(activity.per_day) == 30 and activity.per_day[-1] == (today, 2)
    assert activity.total == 2 and activity.by_action == [("unit.create", 2)]


def test_a_locked_user_is_shown_and_can_be_unlocked(client: TestClient, db: Database) -> None:
    from aitower.core.access import authn
    from aitower.core.access.principal import anonymous_principal
    from aitower.core.audit.service import ChangeContext

    token = as_admin(client, db)
    name = make_user(db, Role.analyst)
    for _ in range(5):
        with db.writing() as session:
            anonymous = ChangeContext(anonymous_principal())
            authn.login(session, anonymous, name, "wrong password!", session_hours=1)
    listed = client.get("/admin/users", params={"q": name}).text
    assert ">locked<" in listed
    answer = client.post(
        f"/admin/users/{user_id(db, name)}/unlock",
        data={"csrf_token": token},
        follow_redirects=False,
    )
    assert answer.headers["location"] == "/admin/users?notice=user-unlocked"
    assert ">locked<" not in client.get("/admin/users", params={"q": name}).text
