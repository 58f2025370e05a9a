"""Duplicate initiatives in a real browser: the operations manager finds two units' contract
summarisers as one cluster, keeps them apart with a reason, and sees the decision shown."""

from __future__ import annotations

import uuid
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from aitower.core.access import service as access
from aitower.core.access.roles import Role
from aitower.core.db.engine import Database
from aitower.inventory import service as inventory
from browser_support import LiveServer, log_in, shoot
from support import CTX, make_user

pytestmark = pytest.mark.browser


def _system(db: Database, unit: str, name: str, purpose: str) -> None:
    doc = {"name": name, "kind": "llm_app", "unit": unit, "stage": "monitoring",
           "purpose": purpose}  # fmt: skip
    with db.writing() as session:
        inventory.create_system(session, CTX, doc)


def test_a_keep_both_decision_is_recorded_and_shown(
    page: Page, live_server: LiveServer, screenshots: Path
) -> None:
    tag = uuid.uuid4().hex[:6]
    db = Database(live_server.db_url)
    ops = make_user(db, Role.ops_manager, username=f"ops-dup-{tag}")
    with db.writing() as session:
        legal = access.create_unit(session, CTX, f"Legal {tag}").id
        buying = access.create_unit(session, CTX, f"Procurement {tag}").id
    _system(db, str(buying), f"Contract Summariser {tag}", "Summarise supplier contracts")
    _system(db, str(legal), f"Agreement Digest {tag}", "Contract summary for the legal team")
    db.dispose()
    log_in(page, live_server, ops)
    page.goto(f"{live_server.url}/discovery/duplicates")
    cluster = page.get_by_test_id("cluster").filter(has_text=f"Agreement Digest {tag}")
    expect(cluster).to_contain_text(f"Contract Summariser {tag}")
    expect(cluster).to_contain_text(f"Procurement {tag}")
    cluster.get_by_test_id("decision-choice").select_option("keep_both")
    cluster.get_by_test_id("decision-reason").fill("Legal's copy must stay on premises")
    cluster.get_by_test_id("decision-submit").click()
    expect(page.get_by_test_id("notice")).to_contain_text("the members stay apart")
    cluster = page.get_by_test_id("cluster").filter(has_text=f"Agreement Digest {tag}")
    expect(cluster.get_by_test_id("cluster-decision")).to_contain_text(
        "Kept apart: Legal's copy must stay on premises"
    )
    shoot(page, screenshots, "discovery-duplicates")
