"""The review queue's API: send to review, claim, verdicts (audited; a bad verdict writes
nothing), who sees what, quality and precision, and a system's routing."""

from __future__ import annotations

import uuid
from datetime import timedelta

import pytest
from fastapi.testclient import TestClient

from aitower.core.access.roles import Role
from aitower.core.db.engine import Database
from aitower.review.quality import detector_precision
from aitower.review.routing import route_all
from review.support_review import NOW, add_finding, add_trace, content, trace_id
from support import make_key, seed_units
from support_inventory import audit_count, make_system

API = "/api/v1/review"


def _key(db: Database, role: Role, unit: str = "finance") -> dict[str, str]:
    return {"Authorization": f"Bearer {make_key(db, role, unit=unit)}"}


def _world(db: Database) -> tuple[uuid.UUID, dict[str, str]]:
    """A finance system with routing on: trace 1 has an IBAN and an e-mail finding, trace 2
    was flagged by no one yet; routing queues two finding items for security. Returns the
    system and an admin's key."""
    seeded = seed_units(db)
    system = make_system(db, seeded.unit_id, "knowledge assistant")
    at = NOW - timedelta(minutes=5)
    add_trace(db, system, trace_id(1), at, stored=content())
    add_trace(db, system, trace_id(2), at, stored=content("Rates are 3%."))
    add_finding(db, system, trace_id(1), at, "iban")
    add_finding(db, system, trace_id(1), at, "email", confidence=0.6)
    admin = _key(db, Role.admin)
    return system, admin


def _route_on(client: TestClient, db: Database, system: uuid.UUID, headers: dict[str, str]) -> None:
    answer = client.put(
        f"/api/v1/systems/{system}/review-route", json={"enabled": True}, headers=headers
    )
    assert answer.status_code == 200, answer.text
    assert route_all(db, NOW) == 2


def test_send_to_review_claim_and_verdict_are_audited(client: TestClient, db: Database) -> None:
    _world(db)
    pe = _key(db, Role.prompt_engineer)
    before = audit_count(db)
    made = client.post(
        f"{API}/items", json={"trace_id": trace_id(2), "reason": "cites a rate"}, headers=pe
    )
    assert made.status_code == 201, made.text
    item = made.json()
    assert (item["source"], item["assigned_role"], item["status"]) == (
        "flagged",
        "prompt_engineer",
        "open",
    )
    again = client.post(f"{API}/items", json={"trace_id": trace_id(2), "reason": "x"}, headers=pe)
    assert again.status_code == 409
    claimed = client.post(f"{API}/items/{item['id']}/claim", headers=pe)
    assert claimed.status_code == 200 and claimed.json()["assignee"] is not None
    judged = client.post(
        f"{API}/items/{item['id']}/verdict",
        json={"verdict": "hallucination", "notes": "no such rate"},
        headers=pe,
    )
    assert judged.status_code == 200, judged.text
    assert judged.json()["verdict"] == "hallucination" and judged.json()["status"] == "done"
    assert audit_count(db) == before + 3  # flagged, claimed, judged
    events = client.get(
        "/api/v1/audit/events", params={"object_id": item["id"]}, headers=_key(db, Role.admin)
    ).json()
    actions = sorted(e["action"] for e in events["items"])
    assert actions == ["review.item_claimed", "review.item_flagged", "review.verdict_given"]


def test_a_bad_verdict_is_refused_and_writes_nothing(client: TestClient, db: Database) -> None:
    system, admin = _world(db)
    _route_on(client, db, system, admin)
    sec = _key(db, Role.security)
    items = client.get(f"{API}/items", headers=sec).json()["items"]
    before = audit_count(db)
    bad = client.post(
        f"{API}/items/{items[0]['id']}/verdict", json={"verdict": "wrong"}, headers=sec
    )
    assert bad.status_code == 422
    assert bad.json()["errors"][0]["field"] == "verdict"
    assert audit_count(db) == before
    still = client.get(f"{API}/items/{items[0]['id']}", headers=sec).json()["item"]
    assert (still["status"], still["verdict"], still["assignee"]) == ("open", None, None)


def test_flag_refuses_a_malformed_or_unknown_trace(client: TestClient, db: Database) -> None:
    _world(db)
    pe = _key(db, Role.prompt_engineer)
    bad = client.post(f"{API}/items", json={"trace_id": "xyz", "reason": "r"}, headers=pe)
    assert bad.status_code == 422 and bad.json()["errors"][0]["field"] == "trace_id"
    no_reason = client.post(
        f"{API}/items", json={"trace_id": trace_id(1), "reason": " "}, headers=pe
    )
    assert no_reason.status_code == 422 and no_reason.json()["errors"][0]["field"] == "reason"
    unknown = client.post(
        f"{API}/items", json={"trace_id": trace_id(99), "reason": "r"}, headers=pe
    )
    assert unknown.status_code == 404


