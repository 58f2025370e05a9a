"""A system's content settings through the API and its page, both dialects: the security
specialist may change what is stored, scanned and redacted; every change is audited with the
values before and after; refused values write nothing."""

from __future__ import annotations

import uuid

from fastapi.testclient import TestClient
from sqlalchemy import func, select

from aitower.core.access.roles import Role
from aitower.core.audit.tables import AuditEventRow
from aitower.core.db.engine import Database
from aitower.telemetry.content_settings import get_content_settings
from aitower.telemetry.permissions import TelemetryPermission
from support import CTX, login, make_key, make_user, seed_units
from support_inventory import make_system

WANTED = {
    "store_content": True,
    "max_content_chars": 2000,
    "scan_enabled": True,
    "scan_types": None,
    "redaction": {"iban": "hash", "email": "mask", "secret.aws_access_key": "drop"},
}


def _events(db: Database) -> list[AuditEventRow]:
    with db.reading() as session:
        return list(session.execute(select(AuditEventRow).order_by(AuditEventRow.seq)).scalars())


def _count(db: Database) -> int:
    with db.reading() as session:
        return int(session.execute(select(func.count()).select_from(AuditEventRow)).scalar_one())


def _system(db: Database) -> uuid.UUID:
    return make_system(db, seed_units(db).unit_id, "Knowledge assistant")


