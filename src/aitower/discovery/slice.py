"""Discovery as the app sees it: the catalog of AI services, findings from scans and
unregistered telemetry, their triage, the trend and the alert metric."""

from __future__ import annotations

from sqlalchemy.orm import Session

from aitower.core.slice import Slice
from aitower.core.web.navigation import NavItem
from aitower.discovery import (
    api,
    api_duplicates,
    api_expenses,
    api_scans,
    cli,
    pages_catalog,
    pages_duplicates,
    pages_findings,
    pages_overview,
    pages_scans,
    pages_triage,
    tables,
)
from aitower.discovery.demo import add_demo_discovery
from aitower.discovery.permissions import DiscoveryPermission
from aitower.discovery.trend import open_counts


def finding_lines(session: Session) -> list[str]:
    """``aitower_discovery_findings{status=…}``: stored findings per triage status."""
    counts = open_counts(session)
    lines = [
        "# HELP aitower_discovery_findings Discovered AI use (shadow AI) per triage status",
        "# TYPE aitower_discovery_findings gauge",
    ]
    for status in ("new", "registered", "sanctioned", "blocked", "dismissed"):
        lines.append(f'aitower_discovery_findings{{status="{status}"}} {counts.get(status, 0)}')
    return lines


SLICE = Slice(
    name="discovery",
    tables=(tables,),
    permissions=(DiscoveryPermission,),
    api_routers=(
        lambda _: api.build_router(),
        lambda _: api_duplicates.build_router(),
        lambda _: api_expenses.build_router(),
    ),
    routers=(
        lambda _: pages_overview.build_router(),
        lambda _: pages_findings.build_router(),
        lambda _: pages_triage.build_router(),
        lambda _: pages_catalog.build_router(),
        lambda _: pages_scans.build_router(),
        lambda _: pages_duplicates.build_router(),
    ),
    navigation=(
        NavItem("discovery", "Discovery", "/discovery", DiscoveryPermission.findings_read, rank=70),
    ),
    cli=(cli.register_cli,),
    demo=(add_demo_discovery,),
    prometheus=(finding_lines,),
    # Uploads through the API and the Scans page's forms: api_scans.MAX_LOG_BYTES for logs,
    # api_expenses.MAX_UPLOAD_BYTES for card exports.
    body_limits=(
        *((path, lambda _: api_scans.MAX_LOG_BYTES) for path in api_scans.UPLOAD_PATHS),
        *((path, lambda _: api_expenses.MAX_UPLOAD_BYTES) for path in api_expenses.UPLOAD_PATHS),
    ),
)