def test_who_sees_which_items(client: TestClient, db: Database) -> None:
    system, admin = _world(db)
    _route_on(client, db, system, admin)
    pe = _key(db, Role.prompt_engineer)
    flagged = client.post(
        f"{API}/items", json={"trace_id": trace_id(2), "reason": "odd"}, headers=pe
    ).json()
    security = client.get(f"{API}/items", headers=_key(db, Role.security)).json()
    assert {i["source"] for i in security["items"]} == {"finding"} and security["total"] == 2
    # Prompt engineers see the items of their role only; security's items are not theirs.
    assert [i["id"] for i in client.get(f"{API}/items", headers=pe).json()["items"]] == [
        flagged["id"]
    ]
    finding_id = security["items"][0]["id"]
    assert client.get(f"{API}/items/{finding_id}", headers=pe).status_code == 404
    # Another unit's security specialist sees nothing of finance.
    outsider = _key(db, Role.security, unit="marketing")
    assert client.get(f"{API}/items", headers=outsider).json()["total"] == 0
    assert client.get(f"{API}/items/{finding_id}", headers=outsider).status_code == 404
    # The auditor reads every item and judges none; stakeholders see no transcripts.
    auditor = _key(db, Role.auditor)
    assert client.get(f"{API}/items", headers=auditor).json()["total"] == 3
    refused = client.post(
        f"{API}/items/{finding_id}/verdict", json={"verdict": "leak"}, headers=auditor
    )
    assert refused.status_code == 403
    assert client.get(f"{API}/items", headers=_key(db, Role.stakeholder)).status_code == 403


def test_item_detail_has_findings_and_context_documents(client: TestClient, db: Database) -> None:
    system, admin = _world(db)
    _route_on(client, db, system, admin)
    items = client.get(f"{API}/items", params={"source": "finding"}, headers=admin).json()
    detail = client.get(f"{API}/items/{items['items'][0]['id']}", headers=admin).json()
    assert detail["trace_found"] is True
    assert sorted(f["finding_type"] for f in detail["findings"]) == ["email", "iban"]
    assert [(d["doc_id"], d["text"]) for d in detail["documents"]] == [
        ("kb-7", "Accounts are listed in the portal.")
    ]
    assert client.get(f"{API}/items", params={"source": "nope"}, headers=admin).status_code == 422


def test_quality_and_precision_from_verdicts(client: TestClient, db: Database) -> None:
    system, admin = _world(db)
    at = NOW - timedelta(minutes=4)
    for n, ftype in ((3, "iban"), (4, "iban"), (5, "aws_key")):
        add_trace(db, system, trace_id(n), at)
        add_finding(db, system, trace_id(n), at, ftype, category="personal_data")
    client.put(f"/api/v1/systems/{system}/review-route", json={"enabled": True}, headers=admin)
    assert route_all(db, NOW) == 5  # trace 1: iban, email; 3, 4: iban; 5: aws_key
    items = client.get(f"{API}/items", headers=admin).json()["items"]
    by = {(i["trace_id"], i["finding_type"]): i["id"] for i in items}
    verdicts = {
        (trace_id(1), "iban"): "leak",
        (trace_id(1), "email"): "false_alarm",
        (trace_id(3), "iban"): "false_alarm",
        (trace_id(4), "iban"): "policy_violation",
        (trace_id(5), "aws_key"): "correct",
    }
    for key, verdict in verdicts.items():
        answer = client.post(
            f"{API}/items/{by[key]}/verdict", json={"verdict": verdict}, headers=admin
        )
        assert answer.status_code == 200
    report = client.get(f"{API}/quality", headers=admin).json()
    (row,) = report["systems"]
    assert row["n"] == 5
    assert row["counts"] == {"leak": 1, "false_alarm": 2, "policy_violation": 1, "correct": 1}
    assert row["leak_rate"] == pytest.approx(0.2)
    assert row["false_alarm_rate"] == pytest.approx(0.4)
    assert row["correct_share"] == pytest.approx(0.2)
    precision = {p["finding_type"]: p for p in report["detector_precision"]}
    assert (precision["iban"]["true"], precision["iban"]["false"]) == (2, 1)
    assert precision["iban"]["precision"] == pytest.approx(2 / 3)
    assert (precision["email"]["true"], precision["email"]["false"]) == (0, 1)
    assert "aws_key" not in precision  # "correct" judges the answer, not the detection
    with db.reading() as session:
        assert detector_precision(session) == {"email": (0, 1), "iban": (2, 1)}
        assert detector_precision(session, since=NOW + timedelta(days=3650)) == {}


def test_routing_settings_by_the_security_role(client: TestClient, db: Database) -> None:
    system, _ = _world(db)
    sec = _key(db, Role.security)
    url = f"/api/v1/systems/{system}/review-route"
    default = client.get(url, headers=sec).json()
    assert default["enabled"] is False and default["finding_role"] == "security"
    before = audit_count(db)
    body = {"enabled": True, "sample_rate": 0.05, "low_score_below": 0.5, "score_name": "thumbs"}
    saved = client.put(url, json=body, headers=sec)
    assert saved.status_code == 200 and saved.json()["sample_rate"] == 0.05
    assert audit_count(db) == before + 1
    bad = client.put(url, json={"enabled": True, "sample_rate": 2}, headers=sec)
    assert bad.status_code == 422 and bad.json()["errors"][0]["field"] == "sample_rate"
    assert audit_count(db) == before + 1
    assert client.get(url, headers=sec).json()["sample_rate"] == 0.05
    assert client.put(url, json=body, headers=_key(db, Role.engineer)).status_code == 403
    outsider = _key(db, Role.security, unit="marketing")
    assert client.put(url, json=body, headers=outsider).status_code == 404


def test_quality_window_takes_times_without_zone_as_utc(client: TestClient, db: Database) -> None:
    _, admin = _world(db)
    naive = client.get(f"{API}/quality", params={"since": "2026-01-01T00:00:00"}, headers=admin)
    assert naive.status_code == 200 and naive.json()["since"].startswith("2026-01-01T00:00:00")
    backwards = client.get(
        f"{API}/quality",
        params={"since": "2026-02-01T00:00:00Z", "until": "2026-01-01T00:00:00Z"},
        headers=admin,
    )
    assert backwards.status_code == 422 and backwards.json()["errors"][0]["field"] == "until"
