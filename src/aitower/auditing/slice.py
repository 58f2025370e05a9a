"""The audit journey as the app sees it: pages and API under /audit, commands under
``aitower audit``. No tables and no permissions of its own: it reads the core's audit trail
with the core's ``audit.read`` and ``audit.export``."""

from __future__ import annotations

from aitower.auditing import api, cli, pages
from aitower.core.slice import Slice

SLICE = Slice(
    name="auditing",
    api_routers=(api.build_router,),
    routers=(pages.build_router,),
    cli=(cli.register,),
)
