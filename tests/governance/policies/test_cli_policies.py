"""``aitower policies``: apply a folder or the pack, list, show, validate, evaluate."""

from __future__ import annotations

from pathlib import Path

import pytest

from aitower.core.db.engine import Database
from aitower.governance.policy import default_pack
from cli_support import Cli, base_env, one_error_line
from support import seed_units
from support_inventory import make_system

SOURCE = """key: high-docs
name: High-risk systems need an oversight plan
applies_to: {tiers: [high]}
gates: [deployment]
requirements:
  - document: human_oversight_plan
"""


@pytest.fixture
def cli(database_url: str, tmp_path: Path) -> Cli:
    return Cli({**base_env(tmp_path), "AITOWER_DATABASE_URL": database_url})


def test_apply_pack_then_list_and_show(cli: Cli) -> None:
    dry = cli("policies", "apply", "--pack", "--dry-run")
    assert dry.exit_code == 0, dry.output
    assert "Plan (dry run)" in dry.stdout and "create" in dry.stdout
    assert "high-risk-oversight" not in cli("policies", "list").stdout
    applied = cli("policies", "apply", "--pack")
    assert applied.exit_code == 0, applied.output
    assert f"Applied: {len(default_pack())} created" in applied.stdout
    again = cli("policies", "apply", "--pack")
    assert f"0 created, 0 updated, {len(default_pack())} unchanged" in again.stdout
    assert "high-risk-oversight" in cli("policies", "list").stdout
    shown = cli("policies", "show", "high-risk-oversight")
    assert "document: human_oversight_plan" in shown.stdout and "Versions" in shown.stdout
    assert "no policy" in one_error_line(cli("policies", "show", "nope"))


def test_apply_folder_refuses_invalid_files(cli: Cli, tmp_path: Path) -> None:
    folder = tmp_path / "policies"
    folder.mkdir()
    (folder / "good.yaml").write_text(SOURCE)
    (folder / "bad.yaml").write_text(SOURCE.replace("human_oversight_plan", "memo"))
    result = cli("policies", "apply", str(folder))
    assert result.exit_code == 1
    assert "invalid" in result.stdout and "nothing was applied" in result.stderr
    assert "high-docs" not in cli("policies", "list").stdout
    (folder / "bad.yaml").unlink()
    assert cli("policies", "apply", str(folder)).exit_code == 0
    assert cli("policies", "apply", "--pack", "--prune", "--dry-run").exit_code == 0


def test_validate_file(cli: Cli, tmp_path: Path) -> None:
    good = tmp_path / "good.yaml"
    good.write_text(SOURCE)
    assert "valid policy high-docs" in cli("policies", "validate", str(good)).stdout
    bad = tmp_path / "bad.yaml"
    bad.write_text(SOURCE.replace("gates: [deployment]", "gates: [launch]"))
    line = one_error_line(cli("policies", "validate", str(bad)))
    assert "gates[0]" in line and "unknown gate 'launch'" in line


def test_evaluate_portfolio_and_one_system(cli: Cli, db: Database, tmp_path: Path) -> None:
    units = seed_units(db)
    make_system(db, units.unit_id, "Scorer", stage="deployment", risk_tier="high")
    make_system(db, units.unit_id, "Helper", stage="development", risk_tier="minimal")
    (tmp_path / "p.yaml").write_text(SOURCE)
    cli("policies", "apply", str(tmp_path))
    portfolio = cli("policies", "evaluate")
    assert portfolio.exit_code == 0, portfolio.output
    assert "1 blocked, 0 warned, 1 pass." in portfolio.stdout
    one = cli("policies", "evaluate", "--system", "Helper", "--gate", "deployment")
    assert "Helper gate deployment: pass" in one.stdout
    scorer = cli("policies", "evaluate", "--system", "Scorer")
    assert "compliance: block" in scorer.stdout and "human-oversight plan" in scorer.stdout
    assert "no AI system" in one_error_line(cli("policies", "evaluate", "--system", "Nope"))
    assert "unknown gate" in one_error_line(cli("policies", "evaluate", "--gate", "moon"))
