"""What a policy can see of approvals: plain facts, gathered by the service, judged by the domain.

The facts of a system and its vendors (``SystemFacts``, ``VendorFacts``) are the inventory's
(``inventory.facts``), completed with risk and governance facts by ``facts_loader``.

Evaluation (``governance.evaluation``) is pure: it takes these frozen records and a policy set
and returns findings. The service layer builds them in bulk from the inventory, risk and
governance stores, so one portfolio evaluation is a handful of queries, not one per system.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field


@dataclass(frozen=True, slots=True)
class Approver:
    """Someone who approved a request, with the roles they hold in the system's business unit."""

    user_id: uuid.UUID
    name: str
    roles: frozenset[str]


@dataclass(frozen=True, slots=True)
class ApprovalState:
    """The approvals given on the move being evaluated; the requester's own never count."""

    requester_id: uuid.UUID | None
    approvers: tuple[Approver, ...] = field(default=())
