"""The import report a person fixes a spreadsheet from (#18, item 10): every problem of every
row in one report (references included, not revealed one try at a time), each naming the row's
system, the column and the value as written; and the downloadable templates import as they are.
"""

from __future__ import annotations

from aitower.core.access.roles import Role
from aitower.core.db.engine import Database
from aitower.inventory.import_template import systems_csv, systems_yaml, vendors_csv
from aitower.inventory.importing import ImportReport, import_systems, import_vendors
from aitower.inventory.transfer import Format
from support import CTX, make_user, seed_units
from support_inventory import add_system, add_vendor

HEADER = "name,kind,unit,accountable_owner,stage,models,vendors,services\n"


def run(db: Database, text: str, fmt: Format = Format.csv, **kw: bool) -> ImportReport:
    with db.writing() as session:
        return import_systems(session, CTX, text, fmt, **kw)  # type: ignore[arg-type]


def problems(report: ImportReport) -> set[tuple[int, str, str, str]]:
    return {(e.row, e.name, e.field, e.value) for e in report.errors}


def test_a_row_with_a_bad_word_also_reports_its_unknown_unit_owner_and_vendor(
    db: Database,
) -> None:
    """The field check used to stop the row before its references were looked up, so the
    unknown unit, owner and vendor surfaced one import after another."""
    seed_units(db)
    report = run(db, HEADER + "Claims bot,chatbot,Nowhere,ghost,,,NoSuchAI,\n")
    assert problems(report) == {
        (1, "Claims bot", "kind", "chatbot"),
        (1, "Claims bot", "unit", "Nowhere"),
        (1, "Claims bot", "accountable_owner", "ghost"),
        (1, "Claims bot", "vendors[0]", "NoSuchAI"),
    }
    assert report.refused_rows == [1] and not report.written


def test_a_cell_syntax_error_does_not_hide_the_rows_other_problems(db: Database) -> None:
    seed_units(db)
    report = run(db, HEADER + "Bot,llm_app,Nowhere,,,gpt-4o,,\n")
    assert problems(report) == {
        (1, "Bot", "models[0]", "gpt-4o"),
        (1, "Bot", "unit", "Nowhere"),
    }


def test_a_required_empty_unit_is_reported_once_not_also_as_unknown(db: Database) -> None:
    seed_units(db)
    report = run(db, HEADER + "Bot,robot,,,,,,\n")
    assert sorted((e.field, e.reason) for e in report.errors) == [
        ("kind", "must be one of: llm_app, ml_model, agent, third_party_tool, copilot"),
        ("unit", "is required"),
    ]


def test_an_existing_systems_stage_and_unknown_vendor_are_reported_together(
    db: Database,
) -> None:
    seed_units(db)
    add_system(db, name="Bot", services=["bot"])
    report = run(db, HEADER + "Bot,llm_app,finance,,monitoring,,Ghost Inc,bot\n")
    assert {(e.field, e.value) for e in report.errors} == {
        ("stage", "monitoring"),
        ("vendors[0]", "Ghost Inc"),
    }  # its own service is not "claimed by another system"


def test_the_value_of_a_list_entry_and_of_a_yaml_field_are_echoed(db: Database) -> None:
    seed_units(db)
    add_vendor(db, "OpenAI")
    report = run(db, HEADER + "Bot,llm_app,finance,,,,OpenAI;Ghost Inc,\n")
    assert problems(report) == {(1, "Bot", "vendors[1]", "Ghost Inc")}
    text = "systems:\n  - {name: Y, kind: llm_app, unit: finance, links: {docs: 'ftp://x'}}\n"
    report = run(db, text, Format.yaml)
    assert problems(report) == {(1, "Y", "links.docs", "ftp://x")}


def test_the_systems_csv_and_yaml_templates_import_as_they_are(db: Database) -> None:
    seed_units(db)
    owner = make_user(db, Role.engineer, username="erin")
    for text, fmt in (
        (systems_csv(["Finance", "Marketing"], [owner]), Format.csv),
        (systems_yaml(["Finance", "Marketing"], [owner]), Format.yaml),
    ):
        report = run(db, text, fmt, dry_run=True)
        assert report.errors == [] and report.created == ["Claims triage assistant"], fmt
        assert report.rows == 1  # the "# allowed values" lines are notes, not rows


def test_the_systems_template_lists_the_allowed_values_and_the_organisations_names() -> None:
    text = systems_csv(["Finance", "Marketing"], ["erin", "omar"])
    header = text.splitlines()[0]
    assert header.startswith("name,purpose,kind,unit,accountable_owner,technical_owner,stage")
    assert "# kind: one of llm_app, ml_model, agent, third_party_tool, copilot" in text
    assert "# unit: one of Finance, Marketing" in text
    assert "one of erin, omar" in text
    assert "# stage: empty (planning) or one of planning, development, deployment" in text


def test_the_vendors_template_imports_as_it_is(db: Database) -> None:
    seed_units(db)
    owner = make_user(db, Role.engineer, username="vera")
    with db.writing() as session:
        report = import_vendors(session, CTX, vendors_csv([owner]), Format.csv, dry_run=True)
    assert report.errors == [] and report.created == ["Example AI Ltd"]
