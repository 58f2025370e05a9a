"""``aitower spend report`` and ``aitower spend budgets``: the table of cost, its CSV, and a
budget added, listed and removed (audited), a bad one named."""

from __future__ import annotations

from pathlib import Path

import pytest
import time_machine

from aitower.core.db.engine import Database
from cli_support import Cli, base_env, one_error_line
from spend.spend_support import NOW, world
from support_inventory import audit_count


@pytest.fixture
def cli(database_url: str, tmp_path: Path) -> Cli:
    return Cli({**base_env(tmp_path), "AITOWER_DATABASE_URL": database_url})


def test_report_and_budgets(cli: Cli, db: Database, tmp_path: Path) -> None:
    w = world(db)
    out = tmp_path / "spend.csv"
    with time_machine.travel(NOW, tick=False):
        shown = cli("spend", "report", "--group-by", "source", "--start", "2026-06-01",
                    "--end", "2026-07-01", "--csv", str(out))  # fmt: skip
        assert shown.exit_code == 0, shown.output
        assert "licence" in shown.stdout and "$300.00" in shown.stdout
        assert "2026-06,licence,licence,300.0000" in out.read_text()
        before = audit_count(db)
        bad = cli("spend", "budgets", "add", "--name", "A", "--scope-kind", "system",
                  "--scope-value", str(w.assistant), "--amount", "-1")  # fmt: skip
        assert "amount" in one_error_line(bad)
        assert audit_count(db) == before
        added = cli("spend", "budgets", "add", "--name", "Assistant", "--scope-kind", "system",
                    "--scope-value", str(w.assistant), "--amount", "100")  # fmt: skip
        assert added.exit_code == 0, added.output
        listed = cli("spend", "budgets", "list")
        assert "Assistant" in listed.stdout and "hard breach" in listed.stdout
        budget_id = added.stdout.split()[2]
        removed = cli("spend", "budgets", "remove", budget_id)
        assert removed.exit_code == 0, removed.output
        assert audit_count(db) == before + 2
