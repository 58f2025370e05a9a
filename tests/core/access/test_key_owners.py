"""API keys act for their owner (#14, finding 1): the owner's access today bounds every request.

Each test changes the owner through the same services an administrator uses, then calls the
REST API with the key as a client would.
"""

from __future__ import annotations

from fastapi.testclient import TestClient
from sqlalchemy import update

from aitower.core.access import apikeys, service
from aitower.core.access.roles import Role
from aitower.core.access.tables import ApiKeyRow
from aitower.core.db.engine import Database
from support import CTX, make_key, make_user, seed_units

SYSTEM = {"kind": "llm_app", "unit": "finance"}


def _headers(secret: str) -> dict[str, str]:
    return {"x-api-key": secret}


def test_a_disabled_owner_s_key_is_refused_and_works_again_when_enabled(
    client: TestClient, db: Database
) -> None:
    seed_units(db)
    owner = make_user(db, Role.engineer, username="erin")
    key = _headers(make_key(db, Role.engineer, owner=owner))
    assert client.get("/api/v1/me", headers=key).status_code == 200
    with db.writing() as session:
        service.set_user_disabled(session, CTX, owner, True)
    me = client.get("/api/v1/me", headers=key)
    assert me.status_code == 401
    assert me.headers["content-type"].startswith("application/problem+json")
    made = client.post("/api/v1/systems", json={**SYSTEM, "name": "Bot"}, headers=key)
    assert made.status_code == 401
    with db.writing() as session:
        service.set_user_disabled(session, CTX, owner, False)
    assert client.get("/api/v1/me", headers=key).json()["owner_id"] is not None


def test_a_demoted_owner_s_key_loses_what_the_new_role_lacks(
    client: TestClient, db: Database
) -> None:
    seed_units(db)
    owner = make_user(db, Role.engineer, username="erin")
    key = _headers(make_key(db, Role.engineer, owner=owner))
    made = client.post("/api/v1/systems", json={**SYSTEM, "name": "Bot"}, headers=key)
    assert made.status_code == 201, made.text
    with db.writing() as session:
        service.update_user_access(session, CTX, owner, role=Role.stakeholder)
    refused = client.post("/api/v1/systems", json={**SYSTEM, "name": "Bot 2"}, headers=key)
    assert refused.status_code == 403
    me = client.get("/api/v1/me", headers=key).json()
    assert "systems.write" not in me["permissions"]
    # What both roles allow still works: the key reads its unit's systems.
    assert client.get("/api/v1/systems", headers=key).json()["total"] == 1


def test_an_owner_taken_out_of_a_unit_takes_the_key_out_of_it(
    client: TestClient, db: Database
) -> None:
    seed_units(db)
    owner = make_user(db, Role.engineer, units=("finance", "marketing"), username="erin")
    admin = _headers(make_key(db, Role.admin))
    for name, unit in (("Ledger bot", "finance"), ("Copy bot", "marketing")):
        body = {**SYSTEM, "name": name, "unit": unit}
        assert client.post("/api/v1/systems", json=body, headers=admin).status_code == 201
    key = _headers(make_key(db, Role.engineer, unit="finance", owner=owner))
    assert [s["name"] for s in client.get("/api/v1/systems", headers=key).json()["items"]] == [
        "Ledger bot"
    ]
    with db.writing() as session:
        service.update_user_access(session, CTX, owner, unit_refs=("marketing",))
    assert client.get("/api/v1/systems", headers=key).json()["total"] == 0
    write = client.post("/api/v1/systems", json={**SYSTEM, "name": "Bot"}, headers=key)
    assert write.status_code in (403, 404, 422)
    assert client.get("/api/v1/me", headers=key).json()["unit_ids"] == []


def test_an_orphaned_key_is_refused_until_an_administrator_gives_it_an_owner(
    client: TestClient, db: Database
) -> None:
    """Keys made before keys had owners (the migration leaves CLI-made ones without)."""
    seed_units(db)
    owner = make_user(db, Role.engineer, username="erin")
    secret = make_key(db, Role.engineer, owner=owner)
    prefix = secret.split("_")[0] + "_" + secret.split("_")[1]
    with db.writing() as session:
        session.execute(update(ApiKeyRow).values(owner_id=None))
    assert client.get("/api/v1/me", headers=_headers(secret)).status_code == 401
    listed = client.get("/api/v1/api-keys", headers=_headers(make_key(db, Role.admin)))
    orphan = next(k for k in listed.json()["items"] if k["prefix"] == prefix)
    assert orphan["orphaned"] is True and orphan["owner"] is None
    with db.writing() as session:
        assigned = apikeys.assign_owner(session, CTX, prefix, owner)
    assert assigned.owner == "erin"
    assert client.get("/api/v1/me", headers=_headers(secret)).status_code == 200


def test_keys_show_their_owner_and_an_administrator_revokes_one_person_s_keys(
    client: TestClient, db: Database
) -> None:
    seed_units(db)
    make_user(db, Role.engineer, username="erin")
    make_user(db, Role.engineer, username="fred")
    erins = [make_key(db, Role.engineer, owner="erin") for _ in range(2)]
    freds = make_key(db, Role.engineer, owner="fred")
    admin = _headers(make_key(db, Role.admin))
    listed = client.get("/api/v1/api-keys?owner=erin", headers=admin).json()
    assert listed["total"] == 2 and {k["owner"] for k in listed["items"]} == {"erin"}
    erin_id = listed["items"][0]["owner_id"]
    revoked = client.post(f"/api/v1/users/{erin_id}/revoke-keys", headers=admin)
    assert revoked.status_code == 200 and revoked.json() == {"revoked": 2}
    for secret in erins:
        assert client.get("/api/v1/me", headers=_headers(secret)).status_code == 401
    assert client.get("/api/v1/me", headers=_headers(freds)).status_code == 200
    unknown = client.get("/api/v1/api-keys?owner=ghost", headers=admin)
    assert unknown.status_code == 422 and unknown.json()["errors"][0]["field"] == "owner"


def test_a_key_is_made_for_oneself_unless_an_administrator_names_the_owner(
    client: TestClient, db: Database
) -> None:
    seed_units(db)
    make_user(db, Role.engineer, username="erin")
    make_user(db, Role.analyst, username="ana")
    erin = _headers(make_key(db, Role.engineer, owner="erin"))
    body = {"name": "exporter", "role": "engineer", "unit": "finance"}
    mine = client.post("/api/v1/api-keys", json=body, headers=erin)
    assert mine.status_code == 201 and mine.json()["owner"] == "erin"
    theirs = client.post("/api/v1/api-keys", json={**body, "owner": "ana"}, headers=erin)
    assert theirs.status_code == 403
    admin = _headers(make_key(db, Role.admin))
    too_wide = client.post("/api/v1/api-keys", json={**body, "owner": "ana"}, headers=admin)
    assert too_wide.status_code == 422
    assert too_wide.json()["errors"][0]["field"] == "role"
    reader = {**body, "role": "analyst", "owner": "ana"}
    assert client.post("/api/v1/api-keys", json=reader, headers=admin).json()["owner"] == "ana"
