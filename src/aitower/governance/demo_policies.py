"""The demo's policies: the default pack, so a newcomer sees gates block and compliance findings.

Idempotent: only policies whose key is missing are created; a policy someone edited or
disabled in the demo is left as it is.
"""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from aitower.core.audit.service import ChangeContext
from aitower.core.demo.organisation import DemoOrganisation
from aitower.governance.policy import default_pack, parse_policy
from aitower.governance.policy_service import create_policy
from aitower.governance.tables import PolicyRow


def add_demo_policies(session: Session, ctx: ChangeContext, demo: DemoOrganisation) -> None:
    """Install the default policy pack's missing policies."""
    existing = set(session.execute(select(PolicyRow.key)).scalars())
    for source in default_pack().values():
        key = parse_policy(source)[0].key
        if key not in existing:
            create_policy(session, ctx, source, "default policy pack (demo)")
            demo.note("policies", key)
