"""Bulk import: every bad row reported, all-or-nothing vs skip, upsert by name, and each
changed record audited with its before and after, then the import as a whole."""

from __future__ import annotations

from aitower.core.audit.service import AuditFilter, list_events
from aitower.core.db.engine import Database
from aitower.inventory import service
from aitower.inventory.importing import ImportMode, import_systems, import_vendors
from aitower.inventory.queries import SystemFilter, export_systems
from aitower.inventory.transfer import Format, render_systems
from support import CTX, seed_units
from support_inventory import add_vendor, audit_count, scoped

HEADER = "name,kind,unit,stage,models,vendors,data_sources,environments,services,tags\n"
GOOD = "Bot,llm_app,finance,monitoring,openai/gpt-4o@1,OpenAI,crm:confidential:personal,prod=https://x.example.com,bot,chat\n"
BAD = "Broken,robot,nowhere,,bad-model,,,,,\n"


def run(db: Database, text: str, **kw: object) -> object:
    with db.writing() as session:
        return import_systems(session, CTX, text, Format.csv, **kw)  # type: ignore[arg-type]


def test_all_or_nothing_reports_every_bad_row_and_writes_nothing(db: Database) -> None:
    seed_units(db)
    add_vendor(db, "OpenAI")
    before = audit_count(db)
    report = run(db, HEADER + GOOD + BAD + BAD.replace("Broken", "Broken2"))
    assert report.refused and not report.written  # type: ignore[attr-defined]
    assert report.refused_rows == [2, 3]  # type: ignore[attr-defined]
    fields = {(e.row, e.field) for e in report.errors}  # type: ignore[attr-defined]
    assert {(2, "kind"), (2, "models[0]"), (3, "kind")} <= fields
    assert audit_count(db) == before
    with db.reading() as session:
        assert service.system_ids_by_name(session, ["Bot"]) == {}


def test_skip_bad_rows_writes_the_good_ones_and_audits_each_row_and_the_import(
    db: Database,
) -> None:
    seed_units(db)
    add_vendor(db, "OpenAI")
    before = audit_count(db)
    report = run(
        db, HEADER + GOOD + BAD + "Unit row,llm_app,nowhere,,,,,,,\n", mode=ImportMode.skip_bad_rows
    )
    assert report.written and report.created == ["Bot"]  # type: ignore[attr-defined]
    assert (3, "unit") in {(e.row, e.field) for e in report.errors}  # type: ignore[attr-defined]
    assert audit_count(db) == before + 2  # the created system, then the import
    with db.reading() as session:
        event = list_events(session, AuditFilter(action="systems.imported"), limit=1, offset=0)[0][
            0
        ]
        detail = service.get_system(
            session, CTX.principal, service.system_ids_by_name(session, ["Bot"])["Bot"]
        )
    assert event.after is not None and event.after["created"] == ["Bot"]
    assert detail.stage.value == "monitoring" and detail.services == ("bot",)
    assert detail.vendors == ("OpenAI",) and detail.personal_data


def test_reimport_updates_or_leaves_unchanged_and_dry_run_writes_nothing(db: Database) -> None:
    seed_units(db)
    add_vendor(db, "OpenAI")
    run(db, HEADER + GOOD)
    again = run(db, HEADER + GOOD + "New,agent,finance,,,,,,,\n")
    assert (again.created, again.updated, again.unchanged) == (["New"], [], ["Bot"])  # type: ignore[attr-defined]
    changed = run(db, HEADER + GOOD.replace("chat", "chat;support"))
    assert changed.updated == ["Bot"]  # type: ignore[attr-defined]
    before = audit_count(db)
    dry = run(db, HEADER + "Dry,agent,finance,,,,,,,\n", dry_run=True)
    assert dry.created == ["Dry"] and not dry.written  # type: ignore[attr-defined]
    assert audit_count(db) == before
    moved = run(db, HEADER + GOOD.replace("monitoring", "planning"))
    assert [(e.row, e.field) for e in moved.errors] == [(1, "stage")]  # type: ignore[attr-defined]


def test_a_system_s_history_shows_what_an_import_changed(db: Database) -> None:
    """#14, finding 7: the import's one event named the systems but held no values, so a
    system moved to another unit by an import showed nothing in its history."""
    units = seed_units(db)
    add_vendor(db, "OpenAI")
    run(db, HEADER + GOOD)
    with db.reading() as session:
        bot = service.system_ids_by_name(session, ["Bot"])["Bot"]
    run(db, HEADER + GOOD.replace(",finance,", ",marketing,").replace("chat", "chat;support"))
    with db.reading() as session:
        history, _ = list_events(
            session, AuditFilter(object_type="ai_system", object_id=str(bot)), limit=10, offset=0
        )
    moved, created = history
    assert (moved.action, created.action) == ("system.update", "system.create")
    assert moved.before is not None and moved.after is not None
    assert moved.before["unit_id"] == str(units.unit_id)
    assert moved.after["unit_id"] == str(units.other_unit_id)
    assert moved.changed_fields == ["tags", "unit", "unit_id"]
    assert moved.after["tags"] == ["chat", "support"] and moved.before["tags"] == ["chat"]
    assert created.after is not None and created.after["vendors"] == ["OpenAI"]


