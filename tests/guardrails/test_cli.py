"""``aitower guardrails`` against real databases."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest

from aitower.core.db.engine import Database
from cli_support import Cli, base_env, one_error_line
from guardrails.helpers import add_finding
from support import seed_units
from support_inventory import make_system

IBAN = "DE44 5001 0517 5407 3249 31"


@pytest.fixture
def cli(database_url: str, tmp_path: Path) -> Cli:
    return Cli({**base_env(tmp_path), "AITOWER_DATABASE_URL": database_url})


def test_findings_by_type_with_filters(cli: Cli, db: Database) -> None:
    units = seed_units(db)
    system_id = make_system(db, units.unit_id, "Knowledge assistant")
    add_finding(db, system_id, "iban", datetime(2026, 3, 10, tzinfo=UTC), occurrences=4)
    add_finding(db, system_id, "secret.github_token", datetime(2026, 3, 12, tzinfo=UTC))
    every = cli("guardrails", "findings")
    assert every.exit_code == 0, every.output
    assert "iban" in every.stdout and "secret.github_token" in every.stdout
    assert "2026-03-10 00:00" in every.stdout
    named = cli("guardrails", "findings", "--system", "Knowledge assistant", "--type", "iban")
    assert "iban" in named.stdout and "github" not in named.stdout
    later = cli("guardrails", "findings", "--since", "2026-03-11")
    assert "iban" not in later.stdout and "github" in later.stdout
    assert "since" in one_error_line(cli("guardrails", "findings", "--since", "soon"))


def test_scan_a_file_and_standard_input_without_printing_values(cli: Cli, tmp_path: Path) -> None:
    text = tmp_path / "answer.txt"
    text.write_text(f"Hello,\nwire it to {IBAN} please.\n", encoding="utf-8")
    result = cli("guardrails", "scan", str(text))
    assert result.exit_code == 0, result.output
    assert "iban" in result.stdout and "1 findings" in result.stdout
    assert IBAN not in result.stdout and "5407" not in result.stdout
    piped = cli("guardrails", "scan", "-", input="nothing to see here")
    assert piped.exit_code == 0 and "0 findings" in piped.stdout
    assert "type" in one_error_line(cli("guardrails", "scan", str(text), "--type", "nope"))
    assert "no file" in one_error_line(cli("guardrails", "scan", str(tmp_path / "missing")))
