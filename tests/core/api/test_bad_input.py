"""Bad input gets a clear 4xx problem naming the field, never a 500, and changes nothing."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select

from aitower.core.access.roles import Role
from aitower.core.audit.tables import AuditEventRow
from aitower.core.db.engine import Database
from support import make_key, seed_units

PROBLEM = "application/problem+json"


@pytest.fixture
def admin(db: Database) -> dict[str, str]:
    seed_units(db)
    return {"x-api-key": make_key(db, Role.admin)}


def _audit_count(db: Database) -> int:
    with db.reading() as session:
        return int(session.execute(select(func.count()).select_from(AuditEventRow)).scalar_one())


def test_malformed_json_is_a_400_problem(client: TestClient, admin: dict[str, str]) -> None:
    answer = client.post(
        "/api/v1/units", content=b'{"name": ', headers={**admin, "content-type": "application/json"}
    )
    assert answer.status_code == 400
    assert answer.headers["content-type"] == PROBLEM
    assert "not valid JSON" in answer.json()["detail"]


@pytest.mark.parametrize(
    ("body", "field", "reason"),
    [
        ({"name": 42}, "name", "string"),
        ({"name": "Ok", "colour": "red"}, "colour", "unknown field"),
        ({}, "name", "required"),
        ({"name": ""}, "name", "at least 1"),
        ({"name": "x" * 500}, "name", "at most 120"),
    ],
)
def test_wrong_fields_are_named_with_the_reason(
    client: TestClient, admin: dict[str, str], db: Database, body: object, field: str, reason: str
) -> None:
    before = _audit_count(db)
    answer = client.post("/api/v1/units", json=body, headers=admin)
    assert answer.status_code == 422
    problem = answer.json()
    assert problem["status"] == 422 and problem["type"].endswith("invalid-input")
    assert any(e["field"] == field and reason in e["reason"] for e in problem["errors"]), problem
    assert _audit_count(db) == before


def test_domain_rule_violation_names_the_field(
    client: TestClient, admin: dict[str, str], db: Database
) -> None:
    answer = client.post(
        "/api/v1/users",
        json={
            "username": "Bad Name",
            "email": "x@example.com",
            "role": "analyst",
            "units": ["finance"],
        },
        headers=admin,
    )
    assert answer.status_code == 422
    assert answer.json()["errors"][0]["field"] == "username"
    duplicate = client.post("/api/v1/units", json={"name": "Finance"}, headers=admin)
    assert duplicate.status_code == 409
    assert duplicate.json()["errors"] == [
        {"field": "name", "reason": "a business unit named 'Finance' already exists"}
    ]


@pytest.mark.parametrize(
    "query",
    ["limit=0", "limit=201", "limit=abc", "offset=-1", "offset=1e3", "limit=99999999999999"],
)
def test_bad_pagination_values(client: TestClient, admin: dict[str, str], query: str) -> None:
    answer = client.get(f"/api/v1/users?{query}", headers=admin)
    assert answer.status_code == 422
    assert answer.json()["errors"][0]["field"] in ("limit", "offset")


def test_oversized_body_is_413_and_writes_nothing(
    client: TestClient, admin: dict[str, str], db: Database
) -> None:
    before = _audit_count(db)
    huge = b'{"name": "' + b"x" * 2_000_000 + b'"}'
    answer = client.post(
        "/api/v1/units", content=huge, headers={**admin, "content-type": "application/json"}
    )
    assert answer.status_code == 413
    assert answer.headers["content-type"] == PROBLEM
    assert _audit_count(db) == before


def test_oversized_chunked_body_without_length_is_413(
    client: TestClient, admin: dict[str, str]
) -> None:
    def chunks():  # type: ignore[no-untyped-def]
        for _ in range(40):
            yield b"x" * 65536

    answer = client.post(
        "/api/v1/units", content=chunks(), headers={**admin, "content-type": "application/json"}
    )
    assert answer.status_code == 413


def test_bad_path_ids_and_unknown_routes_are_4xx(client: TestClient, admin: dict[str, str]) -> None:
    assert client.get("/api/v1/users/not-a-uuid", headers=admin).status_code == 422
    assert client.get("/api/v1/audit/events/0", headers=admin).status_code == 422
    missing = client.get("/api/v1/nothing-here", headers=admin)
    assert missing.status_code == 404 and missing.headers["content-type"] == PROBLEM
    assert client.delete("/api/v1/units", headers=admin).status_code == 405


def test_naive_timestamps_are_refused_not_guessed(
    client: TestClient, admin: dict[str, str]
) -> None:
    answer = client.post(
        "/api/v1/api-keys",
        json={"name": "k", "role": "auditor", "expires_at": "2030-01-01T00:00:00"},
        headers=admin,
    )
    assert answer.status_code == 422
    assert answer.json()["errors"][0]["field"] == "expires_at"


def test_openapi_document_describes_errors_as_problems(client: TestClient) -> None:
    document = client.get("/api/v1/openapi.json").json()
    assert "HTTPValidationError" not in document["components"]["schemas"]
    create_unit = document["paths"]["/api/v1/units"]["post"]["responses"]
    assert "application/problem+json" in create_unit["422"]["content"]
    assert document["paths"]["/healthz"]["get"]["security"] == []


def test_openapi_lists_only_json_operations_and_405_names_the_allowed_methods(
    client: TestClient, admin: dict[str, str]
) -> None:
    """#14, finding 8: HTML pages and their form posts were listed as JSON operations, and a
    405 from a page did not say which methods were allowed."""
    paths = client.get("/api/v1/openapi.json").json()["paths"]
    assert {p for p in paths if not p.startswith("/api/v1/")} == {"/healthz", "/readyz"}
    wrong = client.delete("/api/v1/units", headers=admin)
    assert wrong.status_code == 405 and wrong.headers["allow"] == "GET, HEAD, POST"
    page = client.delete("/approvals", headers={**admin, "accept": "text/html"})
    assert page.status_code == 405 and page.headers["allow"] == "GET, HEAD"


@pytest.mark.parametrize(
    ("path", "field"),
    [
        ("/api/v1/systems?owner=%00", "owner"),
        ("/api/v1/systems?q=a%00b&stage=planning", "q"),
        ("/api/v1/audit/events?actor=%00", "actor"),
    ],
)
def test_a_nul_character_in_a_query_is_a_422_naming_it(
    client: TestClient, admin: dict[str, str], path: str, field: str
) -> None:
    """PostgreSQL cannot compare text holding NUL: the filter is refused before any query."""
    answer = client.get(path, headers=admin)
    assert answer.status_code == 422
    assert answer.headers["content-type"] == PROBLEM
    assert [e["field"] for e in answer.json()["errors"]] == [field]
