"""Helpers shared by tests: create real users, keys and logged-in clients through the services."""

from __future__ import annotations

import re
import uuid
from dataclasses import dataclass

from fastapi.testclient import TestClient

from aitower.core.access import apikeys, service
from aitower.core.access.principal import cli_principal
from aitower.core.access.roles import ORG_WIDE_ROLES, Role
from aitower.core.audit.service import ChangeContext
from aitower.core.db.engine import Database

PASSWORD = "correct horse battery"
SECRET = "s" * 48
CTX = ChangeContext(cli_principal("test"))


@dataclass(frozen=True)
class Seeded:
    unit_id: uuid.UUID
    other_unit_id: uuid.UUID


def seed_units(db: Database) -> Seeded:
    with db.writing() as session:
        a = service.create_unit(session, CTX, "Finance")
        b = service.create_unit(session, CTX, "Marketing")
    return Seeded(a.id, b.id)


def make_user(
    db: Database, role: Role, *, units: tuple[str, ...] = ("finance",), username: str | None = None
) -> str:
    name = username or f"{role.value.replace('_', '-')}-{uuid.uuid4().hex[:6]}"
    with db.writing() as session:
        service.create_user(
            session,
            CTX,
            service.NewUser(
                username=name,
                email=f"{name}@example.com",
                role=role,
                password=PASSWORD,
                unit_refs=() if role in ORG_WIDE_ROLES else units,
            ),
        )
    return name


def make_key(
    db: Database, role: Role, *, unit: str | None = "finance", owner: str | None = None
) -> str:
    """A key of ``role`` (limited to ``unit`` unless the role is organisation-wide), owned by
    ``owner`` or by a new user of the same role and unit."""
    unit_ref = None if role in ORG_WIDE_ROLES else unit
    if owner is None:
        owner = make_user(db, role, units=() if unit_ref is None else (unit_ref,))
    with db.writing() as session:
        created = apikeys.create_api_key(
            session,
            CTX,
            name=f"{role.value} key",
            role=role,
            unit_ref=unit_ref,
            owner_ref=owner,
        )
    return created.secret


def csrf_of(html: str) -> str:
    match = re.search(r'name="csrf_token" value="([^"]+)"', html)
    assert match, "page has no CSRF token"
    return match.group(1)


def login(client: TestClient, username: str, password: str = PASSWORD) -> str:
    """Log in through the real form; returns the session's CSRF token for later unsafe
    requests (tokens are bound to the session, so it is read from a page after login)."""
    token = csrf_of(client.get("/login").text)
    answer = client.post(
        "/login",
        data={"username": username, "password": password, "csrf_token": token, "next": "/"},
        follow_redirects=False,
    )
    assert answer.status_code == 303, answer.text
    return csrf_of(client.get("/account").text)
