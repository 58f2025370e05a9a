"""An expense export stored on both databases: findings per service and cardholder with their
amounts, spend ledger records per charge (an import that can be undone), the cost report's
unsanctioned spend, all hand-computed; a currency without a rate and the same file twice
store nothing more; the CLI and the API upload."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select

from aitower.core.access.roles import Role
from aitower.core.db.engine import Database
from aitower.core.errors import Conflict, InvalidInput
from aitower.discovery import catalog_service
from aitower.discovery.expenses import record_expense_file
from aitower.discovery.sanction import SanctionStatus
from aitower.discovery.tables import DiscoveryFindingRow, DiscoveryScanRow
from aitower.spend import import_service
from aitower.spend.over_time import Grain, GroupBy
from aitower.spend.over_time_report import cost_scope, report
from aitower.spend.tables import SpendImportRow, SpendRecordRow
from cli_support import Cli, base_env, one_error_line
from discovery.discovery_support import World, world
from support import CTX, make_key
from support_inventory import audit_count

# Written for this test. Rows 10 and 11 are malformed; the Google, Microsoft and airline
# charges are not AI; Legal is no unit.
EXPORT = """\
date,merchant,amount,currency,cardholder,department,memo
2026-05-03,OPENAI *CHATGPT SUBSCR,20.00,USD,alice@acme.example,Finance,
2026-06-03,OPENAI *CHATGPT SUBSCR,20.00,USD,alice@acme.example,Finance,
2026-06-05,CLAUDE.AI SUBSCRIPTION 4155550123,18.00,EUR,bob@acme.example,marketing,
2026-06-07,CURSOR AI POWERED IDE,40.00,USD,carol@acme.example,Finance,
2026-06-09,CURSOR AI POWERED IDE,-10.00,USD,carol@acme.example,Finance,pro-rated refund
2026-06-10,GOOGLE *GSUITE_ACME,72.00,USD,dan@acme.example,Finance,
2026-06-11,MICROSOFT*STORE,9.99,USD,dan@acme.example,Finance,
2026-06-12,DELTA AIR 0062345,450.10,USD,frank@acme.example,Marketing,
yesterday,MIDJOURNEY INC,30.00,USD,erin@acme.example,Legal,
2026-06-13,,10.00,USD,erin@acme.example,Legal,
2026-06-14,PAYPAL *MIDJOURNEY,30.00,USD,erin@acme.example,Legal,
"""
RATES = {"EUR": 1.1}


def _file(tmp_path: Path, text: str = EXPORT, name: str = "cards.csv") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def _counts(db: Database) -> tuple[int, int, int, int]:
    with db.reading() as session:
        return tuple(  # type: ignore[return-value]
            int(session.scalar(select(func.count()).select_from(t)) or 0)
            for t in (DiscoveryScanRow, DiscoveryFindingRow, SpendImportRow, SpendRecordRow)
        )


def _sanction_cursor_for_finance(db: Database, units: World) -> None:
    with db.writing() as session:
        catalog_service.set_sanction(session, CTX, "cursor", SanctionStatus.sanctioned,
                                     units.finance)  # fmt: skip


def _findings(db: Database) -> dict[tuple[str, str], tuple[Any, ...]]:
    with db.reading() as session:
        rows = session.execute(select(DiscoveryFindingRow)).scalars().all()
    return {(r.service_id, r.user_name): (r.unit_id, r.requests, round(r.amount_usd, 2),
            r.first_seen.date(), r.last_seen.date(), r.kind) for r in rows}  # fmt: skip


def test_an_export_becomes_findings_spend_and_unsanctioned_cost(
    db: Database, tmp_path: Path
) -> None:
    units = world(db)
    _sanction_cursor_for_finance(db, units)
    before = audit_count(db)
    with db.writing() as session:
        found = record_expense_file(session, CTX, _file(tmp_path), "cards.csv", rates=RATES)

    assert (found.rows, found.scan.matched, found.malformed) == (11, 6, 2)
    assert [(b.row, b.column) for b in found.malformed_rows] == [(10, "date"), (11, "merchant")]
    # 72.00 + 9.99 + 450.10 not AI; 40 + 18 × 1.1 + (40 - 10) + 30 matched, Cursor sanctioned.
    assert (found.unmatched_charges, found.unmatched_usd) == (3, pytest.approx(532.09))
    assert found.amount_usd == pytest.approx(119.8)
    assert found.unsanctioned_usd == pytest.approx(89.8)
    assert _findings(db) == {
        ("chatgpt", "alice@acme.example"): (units.finance, 2, 40.0, date(2026, 5, 3),
                                            date(2026, 6, 3), "expense"),
        ("claude-ai", "bob@acme.example"): (units.marketing, 1, 19.8, date(2026, 6, 5),
                                            date(2026, 6, 5), "expense"),
        ("cursor", "carol@acme.example"): (units.finance, 1, 30.0, date(2026, 6, 7),
                                           date(2026, 6, 9), "expense"),
        ("midjourney", "erin@acme.example"): (None, 1, 30.0, date(2026, 6, 14),
                                              date(2026, 6, 14), "expense"),
    }  # fmt: skip
    assert audit_count(db) == before + 2  # the scan and the spend import

    with db.reading() as session:
        imported = session.get(SpendImportRow, found.import_id)
        records = session.execute(select(SpendRecordRow)).scalars().all()
        assert imported is not None and imported.kind == "expense"
        assert (imported.records_stored, imported.total_amount) == (6, pytest.approx(119.8))
        claude = next(r for r in records if r.service == "Claude.ai")
        assert (claude.source, claude.vendor, claude.currency, claude.billed_amount,
                claude.amount, claude.unit_id, claude.row_number, claude.matched_by) == (
            "expense", "Anthropic", "EUR", 18.0, pytest.approx(19.8), units.marketing, 4,
            "unsanctioned",
        )  # fmt: skip
        assert "bob@acme.example" in claude.description and "CLAUDE.AI" in claude.description
        scope = cost_scope(session, CTX.principal)
        costs = report(session, scope, date(2026, 5, 1), date(2026, 7, 1), Grain.monthly,
                       GroupBy.source)  # fmt: skip
    by_source = {g.key: (g.label, [round(a, 2) for a in g.amounts]) for g in costs.groups}
    assert by_source == {
        "unsanctioned_expense": ("Unsanctioned spend (expenses)", [20.0, 69.8]),
        "expense": ("expense", [0.0, 30.0]),  # Cursor, sanctioned in Finance: 40 - 10
    }

    with db.writing() as session:
        import_service.undo_import(session, CTX, found.import_id)  # type: ignore[arg-type]
    assert _counts(db) == (1, 4, 0, 0)


def test_the_same_file_twice_or_a_currency_without_rate_stores_nothing(
    db: Database, tmp_path: Path
) -> None:
    world(db)
    path = _file(tmp_path)
    with pytest.raises(InvalidInput, match="EUR"), db.writing() as session:
        record_expense_file(session, CTX, path, "cards.csv")
    assert _counts(db) == (0, 0, 0, 0)
    with db.writing() as session:
        record_expense_file(session, CTX, path, "cards.csv", rates=RATES)
    stored = _counts(db)
    with pytest.raises(Conflict, match="sha256"), db.writing() as session:
        record_expense_file(session, CTX, path, "again.csv", rates=RATES)
    assert _counts(db) == stored == (1, 4, 1, 6)


def test_a_second_month_merges_into_the_open_findings(db: Database, tmp_path: Path) -> None:
    units = world(db)
    first = "date,merchant,amount,cardholder,department\n2026-06-03,OPENAI *CHATGPT,20,al,Finance\n"
    second = (
        "date,merchant,amount,cardholder,department\n2026-07-03,OPENAI *CHATGPT,25,al,Finance\n"
    )
    with db.writing() as session:
        record_expense_file(session, CTX, _file(tmp_path, first, "june.csv"), "june.csv")
    with db.writing() as session:
        again = record_expense_file(session, CTX, _file(tmp_path, second, "july.csv"), "july.csv")
    assert (again.scan.findings_new, again.scan.findings_merged) == (0, 1)
    assert _findings(db) == {("chatgpt", "al"): (units.finance, 2, 45.0, date(2026, 6, 3),
                                                 date(2026, 7, 3), "expense")}  # fmt: skip


@pytest.fixture
def cli(database_url: str, tmp_path: Path) -> Cli:
    return Cli({**base_env(tmp_path), "AITOWER_DATABASE_URL": database_url})


def test_the_cli_prints_services_amounts_and_unmatched_total(
    cli: Cli, db: Database, tmp_path: Path
) -> None:
    world(db)
    path = _file(tmp_path)
    refused = one_error_line(cli("discover", "expenses", str(path)))
    assert "EUR" in refused, refused
    done = cli("discover", "expenses", str(path), "--rate", "EUR=1.1", "--unit", "Marketing")
    assert done.exit_code == 0, done.output
    assert "Read 11 rows: 6 charges to AI services (119.80 USD, 119.80 unsanctioned)" in done.stdout
    assert "3 unmatched (532.09 USD), 2 malformed; 4 new" in done.stdout
    assert "row 10, date" in done.stdout
    assert "Midjourney" in done.stdout and "Cursor" in done.stdout
    again = one_error_line(cli("discover", "expenses", str(path), "--rate", "EUR=1.1"))
    assert "sha256" in again
    assert "format" in one_error_line(cli("discover", "expenses", str(path), "--format", "x"))
    with db.reading() as session:
        erin = session.scalar(select(DiscoveryFindingRow.unit_id).where(
            DiscoveryFindingRow.user_name == "erin@acme.example"))  # fmt: skip
    assert erin is not None  # Legal is no unit: the --unit given


def test_the_api_takes_an_upload(client: TestClient, db: Database) -> None:
    world(db)
    headers = {"Authorization": f"Bearer {make_key(db, Role.admin)}"}
    url = "/api/v1/discovery/scans/expenses"
    files = {"file": ("cards.csv", EXPORT.encode(), "text/csv")}
    refused = client.post(url, headers=headers, files=files)
    assert refused.status_code == 422, refused.text
    assert refused.json()["errors"][0]["field"] == "rates"
    bad = client.post(url, headers=headers, files=files, data={"format": "visa"})
    assert bad.status_code == 422 and bad.json()["errors"][0]["field"] == "format"
    made = client.post(url, headers=headers, files=files, data={"rates": "EUR=1.1"})
    assert made.status_code == 201, made.text
    body = made.json()
    assert (body["matched"], body["malformed"], body["amount_usd"]) == (6, 2, pytest.approx(119.8))
    assert body["unmatched_usd"] == pytest.approx(532.09)
    assert {s["service_id"]: s["amount_usd"] for s in body["services"]} == {
        "chatgpt": 40.0, "claude-ai": pytest.approx(19.8), "cursor": 30.0, "midjourney": 30.0,
    }  # fmt: skip
    found = client.get("/api/v1/discovery/findings", headers=headers,
                       params={"kind": "expense", "service": "cursor"}).json()["items"]  # fmt: skip
    assert [(f["user"], f["requests"], f["amount_usd"]) for f in found] == [
        ("carol@acme.example", 1, 30.0)
    ]
    again = client.post(url, headers=headers, files=files, data={"rates": "EUR=1.1"})
    assert again.status_code == 409
    listed = client.get("/api/v1/spend/imports", headers=headers).json()["items"]
    assert [(i["kind"], i["records_stored"]) for i in listed] == [("expense", 6)]