def _auth(key: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {key}"}


def test_the_permission_keeps_the_editors_and_adds_security() -> None:
    roles = TelemetryPermission.content_settings.roles
    assert Role.security in roles and Role.engineer in roles and Role.admin in roles
    assert Role.stakeholder not in roles and Role.auditor not in roles


def test_security_sets_redaction_through_the_api_and_it_is_audited(
    client: TestClient, db: Database
) -> None:
    system = _system(db)
    url = f"/api/v1/systems/{system}/content-settings"
    security = _auth(make_key(db, Role.security))
    before = client.get(url, headers=security).json()
    assert before["redaction"] == {} and before["scan_enabled"] is True
    answer = client.put(url, json=WANTED, headers=security)
    assert answer.status_code == 200, answer.text
    assert answer.json()["redaction"] == WANTED["redaction"]
    assert client.get(url, headers=security).json() == answer.json()
    event = _events(db)[-1]
    assert event.action == "telemetry.content_settings_changed"
    assert event.object_id == str(system)
    assert event.before is not None and event.before["redaction"] == {}
    assert event.after is not None and event.after["redaction"] == WANTED["redaction"]
    assert event.after["max_content_chars"] == 2000


def test_keep_is_the_default_and_is_not_stored_as_an_action(
    client: TestClient, db: Database
) -> None:
    system = _system(db)
    url = f"/api/v1/systems/{system}/content-settings"
    engineer = _auth(make_key(db, Role.engineer))
    body = {**WANTED, "redaction": {"iban": "keep", "email": "drop"}, "scan_types": ["iban"]}
    saved = client.put(url, json=body, headers=engineer).json()
    assert saved["redaction"] == {"email": "drop"} and saved["scan_types"] == ["iban"]


def test_the_stakeholder_may_read_but_not_change(client: TestClient, db: Database) -> None:
    system = _system(db)
    url = f"/api/v1/systems/{system}/content-settings"
    stakeholder = _auth(make_key(db, Role.stakeholder))
    assert client.get(url, headers=stakeholder).status_code == 200
    before = _count(db)
    assert client.put(url, json=WANTED, headers=stakeholder).status_code == 403
    assert _count(db) == before


def test_bad_values_are_refused_by_field_and_write_nothing(
    client: TestClient, db: Database
) -> None:
    system = _system(db)
    url = f"/api/v1/systems/{system}/content-settings"
    security = _auth(make_key(db, Role.security))
    before = _count(db)
    cases = [
        ({**WANTED, "redaction": {"bogus": "drop"}}, "redaction.bogus"),
        ({**WANTED, "redaction": {"iban": "shred"}}, "redaction.iban"),
        ({**WANTED, "scan_types": ["iban", "nope"]}, "scan_types"),
    ]
    for body, field in cases:
        answer = client.put(url, json=body, headers=security)
        assert answer.status_code == 422, answer.text
        assert answer.headers["content-type"].startswith("application/problem+json")
        assert field in answer.text
    assert (
        client.put(url, json={**WANTED, "max_content_chars": -1}, headers=security).status_code
        == 422
    )
    assert _count(db) == before
    with db.reading() as session:
        assert get_content_settings(session, CTX.principal, system).redaction == {}


def test_an_unknown_system_is_not_found(client: TestClient, db: Database) -> None:
    seed_units(db)
    security = _auth(make_key(db, Role.security))
    answer = client.put(
        f"/api/v1/systems/{uuid.uuid4()}/content-settings", json=WANTED, headers=security
    )
    assert answer.status_code == 404


def _form(token: str, **redaction: str) -> dict[str, str]:
    form = {"csrf_token": token, "store_content": "on", "max_content_chars": "3000"}
    form["scan_enabled"] = "on"
    form.update({f"redaction.{k}": v for k, v in redaction.items()})
    return form


def test_security_turns_redaction_on_from_the_page(client: TestClient, db: Database) -> None:
    system = _system(db)
    token = login(client, make_user(db, Role.security))
    page = client.get(f"/systems/{system}/content-settings")
    assert page.status_code == 200
    assert 'data-testid="content-settings-form"' in page.text
    assert 'name="redaction.iban"' in page.text and "Save content settings" in page.text
    before = _count(db)
    answer = client.post(
        f"/systems/{system}/content-settings",
        data=_form(token, iban="hash", email="drop", phone="keep"),
        follow_redirects=False,
    )
    assert answer.status_code == 303
    assert answer.headers["location"] == f"/systems/{system}/content-settings?notice=saved"
    shown = client.get(answer.headers["location"])
    assert 'data-testid="notice"' in shown.text
    assert '<option value="hash" selected>' in shown.text
    assert _count(db) == before + 1
    with db.reading() as session:
        saved = get_content_settings(session, CTX.principal, system)
    assert dict(saved.redaction) == {"email": "drop", "iban": "hash"}
    assert saved.max_content_chars == 3000 and saved.store_content and saved.scan_enabled


def test_unchecked_boxes_turn_storing_and_scanning_off(client: TestClient, db: Database) -> None:
    system = _system(db)
    token = login(client, make_user(db, Role.engineer))
    form = {"csrf_token": token, "max_content_chars": "100"}
    answer = client.post(f"/systems/{system}/content-settings", data=form, follow_redirects=False)
    assert answer.status_code == 303
    with db.reading() as session:
        saved = get_content_settings(session, CTX.principal, system)
    assert not saved.store_content and not saved.scan_enabled


def test_a_refused_form_shows_the_reason_and_keeps_what_was_typed(
    client: TestClient, db: Database
) -> None:
    system = _system(db)
    token = login(client, make_user(db, Role.security))
    before = _count(db)
    answer = client.post(
        f"/systems/{system}/content-settings", data=_form(token, iban="shred", email="drop")
    )
    assert answer.status_code == 422
    assert 'data-testid="form-error"' in answer.text
    assert 'data-field="redaction.iban"' in answer.text
    assert 'aria-invalid="true"' in answer.text
    assert '<option value="drop" selected>' in answer.text  # email, as typed
    bad_number = client.post(
        f"/systems/{system}/content-settings",
        data={**_form(token), "max_content_chars": "lots"},
    )
    assert bad_number.status_code == 422 and 'data-field="max_content_chars"' in bad_number.text
    assert _count(db) == before


def test_the_stakeholder_sees_the_settings_but_cannot_post(
    client: TestClient, db: Database
) -> None:
    system = _system(db)
    token = login(client, make_user(db, Role.stakeholder))
    page = client.get(f"/systems/{system}/content-settings")
    assert page.status_code == 200 and "Your role may not change these settings" in page.text
    assert "Save content settings" not in page.text
    before = _count(db)
    answer = client.post(f"/systems/{system}/content-settings", data=_form(token, iban="drop"))
    assert answer.status_code == 403
    assert _count(db) == before


def test_a_post_without_the_csrf_token_is_refused(client: TestClient, db: Database) -> None:
    system = _system(db)
    login(client, make_user(db, Role.security))
    form = _form("", iban="drop")
    del form["csrf_token"]
    answer = client.post(f"/systems/{system}/content-settings", data=form)
    assert answer.status_code == 403
