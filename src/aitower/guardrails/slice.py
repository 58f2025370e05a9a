"""Guardrails as the app sees it: the findings pages and the Security tab, "open a risk" from a
finding, the inline scan for a gateway, the CLI and an Overview tile. The demo's leak episode
is a story of the demo's traffic (``telemetry.demo_leak``), found at ingest like real traffic.

The findings are written at ingest by telemetry (``telemetry.finding_tables``); this slice
reads them. Alerting reads their counts through ``guardrails.alert_metrics``.
"""

from __future__ import annotations

from aitower.core.slice import Slice
from aitower.core.web.navigation import NavItem
from aitower.guardrails import api, cli, pages
from aitower.guardrails.overview import findings_panel
from aitower.guardrails.permissions import GuardrailsPermission

SLICE = Slice(
    name="guardrails",
    permissions=(GuardrailsPermission,),
    api_routers=(lambda _: api.build_router(),),
    routers=(lambda _: pages.build_router(),),
    navigation=(
        NavItem(
            "guardrails",
            "Guardrails",
            "/guardrails/findings",
            GuardrailsPermission.findings_read,
            rank=55,
        ),
    ),
    cli=(cli.register,),
    overview=(findings_panel,),
    body_limits=(("/api/v1/scan", lambda _: api.MAX_BODY_BYTES),),
)
