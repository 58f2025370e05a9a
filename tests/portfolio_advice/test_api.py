"""``GET /api/v1/advice`` through the real app on SQLite and PostgreSQL, at the world's clock:
ranked items with their evidence, filters, bad filters named, a unit-scoped reader."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
import time_machine
from fastapi.testclient import TestClient

from aitower.core.access.roles import Role
from aitower.core.db.engine import Database
from portfolio_advice.support_advice import NOW, World, build_world
from support import make_key

API = "/api/v1/advice"


@pytest.fixture
def world(db: Database) -> Iterator[World]:
    with time_machine.travel(NOW, tick=True):
        yield build_world(db)


def _key(db: Database, role: Role, unit: str = "finance") -> dict[str, str]:
    return {"Authorization": f"Bearer {make_key(db, role, unit=unit)}"}


def test_the_portfolio_ranked_with_evidence(client: TestClient, db: Database, world: World) -> None:
    answer = client.get(API, headers=_key(db, Role.ops_manager))
    assert answer.status_code == 200, answer.text
    body = answer.json()
    kinds = [i["kind"] for i in body["items"]]
    assert sorted(kinds) == sorted(
        ["cheaper_model", "prompt_growth", "cache", "idle_licences", "duplicate"]
    )
    savings = [i["monthly_saving"] for i in body["items"]]
    assert savings == sorted(savings, reverse=True) and body["total"] == 5
    assert body["total_monthly_saving"] == pytest.approx(sum(savings), abs=0.05)
    cheaper = next(i for i in body["items"] if i["kind"] == "cheaper_model")
    assert cheaper["system_id"] == str(world.bot)
    assert cheaper["evidence"]["thumbs.test"] == "two_proportion_z"
    assert cheaper["chart"]["kind"] == "bars" and cheaper["facts"]
    assert any(link["href"] == f"/systems/{world.bot}" for link in cheaper["links"])


def test_filters_and_paging(client: TestClient, db: Database, world: World) -> None:
    key = _key(db, Role.auditor)
    idle = client.get(API, params={"kind": "idle_licences"}, headers=key).json()
    assert [i["kind"] for i in idle["items"]] == ["idle_licences"]
    one = client.get(API, params={"system": str(world.growth)}, headers=key).json()
    assert [i["kind"] for i in one["items"]] == ["prompt_growth"]
    unit = client.get(API, params={"unit": str(world.unit_b)}, headers=key).json()
    assert [i["kind"] for i in unit["items"]] == ["idle_licences"]
    first = client.get(API, params={"limit": 2}, headers=key).json()
    assert len(first["items"]) == 2 and first["next_offset"] == 2


def test_bad_filters_are_named_problems(client: TestClient, db: Database, world: World) -> None:
    key = _key(db, Role.analyst)
    bad = client.get(API, params={"kind": "cheap"}, headers=key)
    assert bad.status_code == 422
    assert bad.headers["content-type"].startswith("application/problem+json")
    assert "kind" in bad.text
    assert client.get(API, params={"system": "bot"}, headers=key).status_code == 422


def test_a_unit_scoped_stakeholder(client: TestClient, db: Database, world: World) -> None:
    key = _key(db, Role.stakeholder, unit="finance")  # world.unit_a is Finance
    body = client.get(API, headers=key).json()
    assert {i["kind"] for i in body["items"]} == {"cheaper_model", "prompt_growth", "cache"}
    hrefs = [link["href"] for i in body["items"] for link in i["links"]]
    assert hrefs and not any(h.startswith("/monitoring") for h in hrefs)
    other = client.get(API, params={"system": str(world.other)}, headers=key)
    assert other.status_code == 404
    assert client.get(API).status_code == 401
