"""The organisation as of a date, from a history lived through the real services (both
databases): dates before, between and after the changes, against expectations by hand."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from aitower.auditing import service
from aitower.auditing.replay import parse_moment
from aitower.core.db.engine import Database
from aitower.inventory import service as inventory
from auditing.support_auditing import live_history
from support import CTX


def snapshot(db: Database, at: str):  # type: ignore[no-untyped-def]
    with db.reading() as session:
        return service.snapshot_at(session, parse_moment(at))


@pytest.mark.parametrize(
    ("at", "expected"),
    [
        ("2026-03-01", {}),  # before anything
        ("2026-03-02T08:59:59Z", {}),  # a second before registration
        ("2026-03-02", {"Credit scoring": (None, "planning", "Consumer loans")}),
        ("2026-03-04", {"Credit scoring": ("limited", "development", "Consumer loans")}),
        (
            "2026-03-10T11:00:00Z",  # the instant of the edit, the assessment and the request
            {"Credit scoring": ("high", "development", "Consumer and SME loans")},
        ),
        ("2026-03-11", {"Credit scoring": ("high", "development", "Consumer and SME loans")}),
        ("2026-03-12", {"Credit scoring": ("high", "deployment", "Consumer and SME loans")}),
        (
            "2026-03-31",
            {
                "Chatbot": (None, "planning", ""),
                "Credit scoring": ("high", "deployment", "Consumer and SME loans"),
            },
        ),
    ],
)
def test_inventory_as_of(db: Database, at: str, expected: dict[str, tuple[object, ...]]) -> None:
    live_history(db)
    systems = snapshot(db, at).systems
    found = {s.name: (s.risk_tier, s.stage, s.attributes["purpose"]) for s in systems}
    assert found == expected


def test_policies_approvals_and_evidence_as_of(db: Database) -> None:
    history = live_history(db)
    assert snapshot(db, "2026-03-09").policies == ()
    (v1,) = snapshot(db, "2026-03-19").policies
    assert (v1.key, v1.version, v1.enabled, v1.name) == (
        "high-risk-deploy",
        1,
        True,
        "High-risk systems need oversight",
    )
    (v2,) = snapshot(db, "2026-03-20").policies
    assert (v2.version, v2.name) == (2, "High-risk systems need oversight and a second look")

    pending = snapshot(db, "2026-03-11")
    assert pending.decisions == () and pending.evidence == ()
    assert [(r.status, r.move) for r in pending.requests] == [
        ("pending", "development → deployment")
    ]
    done = snapshot(db, "2026-03-12")
    assert [(d.by, d.role, d.decision, d.at) for d in done.decisions] == [
        ("user:gina", "governance", "approve", datetime(2026, 3, 12, 14, tzinfo=UTC)),
        ("user:olivia", "ops_manager", "approve", datetime(2026, 3, 12, 14, tzinfo=UTC)),
    ]
    assert {d.request_id for d in done.decisions} == {str(history.request)}
    assert [r.status for r in done.requests] == ["completed"]
    assert [(e.kind, e.title, e.added_by) for e in done.evidence] == [
        ("human_oversight_plan", "Oversight plan v1", "cli:test")
    ]


def test_now_agrees_with_the_inventory_tables(db: Database) -> None:
    """The replay reads every event the services record: at the present it must say what the
    tables say, system by system."""
    live_history(db)
    with db.reading() as session:
        now = service.snapshot_at(session, datetime(2026, 12, 31, tzinfo=UTC))
        tables = inventory.visible_systems(session, CTX.principal)
    replayed = {s.id: (s.name, s.risk_tier, s.stage) for s in now.systems}
    current = {
        str(s.id): (s.name, None if s.risk_tier is None else s.risk_tier.value, s.stage.value)
        for s in tables
    }
    assert replayed == current
