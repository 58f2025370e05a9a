"""Model monitoring as the app sees it: references, scheduled monitors of drift, performance
and fairness, the Models pages, and their part of the background pass."""

from __future__ import annotations

from aitower.core.background import BackgroundJob
from aitower.core.slice import Slice
from aitower.core.web.navigation import NavItem
from aitower.model_monitors import api, cli, pages, tables
from aitower.model_monitors.demo import RuleReplay, demo_models_contributor
from aitower.model_monitors.evidence import MonitorEvidence
from aitower.model_monitors.overview import models_panel
from aitower.model_monitors.permissions import MonitorPermission
from aitower.model_monitors.running import run_due_monitors


def model_monitors_slice(replay: RuleReplay | None = None) -> Slice:
    """The slice; ``replay`` lets the demo's alert rules replay over the models' history (the
    alert rules live in a capability above this one, so the composition root hands it in)."""
    return Slice(
        name="model_monitors",
        tables=(tables,),
        permissions=(MonitorPermission,),
        api_routers=(lambda _: api.build_router(),),
        routers=(lambda _: pages.build_router(),),
        navigation=(
            NavItem(
                "models", "Models", "/monitoring/models", MonitorPermission.monitors_read, rank=50
            ),
        ),
        cli=(cli.register,),
        demo=(demo_models_contributor(replay),),
        overview=(models_panel,),
        # One indexed query when no monitor is due; each due one is leased to one replica.
        jobs=(BackgroundJob("model monitors", run_due_monitors),),
        # A gate asking for a bias or performance evaluation judges the linked monitor.
        evidence_sources=(MonitorEvidence(),),
    )
