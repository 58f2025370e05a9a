"""Duplicate initiatives from storage on both databases: the three units' contract summarisers
found as one cluster whose combined cost is the hand-summed spend of the window; a merge that
records the decision and starts the two retirement moves, audited; refusals that write
nothing; what a reader limited to some units sees."""

from __future__ import annotations

import uuid
from datetime import timedelta
from typing import Any

import pytest
import time_machine
from fastapi.testclient import TestClient
from sqlalchemy import func, select

from aitower.core.access.principal import Principal, PrincipalKind
from aitower.core.access.roles import Role
from aitower.core.audit.service import ChangeContext
from aitower.core.audit.tables import AuditEventRow
from aitower.core.db.engine import Database
from aitower.core.errors import Conflict, Forbidden
from aitower.discovery.duplicates_decisions import DecisionRequest, check, decide, record_decision
from aitower.discovery.duplicates_service import cluster_key, duplicate_clusters
from aitower.discovery.findings import telemetry_finding_id
from aitower.discovery.scans import ScanInput, record_scan
from aitower.discovery.tables import DuplicateDecisionRow
from aitower.governance.tables import ApprovalRequestRow, LifecycleEventRow
from aitower.inventory.lifecycle import Stage
from aitower.inventory.service import set_stage
from aitower.inventory.tables import SystemRow
from discovery.discovery_support import add_source, use
from discovery.duplicates_support import NOW, TODAY, portfolio
from governance.approvals.support_approvals import add_policy
from support import CTX, make_key
from support_inventory import audit_count

API = "/api/v1/discovery/duplicates"
RETIREMENT_PLAN = """\
key: retirement-plan
name: Retirement needs a decommission plan and the AI Operations manager's approval
gates: [retirement]
requirements:
  - document: decommission_plan
  - approval: {role: ops_manager, count: 1}
"""


def _names(members: Any) -> set[str]:
    return {m.name for m in members}


def _scoped(role: Role, *units: uuid.UUID) -> Principal:
    return Principal(PrincipalKind.user, None, "scoped", role, frozenset(units))


def _key(db: Database, role: Role, unit: str = "finance") -> dict[str, str]:
    return {"Authorization": f"Bearer {make_key(db, role, unit=unit)}"}


def _call(client: TestClient, method: str, path: str, headers: dict[str, str], **kw: Any) -> Any:
    with time_machine.travel(NOW, tick=False):
        return client.request(method, f"{API}{path}", headers=headers, **kw)


def _decisions(db: Database) -> int:
    with db.reading() as session:
        return int(session.execute(select(func.count(DuplicateDecisionRow.id))).scalar_one())


def test_three_summarisers_are_one_cluster_with_the_hand_summed_cost(db: Database) -> None:
    p = portfolio(db)
    with db.reading() as session:
        clusters = duplicate_clusters(session, CTX.principal, TODAY)
    assert len(clusters) == 1
    (cluster,) = clusters
    assert _names(cluster.members) == {"Contract Summariser", "Agreement Digest",
                                       "Contract summary bot"}  # fmt: skip
    assert set(cluster.units) == {"Procurement", "Legal", "Finance"}
    # Hand-summed in duplicates_support._cost: $30 of LLM usage + $60 of the licence.
    assert cluster.combined_monthly_cost == pytest.approx(90.0)
    costs = {m.name: m.monthly_cost for m in cluster.members}
    assert costs["Contract Summariser"] == pytest.approx(30.0)
    assert costs["Agreement Digest"] == pytest.approx(60.0)
    assert costs["Contract summary bot"] is None  # no cost recorded: unknown, not zero
    assert cluster.key == cluster_key(f"system:{i}" for i in (p.buyers, p.lawyers, p.accounts))
    assert {m.link for m in cluster.systems} == {
        f"/systems/{i}" for i in (p.buyers, p.lawyers, p.accounts)
    }
    assert cluster.reasons and cluster.decision is None


