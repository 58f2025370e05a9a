"""``aitower documents`` against real databases: generate writes the kept version's bytes."""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest

from aitower.core.access.principal import system_principal
from aitower.core.db.engine import Database
from aitower.documents import service
from cli_support import Cli, base_env, one_error_line
from support import seed_units
from support_inventory import make_system


@pytest.fixture
def cli(database_url: str, tmp_path: Path) -> Cli:
    return Cli({**base_env(tmp_path), "AITOWER_DATABASE_URL": database_url})


def test_generate_writes_the_pdf_that_is_kept(cli: Cli, db: Database, tmp_path: Path) -> None:
    units = seed_units(db)
    system = make_system(db, units.unit_id, "Credit Scoring Model", risk_tier="high")
    out = tmp_path / "card.pdf"
    args = ("documents", "generate", "Credit Scoring Model", "--kind", "system-card")
    made = cli(*args, "--format", "pdf", "-o", str(out))
    assert made.exit_code == 0, made.output
    written = out.read_bytes()
    assert written.startswith(b"%PDF-")
    digest = hashlib.sha256(written).hexdigest()
    assert f"System card version 1: sha256 {digest} (pdf)" in " ".join(made.stdout.split())
    with db.reading() as session:
        kept = service.version_content(
            session, system_principal("test"), system, "system-card", 1, "pdf"
        )
    assert kept == written
    listed = cli("documents", "list", "Credit Scoring Model")
    assert listed.exit_code == 0 and "system-card" in listed.stdout


def test_generate_refuses_an_unknown_kind_and_system(cli: Cli, db: Database) -> None:
    seed_units(db)
    wrong = cli("documents", "generate", "Nothing", "--kind", "brochure")
    assert wrong.exit_code != 0 and "kind" in one_error_line(wrong)
    absent = cli("documents", "generate", "Nothing")
    assert absent.exit_code != 0 and "no AI system 'Nothing'" in one_error_line(absent)
