"""Serious incidents through the API, on both databases: an incident entered by hand, classified
against Art. 3(49) with its moment of awareness in a time zone, reclassified, reported; the draft
report; who may do what; bad input refused with the field named and nothing written."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime

import time_machine
from fastapi.testclient import TestClient
from sqlalchemy import select

from aitower.core.access.roles import Role
from aitower.core.audit.tables import AuditEventRow
from aitower.core.db.engine import Database
from alerts.test_api import audit_count, auth
from support import make_key, seed_units
from support_inventory import make_system

# A fixed clock: the day after Europe's clocks went back (2026-10-25).
NOW = datetime(2026, 10, 25, 12, 0, tzinfo=UTC)


def _incident(client: TestClient, key: str, system: uuid.UUID | None) -> str:
    body = {"title": "Chatbot told a customer to stop medication", "severity": "critical"}
    if system is not None:
        body["system_id"] = str(system)
    made = client.post("/api/v1/incidents", json=body, headers=auth(key))
    assert made.status_code == 201, made.text
    return str(made.json()["id"])


def _audits(db: Database, action: str) -> list[AuditEventRow]:
    with db.reading() as session:
        rows = session.execute(
            select(AuditEventRow).where(AuditEventRow.action == action).order_by(AuditEventRow.seq)
        )
        return list(rows.scalars())


def test_enter_classify_reclassify_and_report(client: TestClient, db: Database) -> None:
    units = seed_units(db)
    system = make_system(db, units.unit_id, "support-bot", risk_tier="high")
    engineer = make_key(db, Role.engineer)
    governance = make_key(db, Role.governance)
    with time_machine.travel(NOW, tick=False):
        incident = _incident(client, engineer, system)
        shown = client.get(f"/api/v1/incidents/{incident}", headers=auth(engineer)).json()
        assert shown["serious"] is None
        assert [e["kind"] for e in shown["timeline"]] == ["opened"]
        assert len(_audits(db, "incident.opened")) == 1

        # Aware on 2026-10-24 at 10:00 in Berlin (CEST, UTC+2); point (b): 48 h.
        body = {"limbs": ["b"], "aware_at": "2026-10-24T10:00", "time_zone": "Europe/Berlin"}
        answer = client.post(
            f"/api/v1/incidents/{incident}/serious", json=body, headers=auth(governance)
        )
        assert answer.status_code == 200, answer.text
        s = answer.json()["serious"]
        assert s["aware_at"] == "2026-10-24T08:00:00Z"
        assert s["deadline_at"] == "2026-10-26T08:00:00Z"
        assert (s["deadline_days"], s["deadline_article"], s["limbs"]) == (2, "73(3)", ["b"])
        assert (s["overdue"], s["deadline_met"], s["aware_time_zone"]) == (
            False,
            None,
            "Europe/Berlin",
        )
        classified = _audits(db, "incident.classified")
        assert len(classified) == 1 and classified[0].before is None
        assert classified[0].after is not None and classified[0].after["limbs"] == "b"

        # A second opinion adds a death and point (a); the awareness recorded stays.
        body = {"limbs": ["a", "b"], "death": True, "note": "a patient died"}
        again = client.post(
            f"/api/v1/incidents/{incident}/serious", json=body, headers=auth(governance)
        )
        s = again.json()["serious"]
        assert s["aware_at"] == "2026-10-24T08:00:00Z"
        assert s["deadline_at"] == "2026-10-26T08:00:00Z"  # (b)'s 2 days still beat 10
        classified = _audits(db, "incident.classified")
        assert len(classified) == 2 and classified[1].before == classified[0].after

        report = {"reported_at": "2026-10-25T13:30+02:00", "reference": "MSA-2026-117"}
        done = client.post(
            f"/api/v1/incidents/{incident}/report", json=report, headers=auth(governance)
        )
        assert done.status_code == 200, done.text
        s = done.json()["serious"]
        assert (s["reported_at"], s["deadline_met"]) == ("2026-10-25T11:30:00Z", True)
        assert len(_audits(db, "incident.reported")) == 1
        kinds = [e["kind"] for e in done.json()["timeline"]]
        assert kinds == ["opened", "classified", "classified", "reported"]


def test_awareness_defaults_to_the_classification(client: TestClient, db: Database) -> None:
    seed_units(db)
    ops = make_key(db, Role.ops_manager)
    with time_machine.travel(NOW, tick=False):
        incident = _incident(client, ops, None)
        answer = client.post(
            f"/api/v1/incidents/{incident}/serious", json={"limbs": ["c"]}, headers=auth(ops)
        )
    s = answer.json()["serious"]
    assert s["aware_at"] == s["classified_at"] == "2026-10-25T12:00:00Z"
    assert s["deadline_at"] == "2026-11-09T12:00:00Z"  # + 15 x 24 h, Art. 73(2)
    # Aware in Kolkata on 2026-10-20 at 23:30 (UTC+05:30, 18:00 UTC): counted from then, not
    # from the classification five days later.
    body = {"limbs": ["c"], "aware_at": "2026-10-20T23:30", "time_zone": "Asia/Kolkata"}
    with time_machine.travel(NOW, tick=False):
        s = client.post(
            f"/api/v1/incidents/{incident}/serious", json=body, headers=auth(ops)
        ).json()["serious"]
    assert (s["aware_at"], s["deadline_at"]) == ("2026-10-20T18:00:00Z", "2026-11-04T18:00:00Z")


def test_bad_input_names_the_field_and_writes_nothing(client: TestClient, db: Database) -> None:
    seed_units(db)
    ops = make_key(db, Role.ops_manager)
    with time_machine.travel(NOW, tick=False):
        incident = _incident(client, ops, None)
        before = audit_count(db)
        cases = [
            ({"limbs": ["e"]}, "limbs"),
            ({"limbs": ["c"], "death": True}, "death"),
            ({"widespread": True}, "widespread"),
            ({"limbs": ["a"], "time_zone": "Mars/Base"}, "time_zone"),
            ({"limbs": ["a"], "aware_at": "2026-10-26T10:00", "time_zone": "UTC"}, "aware_at"),
            (
                {"limbs": ["a"], "aware_at": "2026-03-29T02:30", "time_zone": "Europe/Berlin"},
                "aware_at",
            ),
        ]
        for body, field in cases:
            answer = client.post(
                f"/api/v1/incidents/{incident}/serious", json=body, headers=auth(ops)
            )
            assert answer.status_code == 422, (body, answer.text)
            assert answer.headers["content-type"].startswith("application/problem+json")
            assert field in answer.text, (body, answer.text)
        # Reporting before classifying is a conflict on "serious".
        refused = client.post(f"/api/v1/incidents/{incident}/report", json={}, headers=auth(ops))
        assert refused.status_code == 409 and "serious" in refused.text
        made = client.post(
            "/api/v1/incidents", json={"title": " ", "severity": "high"}, headers=auth(ops)
        )
        assert made.status_code == 422 and "title" in made.text
        assert audit_count(db) == before


def test_who_may_classify(client: TestClient, db: Database) -> None:
    units = seed_units(db)
    system = make_system(db, units.unit_id, "scorer")
    analyst = make_key(db, Role.analyst)
    auditor = make_key(db, Role.auditor)
    governance = make_key(db, Role.governance)
    incident = _incident(client, analyst, system)
    url = f"/api/v1/incidents/{incident}/serious"
    assert client.post(url, json={"limbs": ["a"]}, headers=auth(analyst)).status_code == 403
    assert client.post(url, json={"limbs": ["a"]}, headers=auth(auditor)).status_code == 403
    assert client.post(url, json={"limbs": ["a"]}, headers=auth(governance)).status_code == 200
    read = client.get(f"/api/v1/incidents/{incident}", headers=auth(auditor)).json()
    assert read["serious"]["limbs"] == ["a"]
    # A governance specialist enters no incident (incidents.write); a user of another unit
    # does not see this one.
    no = client.post(
        "/api/v1/incidents", json={"title": "x", "severity": "low"}, headers=auth(governance)
    )
    assert no.status_code == 403
    other = make_key(db, Role.analyst, unit="marketing")
    assert client.get(f"/api/v1/incidents/{incident}", headers=auth(other)).status_code == 404
    other_system = client.post(
        "/api/v1/incidents",
        json={"title": "x", "severity": "low", "system_id": str(system)},
        headers=auth(other),
    )
    assert other_system.status_code == 422 and "system_id" in other_system.text


def test_serious_list_and_draft_report(client: TestClient, db: Database) -> None:
    units = seed_units(db)
    system = make_system(db, units.unit_id, "loan-scorer", risk_tier="high", stage="monitoring")
    ops = make_key(db, Role.ops_manager)
    with time_machine.travel(NOW, tick=False):
        plain = _incident(client, ops, system)
        late = _incident(client, ops, system)
        soon = _incident(client, ops, system)
        body = {"limbs": ["c"], "aware_at": "2026-10-01T09:00", "time_zone": "UTC"}
        client.post(f"/api/v1/incidents/{late}/serious", json=body, headers=auth(ops))
        body = {"limbs": ["b"], "aware_at": "2026-10-25T09:00", "time_zone": "UTC"}
        client.post(f"/api/v1/incidents/{soon}/serious", json=body, headers=auth(ops))
        client.post(f"/api/v1/incidents/{plain}/serious", json={"limbs": []}, headers=auth(ops))
        listed = client.get("/api/v1/incidents?serious=true", headers=auth(ops)).json()
        # Nearest deadline first: 2026-10-16 (overdue) before 2026-10-27; "not serious" left out.
        assert [i["id"] for i in listed["items"]] == [late, soon]
        assert [i["serious"]["overdue"] for i in listed["items"]] == [True, False]
        everything = client.get("/api/v1/incidents", headers=auth(ops)).json()
        assert {i["id"]: i["serious"]["serious"] for i in everything["items"]}[plain] is False

        md = client.get(f"/api/v1/incidents/{late}/report.md", headers=auth(ops))
    assert md.status_code == 200 and md.headers["content-type"].startswith("text/markdown")
    assert "attachment" in md.headers["content-disposition"]
    text = md.text
    for fact in (
        "**Name:** loan-scorer",
        "**Risk tier (EU AI Act):** high",
        "**Lifecycle stage:** monitoring",
        "(c) the infringement of obligations under Union law intended to protect fundamental",
        "**Moment of awareness:** 2026-10-01 09:00 UTC",
        "**Report by:** 2026-10-16 09:00 UTC",
        "Art. 73(2)",
        "overdue by 9 days 3 h",
        "## 6. Guardrail findings",
        "issue #16",
        "**Root cause:** **[To complete]**",
        "entered by hand",
    ):
        assert fact in text, fact
    not_serious = client.get(f"/api/v1/incidents/{plain}/report.md", headers=auth(ops))
    assert not_serious.status_code == 409
