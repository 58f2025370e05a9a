"""``aitower discover duplicates`` and ``discover decide``: the cluster as a table, a refused
decision named with nothing written, and a merge with its moves reported."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import time_machine

from aitower.core.db.engine import Database
from cli_support import Cli, base_env, one_error_line
from discovery.duplicates_support import NOW, portfolio
from support_inventory import audit_count


@pytest.fixture
def cli(database_url: str, tmp_path: Path) -> Cli:
    return Cli({**base_env(tmp_path), "AITOWER_DATABASE_URL": database_url})


def test_list_refuse_and_merge(cli: Cli, db: Database) -> None:
    portfolio(db)
    with time_machine.travel(NOW, tick=False):
        shown = cli("discover", "duplicates")
        assert shown.exit_code == 0, shown.output
        for text in ("Contract Summariser (Procurement)", "Agreement Digest (Legal)",
                     "Contract summary bot (Finance)", "$90"):  # fmt: skip
            assert text in shown.stdout
        assert "Ticket router" not in shown.stdout
        found = re.search(r"│ ([0-9a-f]{12}) │", shown.stdout)
        assert found is not None
        key = found.group(1)
        before = audit_count(db)
        refused = cli("discover", "decide", key, "--keep-both")
        assert "reason" in one_error_line(refused)
        refused = cli("discover", "decide", key, "--merge-into", "Ticket router", "--reason", "x")
        assert "keep_system_id" in one_error_line(refused)
        assert audit_count(db) == before
        merged = cli("discover", "decide", key, "--merge-into", "Contract Summariser",
                     "--reason", "one summariser is enough")  # fmt: skip
        assert merged.exit_code == 0, merged.output
        assert "Agreement Digest → retirement" in merged.stdout
        assert "Contract summary bot → retirement" in merged.stdout
        shown = cli("discover", "duplicates")
        assert "merge into Contract Summariser: one summariser is enough" in shown.stdout
