"""``aitower prices`` against real databases."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from sqlalchemy import func, select

from aitower.core.audit.tables import AuditEventRow
from aitower.core.db.engine import Database
from cli_support import Cli, base_env, one_error_line


@pytest.fixture
def cli(database_url: str, tmp_path: Path) -> Cli:
    return Cli({**base_env(tmp_path), "AITOWER_DATABASE_URL": database_url})


def _events(db: Database) -> int:
    with db.reading() as session:
        return int(session.execute(select(func.count()).select_from(AuditEventRow)).scalar_one())


def test_list_shows_the_price_data_of_a_provider(cli: Cli) -> None:
    shown = cli("prices", "list", "--provider", "Anthropic", "--search", "claude-3-5-sonnet")
    assert shown.exit_code == 0, shown.output
    assert "claude-3-5-sonnet" in shown.stdout and "3.75" in shown.stdout
    assert "gpt-4o" not in shown.stdout and "genai-prices 0.2.5" in shown.stdout
    searched = cli("prices", "list", "--provider", "aws.bedrock", "--search", "nova-pro")
    assert "amazon.nova-pro" in searched.stdout and "claude" not in searched.stdout


def test_quote_itemises_cache_and_reasoning(cli: Cli, db: Database) -> None:
    shown = cli(
        "prices", "quote", "--provider", "openai", "--model", "o4-mini-2025-04-16",
        "--input", "3000", "--cache-read", "1000", "--output", "2000", "--reasoning", "1500",
    )  # fmt: skip
    assert shown.exit_code == 0, shown.output
    # 2,000 × 1.10 + 1,000 × 0.275 + 500 × 4.40 + 1,500 × 4.40 per million = 0.011275
    assert "Cost: $0.011275 (catalog)" in shown.stdout
    assert "openai/o4-mini" in shown.stdout
    assert re.search(r"reasoning\s+│\s+1500\s+│\s+4.4", shown.stdout), shown.stdout
    unknown = cli("prices", "quote", "--model", "mystery-model", "--input", "10")
    assert unknown.exit_code == 0 and "Cost: unpriced (unpriced)" in unknown.stdout


def test_override_add_list_quote_remove(cli: Cli, db: Database) -> None:
    added = cli(
        "prices", "override", "add", "--provider", "bedrock", "--model", "nova-*",
        "--discount", "25", "--from", "2026-01-01", "--note", "AWS EDP",
    )  # fmt: skip
    assert added.exit_code == 0, added.output
    override_id = added.stdout.split()[-1]
    listed = cli("prices", "override", "list")
    assert "aws.bedrock" in listed.stdout and "nova-*" in listed.stdout
    assert override_id in listed.stdout and "AWS EDP" in listed.stdout
    quoted = cli(
        "prices", "quote", "--provider", "aws.bedrock", "--model", "amazon.nova-lite-v1:0",
        "--input", "1000000", "--at", "2026-02-01",
    )  # fmt: skip
    # 25% off 0.06 per million input tokens
    assert "Cost: $0.045000 (override)" in quoted.stdout
    removed = cli("prices", "override", "remove", override_id)
    assert removed.exit_code == 0, removed.output
    assert override_id not in cli("prices", "override", "list").stdout


@pytest.mark.parametrize(
    ("args", "field"),
    [
        (["--from", "2026-01-01", "--input-price", "-1"], "input_price"),
        (["--from", "2026-01-01", "--discount", "10", "--to", "2025-01-01"], "effective_to"),
        (["--from", "soon", "--discount", "10"], "effective_from"),
        (["--from", "2026-01-01"], "discount_percent"),  # neither a price nor a discount
    ],
)
def test_bad_input_is_one_line_naming_the_field_and_writes_nothing(
    cli: Cli, db: Database, args: list[str], field: str
) -> None:
    before = _events(db)
    base = ["prices", "override", "add", "--provider", "openai", "--model", "gpt-4o"]
    assert field in one_error_line(cli(*base, *args))
    assert _events(db) == before


def test_remove_refuses_bad_and_unknown_ids(cli: Cli) -> None:
    assert "id: must be a UUID" in one_error_line(cli("prices", "override", "remove", "nope"))
    unknown = cli("prices", "override", "remove", "00000000-0000-0000-0000-000000000000")
    assert "no organisation price" in one_error_line(unknown)
