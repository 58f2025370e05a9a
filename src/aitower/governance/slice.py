"""Governance as the app sees it: policies as code, gates, evidence and approvals."""

from __future__ import annotations

from aitower.core.background import BackgroundJob
from aitower.core.slice import Slice
from aitower.core.web.navigation import NavItem
from aitower.governance import api, cli, pages, tables
from aitower.governance.demo_approvals import add_demo_approvals
from aitower.governance.demo_policies import add_demo_policies
from aitower.governance.frameworks import api as frameworks_api
from aitower.governance.frameworks import cli as frameworks_cli
from aitower.governance.frameworks import pages as frameworks_pages
from aitower.governance.frameworks import tables as frameworks_tables
from aitower.governance.frameworks.permissions import FrameworkPermission
from aitower.governance.moves import reevaluate_pending
from aitower.governance.overview import governance_panel
from aitower.governance.permissions import GovernancePermission

SLICE = Slice(
    name="governance",
    tables=(tables, frameworks_tables),
    permissions=(GovernancePermission, FrameworkPermission),
    api_routers=(lambda _: api.build_router(), lambda _: frameworks_api.build_router()),
    routers=(lambda _: pages.build_router(), lambda _: frameworks_pages.build_router()),
    navigation=(
        NavItem(
            "governance", "Governance", "/governance", GovernancePermission.policies_read, rank=20
        ),
    ),
    cli=(cli.register, frameworks_cli.register),
    demo=(add_demo_policies, add_demo_approvals),
    overview=(governance_panel,),
    # Open requests follow facts that change elsewhere (a vendor, a monitor's newest result).
    jobs=(BackgroundJob("open approval requests", reevaluate_pending),),
)
