"""``aitower systems`` and ``aitower vendors`` against a real database."""

from __future__ import annotations

from pathlib import Path

from aitower.core.db.engine import Database
from cli_support import Cli, base_env
from support import seed_units

VENDORS = (
    "name,vendor_type,trains_on_customer_data,data_residency\nOpenAI,model_provider,false,US\n"
)
SYSTEMS = (
    "name,kind,unit,vendors,stage\nBot,llm_app,finance,OpenAI,monitoring\nBad,robot,finance,,\n"
)


def _cli(database_url: str, tmp_path: Path) -> Cli:
    return Cli({**base_env(tmp_path), "AITOWER_DATABASE_URL": database_url})


def test_import_list_show_export(database_url: str, db: Database, tmp_path: Path) -> None:
    seed_units(db)
    cli = _cli(database_url, tmp_path)
    vendors_file = tmp_path / "vendors.csv"
    vendors_file.write_text(VENDORS)
    assert cli("vendors", "import", str(vendors_file)).exit_code == 0
    systems_file = tmp_path / "systems.csv"
    systems_file.write_text(SYSTEMS)
    refused = cli("systems", "import", str(systems_file))
    assert refused.exit_code == 1
    assert "kind" in refused.stdout and "nothing was imported" in refused.stderr
    skipped = cli("systems", "import", str(systems_file), "--skip-bad-rows")
    assert skipped.exit_code == 0 and "1 created" in skipped.stdout
    listed = cli("systems", "list", "--stage", "monitoring")
    assert listed.exit_code == 0 and "Bot" in listed.stdout and "OpenAI" in listed.stdout
    shown = cli("systems", "show", "Bot")
    assert shown.exit_code == 0 and "monitoring" in shown.stdout
    assert cli("systems", "show", "Nope").exit_code == 1
    out = tmp_path / "export.yaml"
    assert cli("systems", "export", "--format", "yaml", "-o", str(out)).exit_code == 0
    again = cli("systems", "import", str(out), "--dry-run")
    assert again.exit_code == 0 and "1 unchanged" in again.stdout
    vendor = cli("vendors", "show", "openai")
    assert vendor.exit_code == 0 and "systems (1): Bot" in vendor.stdout
    assert "OpenAI" in cli("vendors", "list").stdout
    assert cli("vendors", "export").stdout.startswith("name,vendor_type")
