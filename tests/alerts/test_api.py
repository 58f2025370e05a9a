"""The monitoring API as different roles: rules, incidents, channels; bad input; unit scope."""

from __future__ import annotations

import uuid
from datetime import timedelta

from fastapi.testclient import TestClient
from sqlalchemy import func, select

from aitower.alerts.evaluator import evaluate_due_rules
from aitower.core.access.roles import Role
from aitower.core.audit.tables import AuditEventRow
from aitower.core.db.base import utcnow
from aitower.core.db.engine import Database
from alerts.helpers import add_minute
from alerts.receivers import webhook_receiver
from support import make_key, seed_units
from support_inventory import make_system

SECRET = "a-webhook-secret-of-32-characters"


def auth(key: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {key}"}


def audit_count(db: Database) -> int:
    with db.reading() as session:
        return int(session.execute(select(func.count()).select_from(AuditEventRow)).scalar_one())


def rule_body(system: uuid.UUID | None, **kw: object) -> dict[str, object]:
    body: dict[str, object] = {
        "name": "Errors",
        "metric": "error_rate",
        "comparator": ">",
        "threshold": 0.1,
        "window_minutes": 5,
        "min_samples": 1,
        "severity": "high",
        "system_id": None if system is None else str(system),
    }
    return body | kw


def test_rules_crud_permissions_and_bad_input(client: TestClient, db: Database) -> None:
    units = seed_units(db)
    system = make_system(db, units.unit_id, "bot")
    analyst = auth(make_key(db, Role.analyst))
    stakeholder = auth(make_key(db, Role.stakeholder))
    assert (
        client.post("/api/v1/alert-rules", json=rule_body(system), headers=stakeholder).status_code
        == 403
    )
    before = audit_count(db)
    for body, field in [
        (rule_body(system, metric="vibes"), "metric"),
        (rule_body(system, window_minutes=0), "window_minutes"),
        (rule_body(uuid.uuid4()), "system_id"),
        (rule_body(None), "system_id"),  # portfolio-wide needs an org-wide role
        (rule_body(system, evaluation_name="x"), "evaluation_name"),
    ]:
        answer = client.post("/api/v1/alert-rules", json=body, headers=analyst)
        assert answer.status_code == 422, answer.text
        assert field in answer.text
    answer = client.post(
        "/api/v1/alert-rules", json=rule_body(system, comparator="=="), headers=analyst
    )
    assert answer.status_code == 422 and "comparator" in answer.text
    assert audit_count(db) == before
    made = client.post("/api/v1/alert-rules", json=rule_body(system), headers=analyst)
    assert made.status_code == 201, made.text
    rule = made.json()
    assert rule["state"] == "ok" and rule["system_name"] == "bot"
    listed = client.get("/api/v1/alert-rules", headers=stakeholder).json()
    assert [r["id"] for r in listed["items"]] == [rule["id"]]
    patched = client.patch(
        f"/api/v1/alert-rules/{rule['id']}", json={"threshold": 0.2}, headers=analyst
    )
    assert patched.json()["threshold"] == 0.2
    bad = client.patch(
        f"/api/v1/alert-rules/{rule['id']}", json={"for_minutes": -1}, headers=analyst
    )
    assert bad.status_code == 422 and "for_minutes" in bad.text
    # Someone in another unit does not see it.
    other = auth(make_key(db, Role.analyst, unit="marketing"))
    assert client.get(f"/api/v1/alert-rules/{rule['id']}", headers=other).status_code == 404
    assert client.get("/api/v1/alert-rules", headers=other).json()["total"] == 0
    metrics = client.get("/api/v1/alert-metrics", headers=stakeholder).json()
    assert {"error_rate", "latency_p95", "feedback_score"} <= {m["name"] for m in metrics}
    assert client.delete(f"/api/v1/alert-rules/{rule['id']}", headers=analyst).status_code == 204
    assert client.get(f"/api/v1/alert-rules/{rule['id']}", headers=analyst).status_code == 404


def test_channels_hide_secrets_and_test_sends_a_signed_notification(
    client: TestClient, db: Database
) -> None:
    seed_units(db)
    admin = auth(make_key(db, Role.admin))
    analyst = auth(make_key(db, Role.analyst))
    with webhook_receiver() as hook:
        body = {"kind": "webhook", "name": "hook", "config": {"url": hook.url, "secret": SECRET}}
        assert (
            client.post("/api/v1/notification-channels", json=body, headers=analyst).status_code
            == 403
        )
        short = body | {"config": {"url": hook.url, "secret": "short"}}
        answer = client.post("/api/v1/notification-channels", json=short, headers=admin)
        assert answer.status_code == 422 and "config.secret" in answer.text
        bad_url = body | {"config": {"url": "file:///etc/passwd", "secret": SECRET}}
        answer = client.post("/api/v1/notification-channels", json=bad_url, headers=admin)
        assert answer.status_code == 422 and "config.url" in answer.text
        made = client.post("/api/v1/notification-channels", json=body, headers=admin)
        assert made.status_code == 201, made.text
        channel = made.json()
        assert SECRET not in made.text and channel["config"]["secret_set"] is True
        listed = client.get("/api/v1/notification-channels", headers=analyst)
        assert SECRET not in listed.text
        # A rename keeps the stored secret (blank secrets never overwrite it).
        renamed = client.patch(
            f"/api/v1/notification-channels/{channel['id']}",
            json={"name": "hook-2", "config": {"url": hook.url}},
            headers=admin,
        )
        assert renamed.status_code == 200 and SECRET not in renamed.text
        sent = client.post(f"/api/v1/notification-channels/{channel['id']}/test", headers=admin)
        assert sent.json() == {"ok": True, "response_code": 200, "error": ""}
    (received,) = hook.received
    assert received.json["event"] == "test"
    assert received.headers["X-Aitower-Signature"].startswith("sha256=")


def test_incident_workflow_as_roles_and_scope(client: TestClient, db: Database) -> None:
    units = seed_units(db)
    system = make_system(db, units.unit_id, "bot")
    analyst = auth(make_key(db, Role.analyst))
    engineer = auth(make_key(db, Role.engineer))
    stakeholder = auth(make_key(db, Role.stakeholder))
    outsider = auth(make_key(db, Role.engineer, unit="marketing"))
    client.post("/api/v1/alert-rules", json=rule_body(system), headers=analyst)
    now = utcnow().replace(second=0, microsecond=0)
    add_minute(db, now - timedelta(minutes=2), str(system), durations=[10.0] * 10, errors=5)
    evaluate_due_rules(db, now, "test")
    listed = client.get("/api/v1/incidents?status=open", headers=stakeholder).json()
    assert listed["total"] == 1
    inc = listed["items"][0]
    assert inc["system_name"] == "bot" and inc["severity"] == "high"
    assert client.get("/api/v1/incidents", headers=outsider).json()["total"] == 0
    assert client.get(f"/api/v1/incidents/{inc['id']}", headers=outsider).status_code == 404
    url = f"/api/v1/incidents/{inc['id']}"
    assert client.post(f"{url}/acknowledge", json={}, headers=stakeholder).status_code == 403
    acked = client.post(f"{url}/acknowledge", json={"text": "on it"}, headers=engineer)
    assert acked.status_code == 200 and acked.json()["status"] == "acknowledged"
    assert client.post(f"{url}/acknowledge", json={}, headers=engineer).status_code == 409
    empty = client.post(f"{url}/comment", json={"text": "  "}, headers=engineer)
    assert empty.status_code == 422 and "text" in empty.text
    client.post(f"{url}/comment", json={"text": "rolled back the prompt"}, headers=engineer)
    nobody = client.post(f"{url}/assign", json={"owner": "ghost"}, headers=engineer)
    assert nobody.status_code == 422 and "owner" in nobody.text
    done = client.post(f"{url}/resolve", json={"text": "fixed"}, headers=analyst).json()
    assert done["status"] == "resolved"
    kinds = [e["kind"] for e in client.get(url, headers=stakeholder).json()["timeline"]]
    assert kinds == ["fired", "acknowledged", "comment", "resolved"]
    filtered = client.get("/api/v1/incidents?severity=low", headers=analyst).json()
    assert filtered["total"] == 0
    assert client.get("/api/v1/incidents?status=bogus", headers=analyst).status_code == 422
