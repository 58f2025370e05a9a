"""The replay of the audit trail, on hand-built events: what was true at each moment.

Each expectation is written out by hand from the events above it; the events have the shapes
the services record (inventory ``system.create``/``system.update``, risk ``risk.assessed``,
governance ``lifecycle.moved``, ``approval.*``, ``policy.*``, ``evidence.*``).
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pytest

from aitower.auditing.replay import (
    TrailEvent,
    chain_prefix,
    end_of_day,
    parse_moment,
    reconstruct,
)

SYS = "7d1c0f7e-0000-4000-8000-000000000001"
LATE = "7d1c0f7e-0000-4000-8000-000000000002"
REQ = "a0000000-0000-4000-8000-000000000001"


def at(day: int, hour: int = 12) -> datetime:
    return datetime(2026, 3, day, hour, tzinfo=UTC)


def record(name: str, purpose: str, stage: str = "planning") -> dict[str, Any]:
    return {"name": name, "purpose": purpose, "unit": "Finance", "kind": "ml_model", "stage": stage}


def ev(
    seq: int,
    when: datetime,
    action: str,
    object_type: str = "ai_system",
    object_id: str | None = SYS,
    *,
    before: dict[str, Any] | None = None,
    after: dict[str, Any] | None = None,
    actor: str = "user:erin",
) -> TrailEvent:
    return TrailEvent(seq, when, actor, action, object_type, object_id, before, after)


HISTORY = [
    ev(1, at(2), "system.create", after=record("Credit scoring", "score loans")),
    ev(2, at(3), "risk.assessed", after={"tier": "limited", "version": 1}),
    ev(3, at(5), "system.update", after=record("Credit scoring", "score consumer loans")),
    ev(4, at(6), "lifecycle.moved", before={"stage": "planning"}, after={"stage": "development"}),
    ev(5, at(8), "risk.assessed", before={"tier": "limited"}, after={"tier": "high", "version": 2}),
    ev(6, at(9), "lifecycle.moved", after={"stage": "deployment", "request_id": REQ}),
    ev(7, at(10), "system.create", object_id=LATE, after=record("Chat", "answer staff")),
]


@pytest.mark.parametrize(
    ("moment", "tier", "stage", "purpose"),
    [
        (at(2, 13), None, "planning", "score loans"),  # registered, not yet assessed
        (at(4), "limited", "planning", "score loans"),
        (at(5, 12), "limited", "planning", "score consumer loans"),  # the edit's own instant
        (at(7), "limited", "development", "score consumer loans"),
        (at(8, 23), "high", "development", "score consumer loans"),
        (at(31), "high", "deployment", "score consumer loans"),
    ],
)
def test_a_system_as_it_stood(moment: datetime, tier: str | None, stage: str, purpose: str) -> None:
    snapshot = reconstruct(HISTORY, moment)
    system = snapshot.system(SYS)
    assert system is not None
    assert (system.risk_tier, system.stage, system.attributes["purpose"]) == (tier, stage, purpose)
    assert system.name == "Credit scoring" and system.unit == "Finance"
    assert "stage" not in system.attributes  # the stage is shown on its own, as it stood


def test_before_registration_the_system_is_absent_and_a_later_one_too() -> None:
    assert reconstruct(HISTORY, at(2, 11)).systems == ()
    assert [s.name for s in reconstruct(HISTORY, at(9)).systems] == ["Credit scoring"]
    assert [s.name for s in reconstruct(HISTORY, at(10)).systems] == ["Chat", "Credit scoring"]


def test_since_times_and_head() -> None:
    snapshot = reconstruct(HISTORY, at(8, 23))
    system = snapshot.system(SYS)
    assert system is not None
    assert system.tier_since == at(8) and system.stage_since == at(6)
    assert system.registered_at == at(2) and system.registered_by == "user:erin"
    assert system.last_seq == 5 and snapshot.head_seq == 5


def test_a_removed_system_is_shown_as_it_was_then_flagged() -> None:
    gone = [*HISTORY[:3], ev(8, at(20), "system.delete", before=record("Credit scoring", "x"))]
    before = reconstruct(gone, at(19)).system(SYS)
    after = reconstruct(gone, at(21)).system(SYS)
    assert before is not None and not before.removed
    assert after is not None and after.removed
    assert after.attributes["purpose"] == "score consumer loans"  # as it was


def test_the_cut_is_a_prefix_of_the_chain_even_when_clocks_step_back() -> None:
    # Event 3's server clock ran behind: its time is before event 2's. The moment between
    # them takes the chain through event 3 (the last event at or before the moment), so the
    # cut is a chain an auditor can verify from the first event.
    events = [
        ev(1, at(2, 10), "system.create", after=record("A", "a")),
        ev(2, at(2, 12), "risk.assessed", after={"tier": "minimal"}),
        ev(3, at(2, 11), "risk.assessed", after={"tier": "limited"}),
        ev(4, at(2, 14), "risk.assessed", after={"tier": "high"}),
    ]
    assert [e.seq for e in chain_prefix(events, at(2, 11))] == [1, 2, 3]
    system = reconstruct(events, at(2, 11)).system(SYS)
    assert system is not None and system.risk_tier == "limited"


POLICY_V1 = "key: oversight\nname: Oversight v1\ngates: [deployment]\n"
POLICY_V2 = "key: oversight\nname: Oversight, stricter\ngates: [deployment]\n"
POLICIES = [
    ev(
        1,
        at(1),
        "policy.created",
        "policy",
        "oversight",
        after={"version": 1, "source": POLICY_V1, "comment": "first"},
    ),
    ev(
        2,
        at(5),
        "policy.updated",
        "policy",
        "oversight",
        before={"version": 1},
        after={"version": 2, "source": POLICY_V2, "comment": "stricter"},
        actor="user:gina",
    ),
    ev(
        3,
        at(7),
        "policy.disabled",
        "policy",
        "oversight",
        before={"enabled": True},
        after={"enabled": False},
    ),
    ev(4, at(8), "policies.applied", "policy", None, after={"create": 0}),
]


@pytest.mark.parametrize(
    ("moment", "version", "name", "enabled", "by"),
    [
        (at(3), 1, "Oversight v1", True, "user:erin"),
        (at(6), 2, "Oversight, stricter", True, "user:gina"),
        (at(9), 2, "Oversight, stricter", False, "user:gina"),
    ],
)
def test_the_policy_version_in_force(
    moment: datetime, version: int, name: str, enabled: bool, by: str
) -> None:
    (policy,) = reconstruct(POLICIES, moment).policies
    assert (policy.version, policy.name, policy.enabled, policy.saved_by) == (
        version,
        name,
        enabled,
        by,
    )
    assert policy.source == (POLICY_V1 if version == 1 else POLICY_V2)


def test_no_policy_before_the_first_was_saved() -> None:
    assert reconstruct(POLICIES, at(1, 11)).policies == ()


APPROVALS = [
    HISTORY[0],
    ev(
        2,
        at(3),
        "approval.requested",
        "approval_request",
        REQ,
        after={
            "system_id": SYS,
            "kind": "move",
            "from_stage": "planning",
            "target_stage": "development",
            "reason": "ready",
        },
        actor="user:erin",
    ),
    ev(
        3,
        at(4),
        "approval.decided",
        "approval_request",
        REQ,
        after={"system_id": SYS, "decision": "approve", "role": "governance", "reason": "ok"},
        actor="user:gina",
    ),
    ev(
        4,
        at(5),
        "approval.decided",
        "approval_request",
        REQ,
        after={"system_id": SYS, "decision": "approve", "role": "ops_manager", "reason": ""},
        actor="user:olivia",
    ),
    ev(
        5,
        at(5),
        "approval.completed",
        "approval_request",
        REQ,
        before={"status": "pending"},
        after={"status": "completed", "system_id": SYS},
    ),
    ev(6, at(5), "lifecycle.moved", after={"stage": "development", "request_id": REQ}),
]


def test_every_approval_with_who_gave_it_up_to_the_moment() -> None:
    early = reconstruct(APPROVALS, at(4, 13))
    assert [(d.by, d.role, d.decision) for d in early.decisions] == [
        ("user:gina", "governance", "approve")
    ]
    assert [r.status for r in early.requests] == ["pending"]
    late = reconstruct(APPROVALS, at(6))
    assert [(d.by, d.role, d.at) for d in late.decisions] == [
        ("user:gina", "governance", at(4)),
        ("user:olivia", "ops_manager", at(5)),
    ]
    (decision, _) = late.decisions
    assert decision.move == "planning → development"
    assert decision.system_name == "Credit scoring" and decision.request_id == REQ
    (request,) = late.requests
    assert (request.status, request.closed_at, request.requested_by) == (
        "completed",
        at(5),
        "user:erin",
    )


def test_a_pending_request_past_its_expiry_reads_expired() -> None:
    asked = {**APPROVALS[1].after, "expires_at": "2026-03-10T12:00:00.000000Z"}  # type: ignore[dict-item]
    events = [
        APPROVALS[0],
        ev(2, at(3), "approval.requested", "approval_request", REQ, after=asked),
    ]
    assert [r.status for r in reconstruct(events, at(10, 11)).requests] == ["pending"]
    assert [r.status for r in reconstruct(events, at(10, 13)).requests] == ["expired"]


EVIDENCE = [
    HISTORY[0],
    ev(
        2,
        at(3),
        "evidence.attached",
        after={
            "evidence_id": "e1",
            "kind": "human_oversight_plan",
            "title": "Plan v1",
            "uri": "DMS-1",
        },
    ),
    ev(
        3,
        at(4),
        "evidence.attached",
        after={"evidence_id": "e2", "kind": "impact_assessment", "title": "AIA", "uri": ""},
        actor="user:gina",
    ),
    ev(
        4,
        at(6),
        "evidence.removed",
        before={
            "evidence_id": "e1",
            "kind": "human_oversight_plan",
            "title": "Plan v1",
            "uri": "DMS-1",
        },
    ),
]


def test_evidence_attached_and_not_yet_removed() -> None:
    assert [e.title for e in reconstruct(EVIDENCE, at(3, 13)).evidence] == ["Plan v1"]
    both = reconstruct(EVIDENCE, at(5)).evidence
    assert [(e.title, e.added_by, e.added_at) for e in both] == [
        ("Plan v1", "user:erin", at(3)),
        ("AIA", "user:gina", at(4)),
    ]
    assert [e.title for e in reconstruct(EVIDENCE, at(7)).evidence] == ["AIA"]


def test_events_other_capabilities_record_change_nothing_here() -> None:
    noise = [
        HISTORY[0],
        ev(2, at(3), "telemetry.settings_changed", after={"retention_days": 30}),
        ev(3, at(3), "alert_rule.created", "alert_rule", "r1", after={"name": "x"}),
        ev(4, at(3), "user.create", "user", "u1", after={"username": "x"}),
    ]
    system = reconstruct(noise, at(4)).system(SYS)
    assert system is not None and system.last_seq == 1


def test_an_exported_line_reads_as_an_event() -> None:
    line = {
        "seq": 4,
        "id": "x",
        "occurred_at": "2026-03-31T10:00:00.000000Z",
        "actor": "user:erin",
        "action": "risk.assessed",
        "object_type": "ai_system",
        "object_id": SYS,
        "before": None,
        "after": {"tier": "high"},
        "request_id": None,
    }
    event = TrailEvent.of(line)
    assert event.occurred_at == datetime(2026, 3, 31, 10, tzinfo=UTC)
    assert (event.seq, event.after) == (4, {"tier": "high"})


@pytest.mark.parametrize(
    ("text", "moment"),
    [
        ("2026-03-31", datetime(2026, 3, 31, 23, 59, 59, 999999, tzinfo=UTC)),
        ("2026-03-31T12:00:00Z", datetime(2026, 3, 31, 12, tzinfo=UTC)),
        ("2026-03-31T12:00:00+02:00", datetime(2026, 3, 31, 10, tzinfo=UTC)),
        ("2026-03-31T12:00:00", datetime(2026, 3, 31, 12, tzinfo=UTC)),  # bare: UTC
    ],
)
def test_moments(text: str, moment: datetime) -> None:
    assert parse_moment(text) == moment


@pytest.mark.parametrize("text", ["yesterday", "2026-02-30", "31/03/2026", ""])
def test_unreadable_moments_are_refused(text: str) -> None:
    with pytest.raises(ValueError, match="YYYY-MM-DD"):
        parse_moment(text)


def test_end_of_day_includes_the_whole_day() -> None:
    last = end_of_day(datetime(2026, 3, 31).date())
    events = [
        ev(
            1,
            datetime(2026, 3, 31, 23, 59, 59, 999999, tzinfo=UTC),
            "system.create",
            after=record("A", "a"),
        )
    ]
    assert len(reconstruct(events, last).systems) == 1
    assert reconstruct(events, last.replace(microsecond=999998)).systems == ()


def test_live_evidence_keeps_what_it_links_to() -> None:
    live = {
        "evidence_id": "e3",
        "kind": "bias_evaluation",
        "title": "Fairness monitor",
        "uri": "",
        "object_type": "model_monitor",
        "object_id": "m1",
        "valid_until": "2026-06-30",
    }
    events = [HISTORY[0], ev(2, at(3), "evidence.attached", after=live)]
    (found,) = reconstruct(events, at(4)).evidence
    assert dict(found.extra) == {
        "object_type": "model_monitor",
        "object_id": "m1",
        "valid_until": "2026-06-30",
    }
