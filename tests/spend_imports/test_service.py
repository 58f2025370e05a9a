"""Imports into the ledger on both databases: attribution, all or nothing, duplicates, undo,
mappings and their re-attribution, unit scope."""

from __future__ import annotations

import io
from datetime import date

import pytest
from sqlalchemy import select

from aitower.core.audit.tables import AuditEventRow
from aitower.core.db.engine import Database
from aitower.core.errors import Conflict, InvalidInput
from aitower.spend import import_service, import_views, mappings_service
from aitower.spend.costs import daily_costs
from aitower.spend.sources import ImportKind, template_csv
from spend_imports.bills import CUR_ROWS, cur, cur2, parquet_of
from spend_imports.support_spend import counts, make_org, records, store
from support import CTX
from support_inventory import scoped


def _map(db: Database, kind: str, key: str, value: str, system: str) -> int:
    with db.writing() as session:
        return mappings_service.create_mapping(session, CTX, kind, key, value, system)[1]


def test_a_bill_is_stored_attributed_and_read_by_the_cost_reader(db: Database) -> None:
    org = make_org(db)
    _map(db, "tag", "app", "helpdesk", "Campaign writer")
    _map(db, "account", "", "333", "Helpdesk bot")
    row = store(db, ImportKind.aws_cur, cur("Helpdesk bot"))
    # 3.75 tag → Campaign writer; 0.75 aitower-system → Helpdesk bot; 10 account 333 → Helpdesk
    # bot; 0.125 (app=sandbox) unattributed.
    assert (row.total_amount, row.unmapped_amount, row.records_stored) == (14.625, 0.125, 4)
    assert (row.period_start, row.period_end, row.rows_read) == (
        date(2026, 1, 1), date(2026, 1, 3), 6
    )  # fmt: skip
    found = {(r.system_id, r.matched_by): (r.amount, r.unit_id, r.row_number) for r in records(db)}
    assert found == {
        (org.campaigns, "tag app=helpdesk"): (3.75, org.marketing, 2),
        (org.helpdesk, "tag aitower-system"): (0.75, org.finance, 5),
        (org.helpdesk, "account 333"): (10.0, org.finance, 7),
        (None, ""): (0.125, None, 4),
    }
    with db.reading() as session:
        lines = daily_costs(session, date(2026, 1, 1), date(2026, 1, 3))
        event = session.execute(
            select(AuditEventRow).where(AuditEventRow.action == "spend_import.create")
        ).scalar_one()
    assert sum(line.amount for line in lines) == pytest.approx(14.625)
    assert {line.vendor for line in lines} == {"AWS"}
    assert event.after is not None and event.after["total_amount"] == 14.625


def test_a_file_with_errors_stores_nothing_and_names_each_row(db: Database) -> None:
    make_org(db)
    rows = [list(r) for r in CUR_ROWS]
    rows[2][2] = "1,5"
    before = counts(db)
    with pytest.raises(import_service.ImportRefused) as refused:
        store(db, ImportKind.aws_cur, cur(rows=rows))
    assert [(e.row, e.column, e.value) for e in refused.value.errors] == [
        (4, "lineItem/UnblendedCost", "1,5")
    ]
    assert refused.value.issues[0].field == "rows[4].lineItem/UnblendedCost"
    # a template naming an unknown system: found only against the inventory, still nothing
    bad = template_csv(ImportKind.invoice).replace("Coding copilot", "No such system")
    with pytest.raises(import_service.ImportRefused) as unknown:
        store(db, ImportKind.invoice, bad.encode())
    assert [(e.row, e.column) for e in unknown.value.errors] == [(2, "system")]
    assert counts(db) == before


def test_the_same_file_twice_is_refused_and_an_import_can_be_undone(db: Database) -> None:
    make_org(db)
    first = store(db, ImportKind.aws_cur2, cur2(), EUR=1.1)
    assert first.total_amount == pytest.approx(5 * 1.1 + 4)
    with pytest.raises(Conflict):
        store(db, ImportKind.aws_cur2, cur2(), EUR=1.1)
    # the same bill as Parquet is another file: the same sums
    again = store(db, ImportKind.aws_cur2, parquet_of(cur2()), "bill.parquet", EUR=1.1)
    assert again.total_amount == pytest.approx(first.total_amount)
    imports, stored, events = counts(db)
    with db.writing() as session:
        import_service.undo_import(session, CTX, first.id)
    assert counts(db) == (imports - 1, stored - first.records_stored, events + 1)
    assert store(db, ImportKind.aws_cur2, cur2(), EUR=1.1).records_stored == 2


