"""``aitower value advice`` against real databases, at the world's clock."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import time_machine

from aitower.core.db.engine import Database
from cli_support import Cli, base_env, one_error_line
from portfolio_advice.support_advice import NOW, build_world


@pytest.fixture
def cli(database_url: str, tmp_path: Path) -> Cli:
    return Cli({**base_env(tmp_path), "AITOWER_DATABASE_URL": database_url})


def test_advice_as_a_table_and_as_json(cli: Cli, db: Database) -> None:
    with time_machine.travel(NOW, tick=True):
        world = build_world(db)
        table = cli("value", "advice", "--evidence")
        assert table.exit_code == 0, table.output
        assert "Advice (5)" in table.stdout and "idle seats of GitHub Copilot" in table.stdout
        assert "two-proportion z-test" in table.stdout
        raw = cli("value", "advice", "--json", "--system", str(world.growth))
        items = json.loads(raw.stdout)["items"]
        assert [i["kind"] for i in items] == ["prompt_growth"]
        assert items[0]["evidence"]["weeks"] == 6
        assert "kind" in one_error_line(cli("value", "advice", "--kind", "cheap"))
