"""``aitower risks`` against real databases."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from aitower.core.db.engine import Database
from aitower.risk import service
from aitower.risk.eu_ai_act import QUESTIONS
from cli_support import Cli, base_env, one_error_line
from support import CTX, seed_units
from support_inventory import make_system


@pytest.fixture
def cli(database_url: str, tmp_path: Path) -> Cli:
    return Cli({**base_env(tmp_path), "AITOWER_DATABASE_URL": database_url})


def test_questionnaire_yaml_template_classifies_as_minimal(
    cli: Cli, db: Database, tmp_path: Path
) -> None:
    units = seed_units(db)
    make_system(db, units.unit_id, "Credit Scoring Model")
    template = cli("risks", "questionnaire", "--format", "yaml")
    assert template.exit_code == 0, template.output
    parsed = yaml.safe_load(template.stdout)
    assert parsed == {**dict.fromkeys(QUESTIONS, False), "role_deployer": True}
    parsed.update(creditworthiness=True, profiling=True)
    answers = tmp_path / "answers.yaml"
    answers.write_text(yaml.safe_dump(parsed))
    result = cli("risks", "classify", "Credit Scoring Model", str(answers))
    assert result.exit_code == 0, result.output
    assert "Tier: high" in result.stdout and "Annex III point 5(b)" in result.stdout
    assert "Roles: deployer" in result.stdout
    assert "(Art. 26(2)): 2026-08-02 / 2027-12-02 (amended date unverified)" in result.stdout
    with db.reading() as session:
        done = service.questionnaire_done(session, None)
    assert len(done) == 1


def test_classify_refuses_unknown_ids(cli: Cli, db: Database, tmp_path: Path) -> None:
    units = seed_units(db)
    make_system(db, units.unit_id, "Bot")
    answers = tmp_path / "answers.yaml"
    answers.write_text(yaml.safe_dump({**dict.fromkeys(QUESTIONS, False), "bogus": True}))
    assert "answers.bogus" in one_error_line(cli("risks", "classify", "Bot", str(answers)))


def test_add_and_list(cli: Cli, db: Database) -> None:
    units = seed_units(db)
    make_system(db, units.unit_id, "Copilot")
    added = cli(
        "risks",
        "add",
        "Copilot",
        "--title",
        "Leaks secrets",
        "--category",
        "data_leakage",
        "-l",
        "4",
        "-i",
        "5",
        "--residual-likelihood",
        "2",
        "--next-review",
        "2020-01-01",
    )
    assert added.exit_code == 0, added.output
    assert "inherent 20 (critical), residual 10 (high)" in added.stdout
    listed = cli("risks", "list", "--overdue")
    assert listed.exit_code == 0, listed.output
    assert "Leaks secrets" in listed.stdout and "overdue" in listed.stdout
    assert "Leaks secrets" not in cli("risks", "list", "--status", "closed").stdout
    refused = cli(
        "risks", "add", "Copilot", "--title", "x", "--category", "bias", "-l", "9", "-i", "1"
    )
    assert "likelihood" in one_error_line(refused)
    assert "no AI system" in one_error_line(cli("risks", "list", "--system", "Nope"))
    with db.reading() as session:
        assert service.list_risks(session, CTX.principal)[1] == 1