def test_merge_records_the_decision_and_starts_two_retirement_moves(
    client: TestClient, db: Database
) -> None:
    p = portfolio(db)
    add_policy(db, RETIREMENT_PLAN)  # the moves wait on a plan and an approval
    manager = _key(db, Role.ops_manager)
    (listed,) = _call(client, "GET", "", manager).json()["items"]
    members = [m["key"] for m in listed["members"]]
    body = {"members": members, "decision": "merge", "keep_system_id": str(p.buyers),
            "reason": "one summariser for the whole company"}  # fmt: skip
    made = _call(client, "POST", "/decisions", manager, json=body)
    assert made.status_code == 201, made.text
    answer = made.json()
    assert answer["decision"]["cluster_key"] == listed["cluster_key"]
    assert answer["decision"]["keep_system_name"] == "Contract Summariser"
    moved = {m["system_id"]: m for m in answer["moves"]}
    assert set(moved) == {str(p.lawyers), str(p.accounts)}
    with db.reading() as session:
        events = {str(e.system_id): e for e in session.execute(select(LifecycleEventRow)).scalars()
                  if e.to_stage == "retirement"}  # fmt: skip
        requests = {str(r.system_id): r for r in session.execute(
            select(ApprovalRequestRow)).scalars() if r.target_stage == "retirement"}  # fmt: skip
        actions = list(session.execute(select(AuditEventRow.action)).scalars())
    assert not events and set(requests) == set(moved)
    for system_id, move in moved.items():
        assert move["status"] == "pending" and str(requests[system_id].id) == move["move_id"]
        assert requests[system_id].reason == (
            "merged into Contract Summariser: one summariser for the whole company"
        )
    assert actions.count("discovery_duplicates.decided") == 1
    assert actions.count("approval.requested") == 2
    (shown,) = _call(client, "GET", "", manager).json()["items"]
    assert shown["decision"]["decision"] == "merge"
    # A merge is final here: its moves were started.
    again = _call(client, "POST", "/decisions", manager,
                  json={**body, "decision": "keep_both", "keep_system_id": None})  # fmt: skip
    assert again.status_code == 409 and again.json()["errors"][0]["field"] == "cluster_key"


def test_bad_decisions_are_refused_naming_the_field_and_write_nothing(
    client: TestClient, db: Database
) -> None:
    p = portfolio(db)
    manager = _key(db, Role.ops_manager)
    (listed,) = _call(client, "GET", "", manager).json()["items"]
    key = listed["cluster_key"]
    before = audit_count(db)
    cases = [
        ({"cluster_key": key, "decision": "keep_both", "reason": "  "}, "reason"),
        (
            {
                "cluster_key": key,
                "decision": "merge",
                "reason": "x",
                "keep_system_id": str(p.router),
            },
            "keep_system_id",
        ),
        ({"cluster_key": key, "decision": "fold", "reason": "x"}, "decision"),
        (
            {
                "members": [f"system:{p.buyers}", f"system:{p.router}"],
                "decision": "keep_both",
                "reason": "x",
            },
            "members",
        ),
        ({"cluster_key": "0" * 64, "decision": "keep_both", "reason": "x"}, "cluster_key"),
    ]
    for body, field in cases:
        refused = _call(client, "POST", "/decisions", manager, json=body)
        assert refused.status_code == 422, (body, refused.text)
        assert refused.headers["content-type"].startswith("application/problem+json")
        assert refused.json()["errors"][0]["field"] == field
    assert audit_count(db) == before and _decisions(db) == 0
    # One move governance refuses (Finance's bot is retiring already) refuses the whole merge:
    # Legal's move, asked first or not, is not written either.
    with db.writing() as session:
        set_stage(session, p.accounts, Stage.retirement)
    merge = {"cluster_key": key, "decision": "merge", "keep_system_id": str(p.buyers),
             "reason": "one is enough"}  # fmt: skip
    refused = _call(client, "POST", "/decisions", manager, json=merge)
    assert refused.status_code == 422 and refused.json()["errors"][0]["field"] == "decision"
    assert "Contract summary bot" in refused.json()["detail"]
    keep_retiring = {**merge, "keep_system_id": str(p.accounts)}
    refused = _call(client, "POST", "/decisions", manager, json=keep_retiring)
    assert refused.status_code == 422 and refused.json()["errors"][0]["field"] == "keep_system_id"
    with db.reading() as session:
        lawyers = session.get(SystemRow, p.lawyers)
    assert lawyers is not None and lawyers.stage == "monitoring"
    assert audit_count(db) == before and _decisions(db) == 0
    # A keep-both may be decided again; the audit event keeps the one before.
    for reason in ("different data residency", "Legal's copy must stay on premises"):
        body = {"cluster_key": key, "decision": "keep_both", "reason": reason}
        kept = _call(client, "POST", "/decisions", manager, json=body)
        assert kept.status_code == 201, kept.text
    assert kept.json()["replaced"]["reason"] == "different data residency"
    assert _decisions(db) == 1
    with db.reading() as session:
        query = select(AuditEventRow.action, AuditEventRow.before).where(
            AuditEventRow.object_type == "duplicate_decision"
        )
        events = list(session.execute(query.order_by(AuditEventRow.seq)))
    assert [e[0] for e in events] == ["discovery_duplicates.decided",
                                      "discovery_duplicates.redecided"]  # fmt: skip
    assert events[1][1]["reason"] == "different data residency"


