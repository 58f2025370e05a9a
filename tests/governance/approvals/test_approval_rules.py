"""The pure rules of approval requests: transitions, expiry, separation of duties."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta

import pytest

from aitower.core.errors import Conflict, Forbidden, InvalidInput
from aitower.governance import approval_rules as rules
from aitower.governance.approval_rules import Decider, Status

NOW = datetime(2026, 3, 1, 12, 0, tzinfo=UTC)
REQUIRED = [{"role": "governance", "count": 1, "policy": "p"}, {"role": "ops_manager", "count": 1}]
ALICE, BOB = uuid.uuid4(), uuid.uuid4()


def test_only_pending_moves_and_every_other_status_is_final() -> None:
    for target in (Status.completed, Status.rejected, Status.withdrawn, Status.expired):
        assert rules.can_transition(Status.pending, target)
    for closed in (Status.completed, Status.rejected, Status.withdrawn, Status.expired):
        assert not any(rules.can_transition(closed, t) for t in Status)
        with pytest.raises(Conflict):
            rules.check_transition(closed, Status.completed)
    assert not rules.can_transition(Status.pending, Status.pending)


def test_expiry_defaults_to_30_days_and_is_bounded() -> None:
    assert rules.expiry_for(NOW, None) == NOW + timedelta(days=30)
    assert rules.expiry_for(NOW, 1) == NOW + timedelta(days=1)
    assert rules.expiry_for(NOW, 365) == NOW + timedelta(days=365)
    for bad in (0, 366, -3):
        with pytest.raises(InvalidInput) as caught:
            rules.expiry_for(NOW, bad)
        assert caught.value.issues[0].field == "expires_in_days"


def test_a_pending_request_past_expiry_reads_expired_and_refuses() -> None:
    past = NOW - timedelta(seconds=1)
    assert rules.effective_status(Status.pending, past, NOW) is Status.expired
    assert rules.effective_status(Status.pending, NOW + timedelta(days=1), NOW) is Status.pending
    assert rules.effective_status(Status.rejected, past, NOW) is Status.rejected
    with pytest.raises(Conflict, match="expired on 2026-03-01 11:59"):
        rules.check_open(Status.pending, past, NOW)
    with pytest.raises(Conflict, match="already withdrawn"):
        rules.check_open(Status.withdrawn, None, NOW)
    rules.check_open(Status.pending, None, NOW)


def test_decisions_and_reasons_are_parsed() -> None:
    assert rules.parse_decision(" Approve ") is rules.Decision.approve
    with pytest.raises(InvalidInput, match="decision"):
        rules.parse_decision("maybe")
    assert rules.clean_reason("  ok ", required=True) == "ok"
    assert rules.clean_reason("", required=False) == ""
    with pytest.raises(InvalidInput, match="reason"):
        rules.clean_reason("   ", required=True)


def test_unmet_roles_count_each_approval_for_its_role() -> None:
    assert rules.unmet_roles(REQUIRED, []) == {"governance", "ops_manager"}
    assert rules.unmet_roles(REQUIRED, ["governance"]) == {"ops_manager"}
    assert rules.unmet_roles(REQUIRED, ["governance", "ops_manager"]) == set()
    two = [{"role": "governance", "count": 2}]
    assert rules.unmet_roles(two, ["governance"]) == {"governance"}


def _check(decider: Decider, **kw: object) -> None:
    args: dict[str, object] = {
        "requester_id": ALICE,
        "deciders_so_far": [],
        "required": REQUIRED,
        "unit_name": "Finance",
    }
    args.update(kw)
    rules.check_decider(decider, **args)  # type: ignore[arg-type]


def test_separation_of_duties() -> None:
    gov = Decider(True, BOB, "governance", True)
    _check(gov)  # allowed
    with pytest.raises(Forbidden, match="machines do not approve"):
        _check(Decider(False, None, "governance", True))
    with pytest.raises(Forbidden, match="you raised this request"):
        _check(Decider(True, ALICE, "governance", True))
    with pytest.raises(Conflict, match="already decided"):
        _check(gov, deciders_so_far=[BOB])
    with pytest.raises(Forbidden, match="governance or ops_manager") as caught:
        _check(Decider(True, BOB, "engineer", True))
    assert "Finance" in caught.value.detail
    with pytest.raises(Forbidden, match="governance or ops_manager"):
        _check(Decider(True, BOB, "governance", False))
    with pytest.raises(Forbidden, match="asks for no approvals"):
        _check(gov, required=[])


def test_withdraw_is_for_the_requester_or_portfolio_owners() -> None:
    assert rules.may_withdraw(ALICE, ALICE, "engineer")
    assert rules.may_withdraw(ALICE, BOB, "ops_manager")
    assert rules.may_withdraw(ALICE, None, "admin")
    assert not rules.may_withdraw(ALICE, BOB, "governance")
    with pytest.raises(Forbidden):
        rules.check_withdraw(ALICE, BOB, "engineer")
