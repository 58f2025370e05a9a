"""``aitower lifecycle`` and ``aitower approvals``: a scripted move, approved as people."""

from __future__ import annotations

from pathlib import Path

import pytest

from aitower.core.access.roles import Role
from aitower.core.db.engine import Database
from cli_support import Cli, base_env, one_error_line
from governance.approvals.support_approvals import add_policy
from support import make_user, seed_units
from support_inventory import make_system


@pytest.fixture
def cli(database_url: str, tmp_path: Path) -> Cli:
    return Cli({**base_env(tmp_path), "AITOWER_DATABASE_URL": database_url})


def test_a_scripted_move_and_its_approvals(cli: Cli, db: Database) -> None:
    units = seed_units(db)
    add_policy(db)
    make_system(db, units.unit_id, "scoring", stage="development", risk_tier="high")
    engineer = make_user(db, Role.engineer)
    governance = make_user(db, Role.governance)
    ops = make_user(db, Role.ops_manager)

    bad = cli("lifecycle", "move", "scoring", "retired", "--reason", "x", "--as", engineer)
    assert "target_stage" in one_error_line(bad)
    raised = cli("lifecycle", "move", "scoring", "deployment", "--reason", "go", "--as", engineer)
    assert raised.exit_code == 0, raised.output
    assert "Blocked" in raised.output and "human" in raised.output.lower()
    request_id = raised.output.split("approval request ")[1].split(" ")[0]

    listed = cli("approvals", "list", "--status", "pending")
    assert request_id in listed.output
    own = cli("approvals", "approve", request_id, "--as", engineer)
    assert "you raised this request" in one_error_line(own)
    cli_admin = cli("approvals", "reject", request_id, "--as", "nobody", "--reason", "x")
    assert "no active user" in one_error_line(cli_admin)
    assert cli("approvals", "approve", request_id, "--as", governance).exit_code == 0
    assert cli("approvals", "approve", request_id, "--as", ops).exit_code == 0
    shown = cli("approvals", "show", request_id)
    assert "status: pending" in shown.output and "governance" in shown.output
    assert cli("approvals", "expire").output.strip() == "Expired 0 requests."
    history = cli("lifecycle", "history", "scoring")
    assert history.exit_code == 0, history.output
    assert "Requested" in history.output
