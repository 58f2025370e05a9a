"""The governance pages: the move form, evidence, the request page with its buttons, inbox."""

from __future__ import annotations

import uuid

from fastapi import FastAPI
from httpx2 import Response

from aitower.core.access.roles import Role
from aitower.core.db.engine import Database
from governance.approvals.support_approvals import As, add_policy, audit_count
from support import make_user, seed_units
from support_inventory import make_system


def _form(who: As, path: str, data: dict[str, str]) -> Response:
    return who.client.post(path, data={**data, "csrf_token": who.token}, follow_redirects=False)


def test_move_evidence_and_decision_through_the_pages(app: FastAPI, db: Database) -> None:
    units = seed_units(db)
    add_policy(db)
    system_id = make_system(db, units.unit_id, stage="development", risk_tier="high")
    engineer = As(app, make_user(db, Role.engineer))
    governance = As(app, make_user(db, Role.governance))
    page = engineer.get(f"/systems/{system_id}/governance")
    assert page.status_code == 200
    for testid in ("move-target", "move-reason", "move-submit", "evidence-kind", "evidence-uri"):
        assert f'data-testid="{testid}"' in page.text
    assert "style=" not in page.text and "<script>" not in page.text

    before = audit_count(db)
    refused = _form(
        engineer,
        f"/systems/{system_id}/governance/moves",
        {"target_stage": "deployment", "reason": ""},
    )
    assert refused.status_code == 422
    assert 'data-field="reason"' in refused.text
    assert audit_count(db) == before

    moved = _form(
        engineer,
        f"/systems/{system_id}/governance/moves",
        {"target_stage": "deployment", "reason": "pilot done"},
    )
    assert moved.status_code == 303
    page = engineer.get(f"/systems/{system_id}/governance")
    assert 'data-testid="gate-verdict">block' in page.text
    assert page.text.count('data-testid="gate-finding"') >= 3

    bad_uri = _form(
        engineer,
        f"/systems/{system_id}/governance/evidence",
        {"kind": "human_oversight_plan", "title": "Plan", "uri": "javascript:x"},
    )
    assert bad_uri.status_code == 422
    assert 'data-field="uri"' in bad_uri.text
    ok = _form(
        engineer,
        f"/systems/{system_id}/governance/evidence",
        {"kind": "human_oversight_plan", "title": "Plan", "uri": "https://x.test/p"},
    )
    assert ok.status_code == 303

    inbox = governance.get("/approvals")
    assert inbox.status_code == 200
    request_id = inbox.text.split('data-request="')[1].split('"')[0]
    detail = governance.get(f"/approvals/{request_id}")
    assert 'data-testid="approve"' in detail.text and 'data-testid="reject"' in detail.text
    own = engineer.get(f"/approvals/{request_id}")
    assert 'data-testid="approve"' not in own.text and 'data-testid="withdraw"' in own.text

    no_reason = _form(governance, f"/approvals/{request_id}/decisions", {"decision": "reject"})
    assert no_reason.status_code == 422
    approved = _form(governance, f"/approvals/{request_id}/decisions", {"decision": "approve"})
    assert approved.status_code == 303
    detail = governance.get(f"/approvals/{request_id}")
    assert 'data-testid="request-status">pending' in detail.text
    assert "approved by" in detail.text
    for tab in ("approvals", "history"):
        shown = engineer.get(f"/systems/{system_id}/{tab}")
        assert shown.status_code == 200, shown.text
    assert "evidence.attached" in engineer.get(f"/systems/{system_id}/history").text


def test_forms_need_the_csrf_token(app: FastAPI, db: Database) -> None:
    units = seed_units(db)
    system_id = make_system(db, units.unit_id, stage="development")
    admin = As(app, make_user(db, Role.admin))
    request_id = uuid.uuid4()
    before = audit_count(db)
    for path, data in (
        (f"/systems/{system_id}/governance/moves", {"target_stage": "deployment", "reason": "x"}),
        (f"/systems/{system_id}/governance/evidence", {"kind": "model_card", "title": "x"}),
        (f"/systems/{system_id}/governance/evidence/{uuid.uuid4()}/remove", {}),
        (f"/approvals/{request_id}/decisions", {"decision": "approve"}),
        (f"/approvals/{request_id}/withdraw", {}),
        (f"/approvals/{request_id}/complete", {}),
    ):
        answer = admin.client.post(path, data=data, follow_redirects=False)
        assert answer.status_code == 403, path
    assert audit_count(db) == before
