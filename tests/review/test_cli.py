"""``aitower review`` against real databases: list the queue, show an item, judge it."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest

from aitower.core.db.engine import Database
from aitower.review.domain import RouteSettings
from aitower.review.route_settings import set_route
from aitower.review.routing import route_all
from cli_support import Cli, base_env, one_error_line
from review.support_review import NOW, add_finding, add_trace, content, trace_id
from support import CTX, seed_units
from support_inventory import audit_count, make_system


@pytest.fixture
def cli(database_url: str, tmp_path: Path) -> Cli:
    return Cli({**base_env(tmp_path), "AITOWER_DATABASE_URL": database_url})


def test_list_show_and_verdict(cli: Cli, db: Database) -> None:
    units = seed_units(db)
    system = make_system(db, units.unit_id, "knowledge assistant")
    at = NOW - timedelta(minutes=5)
    add_trace(db, system, trace_id(1), at, stored=content())
    add_finding(db, system, trace_id(1), at, "iban")
    with db.writing() as session:
        set_route(session, CTX, system, RouteSettings(enabled=True))
    assert route_all(db, NOW) == 1
    listed = cli("review", "list")
    assert listed.exit_code == 0, listed.output
    assert "knowledge assistant" in listed.stdout and "finding iban" in listed.stdout
    item_id = next(w for w in listed.stdout.split() if w.count("-") == 4)
    shown = cli("review", "show", item_id)
    assert shown.exit_code == 0 and "finding: iban in output" in shown.stdout
    bad = cli("review", "verdict", item_id, "maybe")
    assert bad.exit_code != 0 and "verdict" in one_error_line(bad)
    before = audit_count(db)
    judged = cli("review", "verdict", item_id, "leak", "--notes", "customer IBAN")
    assert judged.exit_code == 0 and f"item {item_id}: leak" in judged.stdout
    assert audit_count(db) == before + 1
    assert "leak" in cli("review", "list", "--status", "done").stdout
