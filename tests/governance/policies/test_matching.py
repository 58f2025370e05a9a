"""Assigning distinct approvers to the roles a gate needs."""

from __future__ import annotations

from aitower.governance.matching import assign_approvers
from governance.policies.support_policies import approver


def test_one_person_counts_once_across_roles() -> None:
    both = approver("ann", "governance", "ops_manager")
    counted = assign_approvers({"governance": 1, "ops_manager": 1}, [both], None)
    assert sum(len(v) for v in counted.values()) == 1


def test_matching_finds_the_assignment_that_fills_most_roles() -> None:
    ann = approver("ann", "governance", "ops_manager")  # could fill either
    bob = approver("bob", "governance")  # only governance
    counted = assign_approvers({"governance": 1, "ops_manager": 1}, [ann, bob], None)
    assert counted == {"governance": (bob,), "ops_manager": (ann,)}


def test_requester_never_counts() -> None:
    ann = approver("ann", "governance")
    assert assign_approvers({"governance": 1}, [ann], ann.user_id) == {"governance": ()}


def test_role_must_match() -> None:
    assert assign_approvers({"security": 1}, [approver("eve", "engineer")], None) == {
        "security": ()
    }


def test_duplicate_approvals_of_one_person_count_once() -> None:
    ann = approver("ann", "governance")
    counted = assign_approvers({"governance": 2}, [ann, ann], None)
    assert counted == {"governance": (ann,)}


def test_counts_stop_at_what_is_needed() -> None:
    people = [approver(n, "governance") for n in ("a", "b", "c")]
    assert len(assign_approvers({"governance": 2}, people, None)["governance"]) == 2
