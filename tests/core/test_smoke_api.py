from fastapi.testclient import TestClient

from aitower.core.access.roles import Role
from aitower.core.db.engine import Database
from support import make_key, seed_units


def test_created_unit_is_listed_and_audited(client: TestClient, db: Database) -> None:
    seed_units(db)
    key = make_key(db, Role.admin)
    headers = {"Authorization": f"Bearer {key}"}
    created = client.post("/api/v1/units", json={"name": "Risk"}, headers=headers)
    assert created.status_code == 201
    names = [u["name"] for u in client.get("/api/v1/units", headers=headers).json()["items"]]
    assert names == ["Finance", "Marketing", "Risk"]
    events = client.get("/api/v1/audit/events", headers=headers).json()["items"]
    assert events[0]["action"] == "unit.create"
    assert events[0]["after"]["name"] == "Risk"
    assert events[0]["actor"].startswith("apikey:atk_")
