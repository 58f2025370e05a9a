"""Who counts for which approval: distinct approvers assigned to the roles a gate needs.

A gate may need, say, one governance and one ops-manager approval. A person holding both roles
must not fill both: four-eyes means two different people. So approvals are assigned by maximum
bipartite matching (approvers on one side, the needed role slots on the other), which also
finds the assignment that fills the most slots when people could fill several roles. The
requester never counts, and an approver counts only for a role they hold. Pure.
"""

from __future__ import annotations

import uuid
from collections.abc import Mapping, Sequence

from aitower.governance.facts import Approver


def _eligible(approvers: Sequence[Approver], requester_id: uuid.UUID | None) -> list[Approver]:
    """Distinct people, requester excluded, in a fixed order so results are deterministic."""
    seen: dict[uuid.UUID, Approver] = {}
    for approver in approvers:
        if approver.user_id != requester_id and approver.user_id not in seen:
            seen[approver.user_id] = approver
    return sorted(seen.values(), key=lambda a: (a.name, str(a.user_id)))


def _augment(
    person: int,
    options: list[list[int]],
    slot_owner: list[int | None],
    visited: set[int],
) -> bool:
    """Kuhn's augmenting path: give ``person`` a slot, moving others along if needed."""
    for slot in options[person]:
        if slot in visited:
            continue
        visited.add(slot)
        owner = slot_owner[slot]
        if owner is None or _augment(owner, options, slot_owner, visited):
            slot_owner[slot] = person
            return True
    return False


def assign_approvers(
    needs: Mapping[str, int],
    approvers: Sequence[Approver],
    requester_id: uuid.UUID | None,
) -> dict[str, tuple[Approver, ...]]:
    """For each needed role (role -> how many), the approvers counted for it.

    Each person fills at most one slot across all roles; the number of slots filled is the
    largest possible. Roles are answered in the order given, with their counted approvers.
    """
    slots = [role for role in sorted(needs) for _ in range(max(needs[role], 0))]
    people = _eligible(approvers, requester_id)
    options = [[i for i, role in enumerate(slots) if role in p.roles] for p in people]
    slot_owner: list[int | None] = [None] * len(slots)
    for person in range(len(people)):
        _augment(person, options, slot_owner, set())
    counted: dict[str, list[Approver]] = {role: [] for role in needs}
    for slot, owner in enumerate(slot_owner):
        if owner is not None:
            counted[slots[slot]].append(people[owner])
    return {
        role: tuple(sorted(found, key=lambda a: (a.name, str(a.user_id))))
        for role, found in counted.items()
    }
