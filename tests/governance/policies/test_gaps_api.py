"""The gap report through the API, the page and its exports, on SQLite and PostgreSQL: a bank
deploys a credit-scoring model (Annex III 5(b)), so it owes human oversight (Art. 26(2)) and a
fundamental-rights impact assessment (Art. 27); the report shows the first met by the attached
plan and the second missing, to a reader of the unit and not to one outside it."""

from __future__ import annotations

import csv
import io

from fastapi import FastAPI
from fastapi.testclient import TestClient

from aitower.core.access.roles import Role
from aitower.core.db.engine import Database
from aitower.governance import evidence
from aitower.governance.gap_service import CSV_COLUMNS
from aitower.risk import service as risk
from aitower.risk.eu_ai_act import template_answers
from support import CTX, login, make_user, seed_units
from support_inventory import make_system


def _credit_model(db: Database) -> str:
    units = seed_units(db)
    system_id = make_system(db, units.unit_id, "Credit scorer", kind="ml_model")
    make_system(db, units.other_unit_id, "Elsewhere", kind="ml_model")
    answers = {**template_answers(), "creditworthiness": True, "profiling": True}
    with db.writing() as session:
        risk.assess(session, CTX, system_id, answers)
        evidence.attach(
            session,
            CTX,
            system_id,
            kind="human_oversight_plan",
            title="Oversight plan v1",
            uri="DMS-4411",
        )
    return str(system_id)


def test_the_report_shows_met_and_missing_duties_with_their_frameworks(
    app: FastAPI, db: Database
) -> None:
    system_id = _credit_model(db)
    client = TestClient(app)
    login(client, make_user(db, Role.analyst))  # unit-scoped to the credit model's unit
    report = client.get("/api/v1/compliance/gaps").json()
    assert [s["name"] for s in report["systems"]] == ["Credit scorer"]
    rows = {r["article"]: r for r in report["systems"][0]["rows"]}
    assert rows["Art. 26(2)"]["status"] == "met"
    assert rows["Art. 26(2)"]["detail"] == "human-oversight plan attached"
    assert rows["Art. 27"]["status"] == "gap"
    assert rows["Art. 27"]["detail"] == "no fundamental-rights impact assessment attached"
    assert rows["Art. 27"]["nist_ai_rmf"] and rows["Art. 27"]["iso_iec_42001"]
    assert report["counts"]["gap"] == sum(1 for r in rows.values() if r["status"] == "gap")

    exported = client.get(f"/governance/gaps.csv?system={system_id}")
    assert exported.status_code == 200 and exported.headers["content-type"].startswith("text/csv")
    table = list(csv.reader(io.StringIO(exported.text)))
    assert tuple(table[0]) == CSV_COLUMNS
    art27 = next(r for r in table[1:] if r[2] == "Art. 27")
    assert art27[0] == "Credit scorer" and art27[4] == "gap"

    page = client.get("/governance/gaps?status=gap")
    assert page.status_code == 200
    assert "no fundamental-rights impact assessment attached" in page.text
    assert "human-oversight plan attached" not in page.text  # filtered to the gaps
    printable = client.get("/governance/gaps.html")
    assert "Compliance gap report" in printable.text and "Art. 27" in printable.text
    pdf = client.get(f"/governance/gaps.pdf?system={system_id}")
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")


def test_a_system_outside_the_readers_units_is_not_disclosed(app: FastAPI, db: Database) -> None:
    _credit_model(db)
    client = TestClient(app)
    login(client, make_user(db, Role.analyst, units=("marketing",)))
    report = client.get("/api/v1/compliance/gaps").json()
    assert [s["name"] for s in report["systems"]] == ["Elsewhere"]
    assert report["systems"][0]["rows"][0]["status"] == "not assessed"
