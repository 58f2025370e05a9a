"""The inventory pages' part of "day one without friction" (#18, item 10), without a browser:
the in-production list, the template downloads, the owner suggestions, the register form's
prefill, and the import report's wording when nothing was written."""

from __future__ import annotations

import csv
import io
import re
from datetime import date

from fastapi.testclient import TestClient

from aitower.core.access.principal import cli_principal
from aitower.core.access.roles import Role
from aitower.core.db.engine import Database
from aitower.core.web.overview_panels import OverviewTile
from aitower.inventory.overview import inventory_panel
from support import login, make_user, seed_units
from support_inventory import add_system


def _listed(page: str) -> set[str]:
    return set(re.findall(r'<tr data-system="([^"]+)"', page))


def test_the_in_production_list_holds_what_the_overview_tile_counts(
    client: TestClient, db: Database
) -> None:
    seed_units(db)
    for name, stage in [
        ("planned", "planning"),
        ("deploying", "deployment"),
        ("watched", "monitoring"),
        ("tuned", "optimization"),
        ("leaving", "retirement"),
    ]:
        add_system(db, name=name, stage=stage)
    with db.reading() as session:
        panel = inventory_panel(session, cli_principal("test"), date(2026, 12, 8))
    assert panel is not None
    tile: OverviewTile = next(t for t in panel.tiles if "in production" in t.label)
    assert tile.value == "3" and tile.href == "/systems?stage=in_production"
    login(client, make_user(db, Role.ops_manager, username="olivia"))
    page = client.get(tile.href)
    assert page.status_code == 200
    assert _listed(page.text) == {"deploying", "watched", "tuned"}
    assert "3 in all" in page.text
    assert client.get("/systems?stage=live").status_code == 422  # still refused by name


def test_the_csv_template_downloads_with_the_units_and_users(
    client: TestClient, db: Database
) -> None:
    seed_units(db)
    login(client, make_user(db, Role.engineer, username="ethan"))
    answer = client.get("/systems/import/template.csv")
    assert answer.status_code == 200 and answer.headers["content-type"].startswith("text/csv")
    assert "attachment" in answer.headers["content-disposition"]
    rows = list(csv.reader(io.StringIO(answer.text)))
    assert rows[0][:4] == ["name", "purpose", "kind", "unit"]
    assert rows[1][0] == "Claims triage assistant" and rows[1][3] == "Finance"
    notes = [r[0] for r in rows[2:]]
    assert "# unit: one of Finance" in notes  # an engineer of Finance registers only there
    assert any(n.startswith("# accountable_owner") and "ethan" in n for n in notes)
    assert client.get("/systems/import/template.yaml").status_code == 200
    assert client.get("/vendors/import/template.csv").status_code == 200


def test_owner_fields_suggest_users_and_the_form_takes_prefilled_models(
    client: TestClient, db: Database
) -> None:
    seed_units(db)
    make_user(db, Role.analyst, username="amara")
    login(client, make_user(db, Role.engineer, username="ethan"))
    form = client.get("/systems/new?service=shadow&model=openai/gpt-4o&model=x/y&unit=Finance")
    assert 'list="owner-choices"' in form.text
    assert '<option value="amara">' in form.text and '<option value="ethan">' in form.text
    models = re.search(r'<textarea name="models"[^>]*>([^<]*)</textarea>', form.text)
    assert models is not None and models.group(1) == "openai/gpt-4o\nx/y"
    assert '<option value="Finance" selected>' in form.text
    vendor_form = client.get("/vendors/new")
    assert 'name="contract_owner" list="owner-choices"' in vendor_form.text


def test_a_refused_import_says_nothing_was_created(client: TestClient, db: Database) -> None:
    seed_units(db)
    token = login(client, make_user(db, Role.engineer, username="ethan"))
    text = "name,kind,unit\nGood,llm_app,finance\nBad,robot,finance\n"
    answer = client.post(
        "/systems/import", data={"csrf_token": token, "text": text, "mode": "all_or_nothing"}
    )
    assert answer.status_code == 422
    assert "Created:" not in answer.text and "nothing was created" in answer.text
    assert "“robot”" in answer.text
    dry = client.post(
        "/systems/import",
        data={"csrf_token": token, "text": text, "dry_run": "true", "mode": "skip_bad_rows"},
    )
    assert "Would be created:</strong> Good" in dry.text
    assert '<option value="skip_bad_rows" selected>' in dry.text  # the choices are kept
