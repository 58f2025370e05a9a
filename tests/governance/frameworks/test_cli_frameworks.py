"""``aitower frameworks``: list, show, import (valid, invalid, duplicate), crosswalk."""

from __future__ import annotations

from pathlib import Path

import pytest

from aitower.core.db.engine import Database
from cli_support import Cli, base_env, one_error_line
from support import seed_units

CUSTOM = """id: acme-ai-standard
name: ACME responsible AI standard
version: "2026.1"
source:
  document: ACME internal standard AI-01, issue 3
items:
  - id: GOV
    kind: section
    title: Governance
  - id: GOV-1
    parent: GOV
    kind: control
    title: An accountable owner is named
"""


@pytest.fixture
def cli(database_url: str, tmp_path: Path) -> Cli:
    return Cli({**base_env(tmp_path), "AITOWER_DATABASE_URL": database_url})


def test_import_list_show(cli: Cli, db: Database, tmp_path: Path) -> None:
    seed_units(db)
    listed = cli("frameworks", "list")
    assert listed.exit_code == 0, listed.output
    assert "nist-ai-rmf-1.0" in listed.stdout and "72 subcategory" in listed.stdout
    file = tmp_path / "acme.yaml"
    file.write_text(CUSTOM, encoding="utf-8")
    done = cli("frameworks", "import", str(file))
    assert done.exit_code == 0, done.output
    assert "Imported acme-ai-standard" in done.stdout
    assert "acme-ai-standard" in cli("frameworks", "list").stdout
    shown = cli("frameworks", "show", "acme-ai-standard")
    assert shown.exit_code == 0 and "GOV-1 An accountable owner is named" in shown.stdout
    again = one_error_line(cli("frameworks", "import", str(file)))
    assert "already imported" in again


def test_an_invalid_file_names_the_field(cli: Cli, db: Database, tmp_path: Path) -> None:
    seed_units(db)
    file = tmp_path / "bad.yaml"
    file.write_text(CUSTOM.replace("parent: GOV", "parent: NOPE"), encoding="utf-8")
    assert "items[1].parent" in one_error_line(cli("frameworks", "import", str(file)))
    assert "is not a file" in one_error_line(cli("frameworks", "import", str(tmp_path / "x")))


def test_crosswalk_of_an_article(cli: Cli, db: Database) -> None:
    seed_units(db)
    walked = cli("frameworks", "crosswalk", "Art. 12")
    assert walked.exit_code == 0, walked.output
    assert "iso-iec-42001-2023:A.6.2.8" in walked.stdout and "aitower" in walked.stdout
