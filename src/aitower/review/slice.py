"""The human review queue as the app sees it: its tables, permissions, API, pages (the queue,
an item, quality, a system's routing), the CLI, and the routing pass in the background.

It stands above telemetry (it reads transcripts, scores and detector findings) and below
guardrails, which may show its routing form and its measured precision.
"""

from __future__ import annotations

from aitower.core.background import BackgroundJob
from aitower.core.slice import Slice
from aitower.core.web.navigation import NavItem
from aitower.review import api, cli, pages, tables
from aitower.review.overview import review_panel
from aitower.review.permissions import ReviewPermission
from aitower.review.routing import route_all

SLICE = Slice(
    name="review",
    tables=(tables,),
    permissions=(ReviewPermission,),
    api_routers=(lambda _: api.build_router(),),
    routers=(lambda _: pages.build_router(),),
    navigation=(NavItem("review", "Review", "/review", ReviewPermission.review_read, rank=45),),
    cli=(cli.register,),
    overview=(review_panel,),
    # Every pass: routing reads only what came since its watermark.
    jobs=(BackgroundJob("review routing", route_all),),
)
