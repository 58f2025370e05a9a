"""``aitower value report`` and ``aitower value subscriptions``; the demo's subscriptions."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest

from aitower.core.access.roles import Role
from aitower.core.db.engine import Database
from aitower.core.demo.organisation import DemoPassword
from aitower.demo import demo_contributors, load_demo
from aitower.portfolio.demo_reports import PORTFOLIO_REPORT, add_demo_reports
from aitower.portfolio.report_model import CSV_COLUMNS
from aitower.portfolio.report_sending import NO_CHANNEL, send_due_reports
from aitower.portfolio.report_subscriptions import list_subscriptions
from cli_support import Cli, base_env, one_error_line
from portfolio_reports.support_reports import ORG, SENT_AT, seed
from support import CTX
from support_inventory import audit_count


@pytest.fixture
def cli(database_url: str, tmp_path: Path) -> Cli:
    return Cli({**base_env(tmp_path), "AITOWER_DATABASE_URL": database_url})


def test_report_to_a_file_and_subscriptions(cli: Cli, db: Database, tmp_path: Path) -> None:
    seed(db)
    out = tmp_path / "r.csv"
    made = cli("value", "report", "--format", "csv", "--period", "current", "--out", str(out))
    assert made.exit_code == 0, made.output
    rows = list(csv.reader(out.open()))
    assert tuple(rows[0]) == CSV_COLUMNS and len(rows) == 4
    pdf = tmp_path / "r.pdf"
    assert cli("value", "report", "--unit", "marketing", "--out", str(pdf)).exit_code == 0
    assert pdf.read_bytes().startswith(b"%PDF")
    bad = cli("value", "report", "--format", "docx", "--out", str(out))
    assert bad.exit_code != 0 and "format" in one_error_line(bad)
    before = audit_count(db)
    added = cli(
        "value", "subscriptions", "add", "Board", "--to", "cfo@example.com", "--formats", "csv"
    )
    assert added.exit_code == 0, added.output
    sub_id = added.stdout.split()[1].rstrip(":")
    assert "Board" in cli("value", "subscriptions", "list").stdout
    assert cli("value", "subscriptions", "remove", sub_id).exit_code == 0
    assert audit_count(db) == before + 2


def test_the_demo_subscribes_the_ops_manager_and_the_stakeholder(db: Database) -> None:
    contributors = (*demo_contributors(()), add_demo_reports)
    demo = load_demo(db, CTX, DemoPassword("demo-password-123", "env"), contributors=contributors)
    assert demo is not None
    with db.reading() as session:
        found = list_subscriptions(session, ORG)
    assert sorted(s.cadence for s in found) == ["monthly", "weekly"]
    by_cadence = {s.cadence: s for s in found}
    assert by_cadence["monthly"].name == PORTFOLIO_REPORT and by_cadence["monthly"].unit_id is None
    assert by_cadence["monthly"].recipients == (demo.users[Role.ops_manager].email,)
    stakeholder = demo.users[Role.stakeholder]
    assert by_cadence["weekly"].unit_id == stakeholder.unit_ids[0]
    assert by_cadence["weekly"].recipients == (stakeholder.email,)
    # Loaded twice, nothing is added; no mail leaves the demo (it has no e-mail channel).
    load_demo(db, CTX, DemoPassword("demo-password-123", "env"), contributors=contributors)
    with db.reading() as session:
        assert len(list_subscriptions(session, ORG)) == 2
    far = SENT_AT.replace(year=2030)
    assert send_due_reports(db, far).sent == 0
    with db.reading() as session:
        assert {s.last_error for s in list_subscriptions(session, ORG)} == {NO_CHANNEL}
