"""The REST API of spend imports and mappings, both dialects."""

from __future__ import annotations

from fastapi.testclient import TestClient

from aitower.core.access.roles import Role
from aitower.core.db.engine import Database
from spend_imports.bills import CUR_ROWS, cur
from spend_imports.support_spend import counts, make_org
from support import make_key


def _post(
    client: TestClient, key: str, kind: str, data: bytes, name: str = "bill.csv", **form: str
):  # type: ignore[no-untyped-def]
    return client.post(
        "/api/v1/spend/imports",
        headers={"authorization": f"Bearer {key}"},
        data={"kind": kind, **form},
        files={"file": (name, data, "text/csv")},
    )


def test_import_list_report_and_undo(client: TestClient, db: Database) -> None:
    make_org(db)
    admin = make_key(db, Role.ops_manager)
    headers = {"authorization": f"Bearer {admin}"}
    mapped = client.post(
        "/api/v1/spend/mappings",
        headers=headers,
        json={
            "match_kind": "tag",
            "match_key": "app",
            "match_value": "helpdesk",
            "system": "Helpdesk bot",
        },
    )
    assert mapped.status_code == 201, mapped.text
    made = _post(client, admin, "aws_cur", cur())
    assert made.status_code == 201, made.text
    body = made.json()
    assert (body["total_amount"], body["unmapped_amount"], body["records_stored"]) == (
        14.625,
        10.125,
        4,
    )
    again = _post(client, admin, "aws_cur", cur())
    assert again.status_code == 409 and again.json()["errors"][0]["field"] == "file"
    listed = client.get("/api/v1/spend/imports", headers=headers).json()
    assert listed["total"] == 1 and listed["items"][0]["id"] == body["id"]
    report = client.get(f"/api/v1/spend/imports/{body['id']}", headers=headers).json()
    assert [(s["system"], s["amount"]) for s in report["systems"]] == [
        ("unattributed", 10.125), ("Helpdesk bot", 4.5)
    ]  # fmt: skip
    assert report["unmatched_accounts"][0] == {"name": "333", "amount": 10.0}
    gone = client.delete(f"/api/v1/spend/imports/{body['id']}", headers=headers)
    assert gone.status_code == 204
    assert counts(db)[:2] == (0, 0)


def test_errors_are_listed_with_rows_and_nothing_is_stored(
    client: TestClient, db: Database
) -> None:
    make_org(db)
    key = make_key(db, Role.admin)
    rows = [list(r) for r in CUR_ROWS]
    rows[0][2], rows[4][1] = "ten", "yesterday"
    before = counts(db)
    refused = _post(client, key, "aws_cur", cur(rows=rows))
    assert refused.status_code == 422
    problem = refused.json()
    assert refused.headers["content-type"].startswith("application/problem+json")
    assert [e["field"] for e in problem["errors"]] == [
        "rows[2].lineItem/UnblendedCost", "rows[6].lineItem/UsageStartDate"
    ]  # fmt: skip
    assert "'ten'" in problem["errors"][0]["reason"]
    assert counts(db) == before
    wrong_kind = _post(client, key, "pdf", cur())
    assert wrong_kind.status_code == 422 and wrong_kind.json()["errors"][0]["field"] == "kind"
    bad_rates = _post(client, key, "aws_cur", cur(), rates="euro")
    assert bad_rates.json()["errors"][0]["field"] == "rates"


def test_permissions_and_unit_scope(client: TestClient, db: Database) -> None:
    make_org(db)
    admin = make_key(db, Role.admin)
    assert _post(client, admin, "aws_cur", cur()).status_code == 201
    stakeholder = make_key(db, Role.stakeholder, unit="finance")
    assert _post(client, stakeholder, "aws_cur", cur()).status_code == 403
    listed = client.get(
        "/api/v1/spend/imports", headers={"authorization": f"Bearer {stakeholder}"}
    ).json()["items"][0]
    assert (listed["total_amount"], listed["unmapped_amount"]) == (0.75, None)
    engineer = make_key(db, Role.engineer, unit="finance")
    cloud = _post(client, engineer, "aws_cur", cur().replace(b"\nf,", b"\ng,"))
    assert cloud.status_code == 422 and cloud.json()["errors"][0]["field"] == "kind"
    rule = client.post(
        "/api/v1/spend/mappings",
        headers={"authorization": f"Bearer {engineer}"},
        json={"match_kind": "account", "match_value": "1", "system": "Helpdesk bot"},
    )
    assert rule.status_code == 422 and rule.json()["errors"][0]["field"] == "scope"
