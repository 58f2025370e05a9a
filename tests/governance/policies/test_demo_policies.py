"""The demo contributor installs the default pack once, and leaves edits alone."""

from __future__ import annotations

from aitower.core.db.engine import Database
from aitower.core.demo.organisation import DemoOrganisation, DemoPassword
from aitower.governance import policy_service as ps
from aitower.governance.demo_policies import add_demo_policies
from aitower.governance.policy import default_pack
from support import CTX


def test_demo_installs_the_pack_idempotently(db: Database) -> None:
    demo = DemoOrganisation(DemoPassword("x", "dev"))
    with db.writing() as session:
        add_demo_policies(session, CTX, demo)
    assert len(demo.created) == len(default_pack())
    with db.writing() as session:
        ps.set_enabled(session, CTX, "open-risk-limit", False)
    again = DemoOrganisation(DemoPassword("x", "dev"))
    with db.writing() as session:
        add_demo_policies(session, CTX, again)
    assert again.created == []
    with db.reading() as session:
        assert len(ps.active_policies(session)) == len(default_pack()) - 1