def test_a_new_rule_reattributes_what_no_rule_matched(db: Database) -> None:
    org = make_org(db)
    store(db, ImportKind.aws_cur, cur("Helpdesk bot"))
    with db.reading() as session:
        accounts, tags = import_views.unmatched(session)
    assert accounts == [("333", 10.0), ("111", 3.875)]
    assert tags[0] == ("app=helpdesk", 3.75)
    assert _map(db, "tag", "app", "sandbox", "Campaign writer") == 1
    assert _map(db, "account", "", "111", "Helpdesk bot") == 1  # app=helpdesk's line
    by_system = {r.matched_by: r.system_id for r in records(db)}
    assert by_system["tag app=sandbox"] == org.campaigns
    assert by_system["account 111"] == org.helpdesk
    with db.reading() as session:
        assert import_views.unmatched(session)[0] == [("333", 10.0)]
    with pytest.raises(Conflict), db.writing() as session:
        mappings_service.create_mapping(session, CTX, "account", "", "111", "Helpdesk bot")


def test_unit_limited_readers_and_importers(db: Database) -> None:
    org = make_org(db)
    store(db, ImportKind.aws_cur, cur("Helpdesk bot"))  # 0.75 Helpdesk bot (Finance)
    finance = scoped(org.finance)
    with db.reading() as session:
        (view,), _ = import_views.list_imports(session, finance.principal)
        detail = import_views.get_import(session, finance.principal, view.id)
    assert (view.total, view.unmapped) == (0.75, None)
    assert [s[1] for s in detail.systems] == ["Helpdesk bot"]
    assert detail.unmatched_accounts == []
    with pytest.raises(InvalidInput):
        store(db, ImportKind.aws_cur2, cur2(), ctx=finance, EUR=1.0)
    invoice = b"vendor,period_start,period_end,amount,system\nAcme,2026-01-01,2026-01-31,31,"
    with pytest.raises(import_service.ImportRefused) as outside:
        store(db, ImportKind.invoice, invoice + b"Campaign writer\n", ctx=finance)
    assert outside.value.errors[0].reason == "is outside your units"
    mine = store(db, ImportKind.invoice, invoice + b"Helpdesk bot\n", ctx=finance)
    assert mine.total_amount == 31.0
    with db.reading() as session:
        lines = daily_costs(session, date(2026, 1, 1), date(2026, 2, 1), [org.helpdesk])
    assert sum(line.amount for line in lines if line.source == "invoice") == pytest.approx(31.0)
    with db.writing() as session:
        with pytest.raises(InvalidInput):
            import_service.undo_import(session, finance, view.id)
        import_service.undo_import(session, finance, mine.id)


def test_licence_seats_and_people_time_land_on_the_system(db: Database) -> None:
    org = make_org(db)
    licence = template_csv(ImportKind.licence).replace("Coding copilot", "Helpdesk bot")
    store(db, ImportKind.licence, licence.encode())
    (seat,) = records(db)
    assert (seat.system_id, seat.unit_id, seat.seats, seat.seats_in_use, seat.amount) == (
        org.helpdesk, org.finance, 300, 40, 5700.0
    )  # fmt: skip
    people = (
        b"role,period_start,period_end,hours,hourly_rate,unit\n"
        b"Analyst,2026-01-01,2026-01-10,8,50,marketing\n"
    )
    store(db, ImportKind.people, people)
    person = next(r for r in records(db) if r.source == "people")
    assert (person.system_id, person.unit_id, person.amount, person.day_end) == (
        None, org.marketing, 400.0, date(2026, 1, 11)
    )  # fmt: skip


def test_reading_holds_no_transaction(db: Database) -> None:
    """The file is summed before the write transaction opens (a 1 GB bill holds no lock)."""
    read = import_service.read_import(ImportKind.aws_cur, io.BytesIO(cur()), "x.csv")
    assert read.bill and read.sha256 and read.bytes_read == len(cur())
