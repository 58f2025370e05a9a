"""``aitower value`` against real databases: declare, show, decide."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from aitower.core.db.engine import Database
from cli_support import Cli, base_env, one_error_line
from portfolio_value.support_value import ledger
from support import seed_units
from support_inventory import make_system


@pytest.fixture
def cli(database_url: str, tmp_path: Path) -> Cli:
    return Cli({**base_env(tmp_path), "AITOWER_DATABASE_URL": database_url})


def test_declare_show_and_decide(cli: Cli, db: Database) -> None:
    units = seed_units(db)
    make_system(db, units.unit_id, "Ticket summariser", stage="monitoring")
    made = cli(
        "value", "declare", "Ticket summariser", "--hours-saved-per-use", "0.5",
        "--loaded-hourly-rate", "40", "--uses-per-month", "100",
    )  # fmt: skip
    assert made.exit_code == 0, made.output
    system = make_system(db, units.unit_id, "Other", stage="monitoring")
    ledger(db, system, date(2026, 1, 1), date(2026, 2, 1), 310.0)
    shown = cli("value", "show", "Ticket summariser", "--months", "2", "--until", "2026-02")
    assert shown.exit_code == 0, shown.output
    # 100 × 0.5 × 40 = 2,000 a month, declared
    assert "4,000.00" in shown.stdout and "2026-02" in shown.stdout and "declared" in shown.stdout
    bad = cli("value", "declare", "Ticket summariser", "--adoption-percent", "140")
    assert "declared_adoption_percent" in one_error_line(bad)
    decided = cli("value", "decide", "Ticket summariser", "retire", "--note", "replaced")
    assert decided.exit_code == 0, decided.output
    assert "retire recorded" in decided.stdout and "move to retirement done" in decided.stdout
    listing = cli("value", "decisions")
    assert "Ticket summariser" in listing.stdout and "retire" in listing.stdout
    assert "decision" in one_error_line(cli("value", "decide", "Other", "sell"))