def test_a_vendor_import_records_each_vendor_before_and_after(db: Database) -> None:
    seed_units(db)
    add_vendor(db, "OpenAI", dpa_signed=False)
    text = "name,vendor_type,dpa_signed\nOpenAI,model_provider,true\nMistral,model_provider,false\n"
    with db.writing() as session:
        report = import_vendors(session, CTX, text, Format.csv)
    assert (report.created, report.updated) == (["Mistral"], ["OpenAI"])
    with db.reading() as session:
        events, _ = list_events(session, AuditFilter(object_type="vendor"), limit=3, offset=0)
    summary, *rows = events
    assert summary.action == "vendors.imported"
    by_action = {e.action: e for e in rows}
    update = by_action["vendor.update"]
    assert update.before is not None and update.after is not None
    assert (update.before["dpa_signed"], update.after["dpa_signed"]) == (False, True)
    assert by_action["vendor.create"].after["name"] == "Mistral"  # type: ignore[index]


def test_duplicate_names_services_and_scope_in_one_file(db: Database) -> None:
    units = seed_units(db)
    text = (
        HEADER
        + "A,llm_app,finance,,,,,,svc,\n"
        + "A,llm_app,finance,,,,,,,\n"
        + "B,llm_app,finance,,,,,,svc,\n"
        + "C,llm_app,marketing,,,,,,,\n"
    )
    with db.writing() as session:
        report = import_systems(session, scoped(units.unit_id), text, Format.csv)
    assert [(e.row, e.field) for e in report.errors] == [
        (2, "name"),
        (3, "services[0]"),
        (4, "unit"),
    ]


def test_export_round_trips_through_import(db: Database) -> None:
    seed_units(db)
    add_vendor(db, "OpenAI")
    run(db, HEADER + GOOD + "Other,ml_model,marketing,,internal/gbm@3:internal,,,,,\n")
    for fmt in Format:
        with db.reading() as session:
            text = render_systems(export_systems(session, CTX.principal, SystemFilter()), fmt)
        with db.writing() as session:
            report = import_systems(session, CTX, text, fmt)
        assert report.errors == [] and sorted(report.unchanged) == ["Bot", "Other"]


def test_vendor_import(db: Database) -> None:
    text = (
        "name,vendor_type,dpa_signed,annual_value,contract_owner\n"
        "Acme,saas_tool,yes,100,\nBad,nope,maybe,-1,\nGhosted,saas_tool,,,ghost\n"
    )
    with db.writing() as session:
        report = import_vendors(session, CTX, text, Format.csv, mode=ImportMode.skip_bad_rows)
    assert report.created == ["Acme"]
    assert {(e.row, e.field) for e in report.errors} == {
        (2, "vendor_type"),
        (2, "dpa_signed"),
        (2, "annual_value"),
        (3, "contract_owner"),
    }


def test_ten_thousand_systems_import_and_a_bad_file_of_them_changes_nothing(db: Database) -> None:
    """The issue's scale: 10,000 rows go in; 10,000 more with one bad row leave no trace.
    (How fast is measured by bench/inventory_governance.py, not asserted here.)"""
    seed_units(db)

    def rows(prefix: str) -> str:
        return "".join(
            f"{prefix} {i},llm_app,{'finance' if i % 2 else 'marketing'},,openai/gpt@1,,"
            f"crm:internal,,{prefix.lower()}-svc-{i},t{i % 7}\n"
            for i in range(10_000)
        )

    report = run(db, HEADER + rows("System"))
    assert report.written and len(report.created) == 10_000  # type: ignore[attr-defined]
    with db.reading() as session:
        facts = service.governance_facts(
            session, None, None, today=__import__("datetime").date(2026, 6, 1)
        )
    assert len(facts) == 10_000
    before = audit_count(db)
    bad = rows("Other") + "Broken,llm_app,no-such-unit,,,,,,,\n"
    refused = run(db, HEADER + bad)
    assert not refused.written
    assert [(e.field, e.row) for e in refused.errors] == [("unit", 10_001)]  # type: ignore[attr-defined]
    with db.reading() as session:
        assert (
            len(
                service.governance_facts(
                    session, None, None, today=__import__("datetime").date(2026, 6, 1)
                )
            )
            == 10_000
        )
    assert audit_count(db) == before
