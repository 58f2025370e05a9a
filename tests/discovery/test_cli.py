"""``aitower discover``: findings and the catalog as tables, a catalog sanction, and each
triage step (audited; a bad one named, nothing written)."""

from __future__ import annotations

from pathlib import Path

import pytest
import time_machine
from sqlalchemy import select

from aitower.core.access.roles import Role
from aitower.core.db.engine import Database
from aitower.discovery.tables import DiscoveryFindingRow
from cli_support import Cli, base_env, one_error_line
from discovery.discovery_support import NOW, scan, use, world
from support import make_user
from support_inventory import audit_count


@pytest.fixture
def cli(database_url: str, tmp_path: Path) -> Cli:
    return Cli({**base_env(tmp_path), "AITOWER_DATABASE_URL": database_url})


def _ids(db: Database) -> dict[str, str]:
    with db.reading() as session:
        rows = session.execute(select(DiscoveryFindingRow.user_name, DiscoveryFindingRow.id))
        return {user: str(finding_id) for user, finding_id in rows}


def test_findings_catalog_and_triage(cli: Cli, db: Database) -> None:
    world(db)
    scan(db, [use("chatgpt", "ann", "finance"), use("fathom", "ben", "marketing"),
              use("tabnine", "cat", "marketing"), use("replit", "dee", "finance")])  # fmt: skip
    ids = _ids(db)
    owner = make_user(db, Role.security)
    with time_machine.travel(NOW, tick=False):
        shown = cli("discover", "findings", "--unsanctioned")
        assert shown.exit_code == 0, shown.output
        assert "ChatGPT" in shown.stdout and "Fathom" in shown.stdout
        catalog = cli("discover", "catalog", "--category", "meeting_assistant")
        assert "Otter.ai" in catalog.stdout and "ChatGPT" not in catalog.stdout
        before = audit_count(db)
        refused = cli("discover", "triage", "dismiss", ids["ann"])
        assert "reason" in one_error_line(refused)
        refused = cli("discover", "triage", "assign", ids["ann"], "--due", "soon")
        assert "due" in one_error_line(refused)
        assert audit_count(db) == before
        steps = [
            ("dismiss", ids["ann"], "--reason", "a test account"),
            ("block", ids["ben"], "--reason", "records calls"),
            ("sanction", ids["cat"]),
            ("register", ids["dee"]),
            ("assign", ids["cat"], "--owner", owner, "--due", "2026-07-01"),
        ]
        for step in steps:
            done = cli("discover", "triage", *step)
            assert done.exit_code == 0, done.output
        sanctioned = cli(
            "discover", "sanction", "chatgpt", "sanctioned", "--reason", "enterprise plan"
        )
        assert sanctioned.exit_code == 0, sanctioned.output
    assert (
        audit_count(db) == before + 5 + 2 + 1 + 1
    )  # steps, their decisions, the system, the sanction
    with db.reading() as session:
        query = select(DiscoveryFindingRow.user_name, DiscoveryFindingRow.status)
        statuses = dict(session.execute(query).all())
    assert statuses == {
        "ann": "dismissed",
        "ben": "blocked",
        "cat": "sanctioned",
        "dee": "registered",
    }
