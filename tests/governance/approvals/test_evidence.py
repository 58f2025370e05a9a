"""Evidence through the API: kinds and addresses checked, scoped by unit, audited."""

from __future__ import annotations

from fastapi import FastAPI

from aitower.core.access.roles import Role
from aitower.core.db.engine import Database
from governance.approvals.support_approvals import As, audit_actions, audit_count
from support import make_user, seed_units
from support_inventory import make_system


def test_attach_list_remove_and_refusals(app: FastAPI, db: Database) -> None:
    units = seed_units(db)
    system_id = make_system(db, units.unit_id)
    engineer = As(app, make_user(db, Role.engineer))
    auditor = As(app, make_user(db, Role.auditor))
    outsider = As(app, make_user(db, Role.engineer, units=("marketing",)))
    path = f"/api/v1/systems/{system_id}/evidence"
    before = audit_count(db)
    for body, field in (
        ({"kind": "poem", "title": "x"}, "kind"),
        ({"kind": "model_card", "title": " "}, "title"),
        ({"kind": "model_card", "title": "x", "uri": "javascript:alert(1)"}, "uri"),
        ({"kind": "model_card", "title": "x", "uri": "file:///etc/passwd"}, "uri"),
    ):
        refused = engineer.post(path, body)
        assert refused.status_code == 422, refused.text
        assert refused.json()["errors"][0]["field"] == field
    assert auditor.post(path, {"kind": "model_card", "title": "x"}).status_code == 403
    assert outsider.post(path, {"kind": "model_card", "title": "x"}).status_code == 404
    assert audit_count(db) == before

    link = engineer.post(path, {"kind": "model_card", "title": "Card", "uri": "https://x.test"})
    plain = engineer.post(path, {"kind": "test_report", "title": "Tests", "uri": "DMS-4411"})
    assert link.status_code == plain.status_code == 201
    listed = auditor.get(path).json()
    assert listed["total"] == 2
    assert {i["kind"] for i in listed["items"]} == {"model_card", "test_report"}
    assert outsider.get(path).status_code == 404
    gone = engineer.delete(f"{path}/{link.json()['id']}")
    assert gone.status_code == 204
    assert engineer.delete(f"{path}/{link.json()['id']}").status_code == 404
    assert auditor.get(path).json()["total"] == 1
    assert audit_actions(db)[before:] == [
        "evidence.attached",
        "evidence.attached",
        "evidence.removed",
    ]
