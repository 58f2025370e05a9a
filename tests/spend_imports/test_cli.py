"""``aitower spend`` against real databases."""

from __future__ import annotations

from pathlib import Path

import pytest

from aitower.core.db.engine import Database
from cli_support import Cli, base_env, one_error_line
from spend_imports.bills import CUR_ROWS, cur, parquet_of
from spend_imports.support_spend import counts, make_org


@pytest.fixture
def cli(database_url: str, tmp_path: Path) -> Cli:
    return Cli({**base_env(tmp_path), "AITOWER_DATABASE_URL": database_url})


def test_import_list_map_and_undo(cli: Cli, db: Database, tmp_path: Path) -> None:
    make_org(db)
    bill = tmp_path / "cur.parquet"
    bill.write_bytes(parquet_of(cur()))
    done = cli("spend", "import", "aws_cur", str(bill))
    assert done.exit_code == 0, done.output
    assert "Imported 6 rows of cur.parquet as 4 records: $14.62, of which $13.88 unattributed" in (
        done.stdout
    )
    import_id = done.stdout.split()[-1]
    assert "already" not in done.stdout
    again = cli("spend", "import", "aws_cur", str(bill))
    assert "imported before" in one_error_line(again)
    added = cli("spend", "mappings", "add", "tag", "helpdesk", "Helpdesk bot", "--key", "app")
    assert added.exit_code == 0 and "1 records re-attributed" in added.stdout
    assert "helpdesk" in cli("spend", "mappings", "list").stdout
    listed = cli("spend", "imports", "list")
    assert import_id in listed.stdout and "$10.12" in listed.stdout
    undone = cli("spend", "imports", "undo", import_id)
    assert undone.exit_code == 0 and counts(db)[:2] == (0, 0)


def test_a_refused_file_prints_each_error_and_stores_nothing(
    cli: Cli, db: Database, tmp_path: Path
) -> None:
    make_org(db)
    rows = [list(r) for r in CUR_ROWS]
    rows[3][2] = "n/a"
    bill = tmp_path / "cur.csv"
    bill.write_bytes(cur(rows=rows))
    before = counts(db)
    refused = cli("spend", "import", "aws_cur", str(bill))
    assert refused.exit_code == 1
    assert "n/a" in refused.stderr and "lineItem/UnblendedCost" in refused.stderr
    assert "1 error(s)" in refused.stderr
    assert counts(db) == before
    rates = cli("spend", "import", "aws_cur", str(bill), "--rates", "EUR")
    assert "rates" in one_error_line(rates)
