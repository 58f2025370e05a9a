"""Shared helpers of the risk tests: answers, principals scoped to one unit."""

from __future__ import annotations

import uuid

from aitower.core.access.principal import Principal, PrincipalKind
from aitower.core.access.roles import Role
from aitower.risk.eu_ai_act import template_answers


def answers(*yes: str) -> dict[str, bool]:
    result = template_answers()
    for qid in yes:
        assert qid in result, qid
        result[qid] = True
    return result


def unit_principal(unit_id: uuid.UUID, role: Role = Role.engineer) -> Principal:
    return Principal(PrincipalKind.user, uuid.uuid4(), "scoped", role, frozenset({unit_id}))