def _scan(db: Database, kind: str, user: str) -> None:
    found = [use("openai-api", user, "marketing", first=NOW - timedelta(days=2))]
    with db.writing() as session:
        record_scan(session, CTX, ScanInput(kind, "repo", "a" * 64, 10, 1, 0, found))


def test_a_unit_limited_reader_sees_clusters_among_what_they_see(db: Database) -> None:
    p = portfolio(db)
    add_source(db, "contract-summariser", models=("gpt-4o",))
    # A repository folder calling a model API is an initiative (named by its folder).
    _scan(db, "code", "code:services/contract-digest")
    # Legal and Procurement: their two summarisers, not Finance's (nor the unit-less service's
    # name, which joins them too: every discovery reader sees unregistered telemetry).
    two = _scoped(Role.security, p.legal, p.procurement)
    legal = _scoped(Role.security, p.legal)
    with db.reading() as session:
        everyone = duplicate_clusters(session, CTX.principal, TODAY)
        theirs = duplicate_clusters(session, two, TODAY)
        legal_only = duplicate_clusters(session, legal, TODAY)
    finding = f"finding:{telemetry_finding_id('contract-summariser')}"
    assert [len(c.members) for c in everyone] == [5]
    assert {m.key for m in everyone[0].members} >= {finding, f"system:{p.accounts}"}
    code = [m for m in everyone[0].members if m.kind == "finding" and m.unit == "Marketing"]
    assert [m.name for m in code] == ["services/contract-digest"]
    (cluster,) = theirs
    assert _names(cluster.members) == {"Contract Summariser", "Agreement Digest",
                                       "contract-summariser"}  # fmt: skip
    assert cluster.key != everyone[0].key  # a decision belongs to exactly its members
    (pair,) = legal_only
    assert {m.key for m in pair.members} == {f"system:{p.lawyers}", finding}
    # A security specialist triages but may not retire systems: a merge needs lifecycle.move.
    asked = DecisionRequest("merge", "one is enough", pair.key, None, p.lawyers)
    with pytest.raises(Forbidden):
        record_decision(db, ChangeContext(legal), asked, TODAY)
    assert _decisions(db) == 0


def test_a_cluster_that_changed_after_it_was_read_is_not_decided(db: Database) -> None:
    p = portfolio(db)
    with db.reading() as session:
        (cluster,) = duplicate_clusters(session, CTX.principal, TODAY)
    asked = check(DecisionRequest("keep_both", "apart", cluster.key), CTX.principal)
    with db.writing() as session:  # retired between the read and the write
        set_stage(session, p.accounts, Stage.retired)
    with db.writing() as session, pytest.raises(Conflict, match="Contract summary bot"):
        decide(session, CTX, asked, cluster)
    assert _decisions(db) == 0
