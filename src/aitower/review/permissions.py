"""What the review queue lets each role do: read the queue, give verdicts, route systems to it.

Each member names its permission, what it allows (the permission doc's text) and the roles
that hold it: the rows of the permission matrix this capability brings (``docs/permissions.md``).
"""

from __future__ import annotations

from aitower.core.access.roles import ALL_ROLES, Permission, Role

# Who judges outputs: the portfolio's owners, governance, security (leaks, policy), engineers
# and prompt engineers (quality). Auditors read the verdicts; stakeholders see no transcripts.
REVIEWERS = frozenset(
    {
        Role.admin,
        Role.ops_manager,
        Role.governance,
        Role.security,
        Role.engineer,
        Role.prompt_engineer,
    }
)


class ReviewPermission(Permission):
    # Items show transcripts: the same readers as traces (stakeholders get reports, not chats).
    review_read = (
        "review.read",
        "See the review queue, an item's transcript, findings and verdict, and review quality",
        ALL_ROLES - {Role.stakeholder},
    )
    review_verdict = (
        "review.verdict",
        "Send a trace to review, claim review items and give verdicts (audited)",
        REVIEWERS,
    )
    review_route = (
        "review.route",
        "Change which of a system's outputs are routed to review (audited)",
        {Role.admin, Role.ops_manager, Role.security},
    )
