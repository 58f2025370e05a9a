"""The risk API as different roles and units, on SQLite and PostgreSQL."""

from __future__ import annotations

import datetime as dt

from fastapi.testclient import TestClient
from sqlalchemy import func, select

from aitower.core.access.roles import Role
from aitower.core.audit.tables import AuditEventRow
from aitower.core.db.engine import Database
from risk.helpers import answers
from support import make_key, make_user, seed_units
from support_inventory import make_system

PROBLEM = "application/problem+json"


def _auth(key: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {key}"}


def _events(db: Database) -> int:
    with db.reading() as session:
        return int(session.execute(select(func.count()).select_from(AuditEventRow)).scalar_one())


def test_questionnaire_and_dry_run_classification(client: TestClient, db: Database) -> None:
    seed_units(db)
    reader = _auth(make_key(db, Role.stakeholder))
    sections = client.get("/api/v1/ai-act/questionnaire", headers=reader).json()
    assert [s["key"] for s in sections] == [
        "roles",
        "prohibited",
        "rbi_exceptions",
        "annex_i",
        "annex_iii",
        "exemptions",
        "transparency",
        "gpai",
    ]
    assert all(q["article"] for s in sections for q in s["questions"])
    by_id = {q["id"]: q for s in sections for q in s["questions"]}
    assert by_id["rbi_victims"]["needed_when"] == ["p_realtime_rbi"]
    assert by_id["p_csam"]["verified"] is False and by_id["p_manipulation"]["verified"] is True
    before = _events(db)
    answer = client.post(
        "/api/v1/ai-act/classify",
        json={"answers": answers("creditworthiness", "profiling", "exemption_narrow_procedural")},
        headers=reader,
    )
    assert answer.status_code == 200, answer.text
    assert answer.json()["tier"] == "high"
    assert "Annex III point 5(b)" in answer.json()["articles"]
    assert answer.json()["roles"] == ["deployer"]
    fria = next(d for d in answer.json()["duties"] if d["id"] == "deployer.fria")
    assert fria["article"] == "Art. 27"
    # Annex III: 2 August 2026 as published (Art. 113); 2 December 2027 as amended (unverified).
    assert (fria["applies_from_original"], fria["applies_from_amended"]) == (
        "2026-08-02",
        "2027-12-02",
    )
    assert fria["amended_date_verified"] is False
    assert _events(db) == before


def test_assess_as_engineer_then_read_versions(client: TestClient, db: Database) -> None:
    units = seed_units(db)
    system = make_system(db, units.unit_id, "Support bot")
    engineer = _auth(make_key(db, Role.engineer))
    url = f"/api/v1/systems/{system}"
    assert client.get(f"{url}/assessment", headers=engineer).json() is None
    first = client.post(
        f"{url}/assessments", json={"answers": answers("interacts_with_people")}, headers=engineer
    )
    assert first.status_code == 200, first.text
    assert (first.json()["tier"], first.json()["version"]) == ("limited", 1)
    client.post(
        f"{url}/assessments", json={"answers": answers("emergency_triage")}, headers=engineer
    )
    versions = client.get(f"{url}/assessments", headers=engineer).json()
    assert [v["version"] for v in versions] == [2, 1]
    current = client.get(f"{url}/assessment", headers=engineer).json()
    assert current["tier"] == "high" and current["assessed_by"].startswith("apikey:")


def test_refused_answers_name_the_question_and_write_nothing(
    client: TestClient, db: Database
) -> None:
    units = seed_units(db)
    system = make_system(db, units.unit_id)
    admin = _auth(make_key(db, Role.admin))
    before = _events(db)
    for bad, field in (
        ({**answers(), "nope": True}, "answers.nope"),
        ({**answers(), "deep_fakes": "yes"}, "answers.deep_fakes"),
        ({k: v for k, v in answers().items() if k != "justice"}, "answers.justice"),
    ):
        answer = client.post(
            f"/api/v1/systems/{system}/assessments", json={"answers": bad}, headers=admin
        )
        assert answer.status_code == 422, answer.text
        assert answer.headers["content-type"].startswith(PROBLEM)
        assert [e["field"] for e in answer.json()["errors"]] == [field]
    assert _events(db) == before


def test_classify_needs_the_permission_and_the_unit(client: TestClient, db: Database) -> None:
    units = seed_units(db)
    mine = make_system(db, units.unit_id)
    theirs = make_system(db, units.other_unit_id)
    analyst = _auth(make_key(db, Role.analyst))  # reads and writes risks, does not classify
    body = {"answers": answers()}
    assert (
        client.post(f"/api/v1/systems/{mine}/assessments", json=body, headers=analyst).status_code
        == 403
    )
    engineer = _auth(make_key(db, Role.engineer))  # unit finance only
    assert (
        client.post(
            f"/api/v1/systems/{theirs}/assessments", json=body, headers=engineer
        ).status_code
        == 404
    )
    assert client.get(f"/api/v1/systems/{theirs}/assessment", headers=engineer).status_code == 404


def test_register_add_patch_list_and_heat_map(client: TestClient, db: Database) -> None:
    units = seed_units(db)
    system = make_system(db, units.unit_id, "Credit model")
    other = make_system(db, units.other_unit_id, "Campaigns")
    owner = make_user(db, Role.analyst)
    admin = _auth(make_key(db, Role.admin))
    analyst = _auth(make_key(db, Role.analyst))  # finance only
    past = (dt.date.today() - dt.timedelta(days=2)).isoformat()
    created = client.post(
        f"/api/v1/systems/{system}/risks",
        json={
            "title": "Biased scores",
            "category": "bias",
            "likelihood": 4,
            "impact": 5,
            "residual_likelihood": 2,
            "owner": owner,
            "next_review": past,
        },
        headers=analyst,
    )
    assert created.status_code == 201, created.text
    risk = created.json()
    assert (
        risk["inherent_score"],
        risk["residual_score"],
        risk["level"],
        risk["residual_level"],
    ) == (20, 10, "critical", "high")
    assert risk["overdue"] is True and risk["owner"] == owner
    client.post(
        f"/api/v1/systems/{other}/risks",
        json={"title": "Off-brand copy", "category": "operational", "likelihood": 3, "impact": 2},
        headers=admin,
    )
    assert client.get("/api/v1/risks", headers=admin).json()["total"] == 2
    seen = client.get("/api/v1/risks", headers=analyst).json()
    assert [r["title"] for r in seen["items"]] == ["Biased scores"]
    assert client.get("/api/v1/risks?overdue=true", headers=admin).json()["total"] == 1
    assert client.get("/api/v1/risks?min_residual=7", headers=admin).json()["total"] == 1
    assert client.get("/api/v1/risks?category=operational", headers=admin).json()["total"] == 1
    patched = client.patch(
        f"/api/v1/risks/{risk['id']}", json={"status": "closed", "owner": None}, headers=analyst
    )
    assert patched.status_code == 200, patched.text
    assert (patched.json()["status"], patched.json()["owner"], patched.json()["overdue"]) == (
        "closed",
        None,
        False,
    )
    heat = client.get("/api/v1/risks/heat-map", headers=admin).json()
    assert (
        heat["likelihood_by_impact"][2][1] == 1 and sum(map(sum, heat["likelihood_by_impact"])) == 1
    )
    other_risk = client.get(f"/api/v1/risks?system={other}", headers=admin).json()["items"][0]
    assert client.get(f"/api/v1/risks/{other_risk['id']}", headers=analyst).status_code == 404


def test_register_refusals(client: TestClient, db: Database) -> None:
    units = seed_units(db)
    system = make_system(db, units.unit_id)
    admin = _auth(make_key(db, Role.admin))
    before = _events(db)
    base = {"title": "t", "category": "bias", "likelihood": 3, "impact": 3}
    for body, field in (
        ({**base, "residual_impact": 4}, "residual_impact"),
        ({**base, "likelihood": 7}, "likelihood"),
        ({**base, "category": "weather"}, "category"),
        ({**base, "owner": "ghost"}, "owner"),
        ({**base, "colour": "red"}, "colour"),
    ):
        answer = client.post(f"/api/v1/systems/{system}/risks", json=body, headers=admin)
        assert answer.status_code == 422, answer.text
        assert answer.json()["errors"][0]["field"] == field, answer.json()
    assert _events(db) == before
    auditor = _auth(make_key(db, Role.auditor))
    assert (
        client.post(f"/api/v1/systems/{system}/risks", json=base, headers=auditor).status_code
        == 403
    )
