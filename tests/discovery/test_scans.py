"""Storing scans on both databases: findings merge per (kind, service, user), the risk is worked
out from the sums, a bad finding or a file scanned twice stores nothing, and the sanction a
unit decided is what later scans judge by."""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from aitower.core.db.engine import Database
from aitower.core.errors import Conflict, InvalidInput
from aitower.discovery import catalog_service
from aitower.discovery.findings import FindingFilter, FindingStatus, all_findings
from aitower.discovery.sanction import SanctionStatus
from aitower.discovery.scans import FindingInput, record_scan
from aitower.discovery.tables import DiscoveryFindingRow, DiscoveryScanRow
from discovery.discovery_support import MB, NOW, scan, scan_input, use, world
from support import CTX
from support_inventory import audit_count


def _findings(db: Database) -> list[DiscoveryFindingRow]:
    with db.reading() as session:
        query = select(DiscoveryFindingRow).order_by(DiscoveryFindingRow.user_name)
        rows = list(session.execute(query).scalars())
        session.expunge_all()
    return rows


def test_a_scan_stores_findings_with_their_risk(db: Database) -> None:
    w = world(db)
    made = scan(db, [use("chatgpt", "alice", "finance", 30, 150 * MB),
                     use("openai-api", "bob", "Marketing", 5, 2 * MB)])  # fmt: skip
    assert (made.findings_new, made.findings_merged, made.lines, made.malformed) == (2, 0, 1000, 2)
    alice, bob = _findings(db)
    # ChatGPT: unsanctioned 40 + trains 25 + 150 MB 20 + Finance is sensitive 15.
    assert (alice.unit_id, alice.risk_score, alice.status) == (w.finance, 100, "new")
    # OpenAI API: under review 25 + no training 0 + 2 MB 10; Marketing runs nothing sensitive.
    assert (bob.unit_id, bob.risk_score) == (w.marketing, 35)
    assert [r["factor"] for r in bob.risk_reasons] == ["approval", "upload"]


def test_a_later_scan_merges_into_the_open_finding(db: Database) -> None:
    world(db)
    first = NOW - timedelta(days=10)
    scan(db, [use("claude-ai", "alice", "finance", 10, 50_000, first=first)], "monday.log")
    earlier = first - timedelta(days=2)
    made = scan(db, [use("claude-ai", "alice", "finance", 5, 60_000, first=earlier,
                         days=20)], "tuesday.log")  # fmt: skip
    assert (made.findings_new, made.findings_merged) == (0, 1)
    (row,) = _findings(db)
    assert (row.requests, row.bytes_sent) == (15, 110_000)
    assert row.first_seen == first - timedelta(days=2)
    assert row.last_seen == first + timedelta(days=18)
    assert row.risk_score == 40 + 25 + 5 + 15  # 110 kB crossed the 100 kB tier on merging


def test_use_after_a_dismissal_is_a_new_finding(db: Database) -> None:
    world(db)
    scan(db, [use("poe", "carol", "marketing")], "a.log")
    with db.writing() as session:
        row = session.execute(select(DiscoveryFindingRow)).scalar_one()
        row.status = FindingStatus.dismissed.value
    scan(db, [use("poe", "carol", "marketing")], "b.log")
    assert sorted(r.status for r in _findings(db)) == ["dismissed", "new"]


def test_use_of_a_service_sanctioned_for_the_unit_is_recorded_not_queued(db: Database) -> None:
    w = world(db)
    with db.writing() as session:
        catalog_service.set_sanction(
            session, CTX, "github-copilot", SanctionStatus.sanctioned, w.finance
        )
    scan(db, [use("github-copilot", "dave", "finance"), use("github-copilot", "erin", "marketing")])
    dave, erin = _findings(db)
    assert (dave.status, erin.status) == ("sanctioned", "new")
    with db.reading() as session:
        open_ones = all_findings(session, CTX.principal, FindingFilter(sanctioned=False))
    assert [f.user for f in open_ones] == ["erin"]


def test_code_calling_a_sanctioned_api_is_still_queued_as_an_unregistered_system(
    db: Database,
) -> None:
    """A sanctioned API makes a person's use of it fine, not a system nobody registered: the
    integration is queued, scored for being unclaimed (30), not for the API's terms."""
    world(db)
    with db.writing() as session:
        catalog_service.set_sanction(session, CTX, "anthropic-api", SanctionStatus.sanctioned)
    given = scan_input([use("anthropic-api", "code:contract-clauses", "finance")], "repo")
    with db.writing() as session:
        record_scan(session, CTX, replace(given, source_kind="code"))
    (row,) = _findings(db)
    assert row.status == "new"
    # Finance handles sensitive data in this world (15); Anthropic's API does not train (0).
    assert [(r["factor"], r["points"]) for r in row.risk_reasons] == [
        ("approval", 30), ("sensitive_unit", 15)]  # fmt: skip
    assert row.risk_reasons[0]["text"] == "no registered system claims it"


@pytest.mark.parametrize(
    ("bad", "field"),
    [
        (use("no-such-tool", "x", "finance"), "findings[1].service_id"),
        (use("chatgpt", "x", "Legal"), "findings[1].unit"),
        (use("chatgpt", "x", "finance", requests=-1), "findings[1].requests"),
        (FindingInput("chatgpt", "x", "", None, 1, 0, NOW, NOW - timedelta(hours=1)),
         "findings[1].last_seen"),
    ],
)  # fmt: skip
def test_a_bad_finding_stores_nothing(db: Database, bad: FindingInput, field: str) -> None:
    world(db)
    events = audit_count(db)
    with pytest.raises(InvalidInput) as caught, db.writing() as session:
        record_scan(session, CTX, scan_input([use("chatgpt", "ok", "finance"), bad]))
    assert caught.value.issues[0].field == field
    assert audit_count(db) == events
    with db.reading() as session:
        assert session.execute(select(func.count()).select_from(DiscoveryScanRow)).scalar() == 0
        assert session.execute(select(func.count()).select_from(DiscoveryFindingRow)).scalar() == 0


def test_the_same_file_twice_is_refused(db: Database) -> None:
    world(db)
    once = scan_input([use("chatgpt", "alice", "finance")])
    with db.writing() as session:
        record_scan(session, CTX, once)
    with pytest.raises(Conflict) as caught, db.writing() as session:
        record_scan(session, CTX, once)
    assert caught.value.issues[0].field == "sha256"
    (row,) = _findings(db)
    assert row.requests == 10


def test_a_scan_is_audited_with_its_counts(db: Database) -> None:
    world(db)
    events = audit_count(db)
    made = scan(db, [use("otter", "fred", "marketing")])
    assert audit_count(db) == events + 1
    from aitower.core.audit.tables import AuditEventRow

    with db.reading() as session:
        event = session.execute(
            select(AuditEventRow).where(AuditEventRow.object_id == str(made.id))
        ).scalar_one()
    assert event.action == "discovery_scan.create"
    assert event.after["services"] == ["otter"] and event.after["findings_new"] == 1


def test_the_same_use_twice_in_one_scan_is_one_finding(db: Database) -> None:
    world(db)
    made = scan(
        db, [use("groq-api", "lee", "finance", 4, 1000), use("groq-api", "lee", "finance", 6, 2000)]
    )
    assert (made.findings_new, made.findings_merged) == (1, 0)
    (row,) = _findings(db)
    assert (row.requests, row.bytes_sent) == (10, 3000)
