"""What the Discovery overview and the findings list sum up from findings (pure).

"Unsanctioned" means the service is not sanctioned for the finding's unit (unsanctioned, under
review, blocked, or not in the catalog), as ``FindingFilter(sanctioned=False)`` reads it. Each
overview figure is one filter of the findings list, so its tile links to the list showing the
same count: new findings are those first seen in the last ``NEW_DAYS`` days; open ones are
``new`` (not yet triaged); data leaving is what unsanctioned findings seen in the last
``PERIOD_DAYS`` days sent (a finding's bytes are its total since it was first seen: logs give
sums per scan, not per day).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from aitower.discovery.findings import FindingStatus, FindingView
from aitower.discovery.sanction import SanctionStatus

NEW_DAYS = 7
PERIOD_DAYS = 30
WITHIN_CHOICES = (7, 30, 90)
TOP_SERVICES = 10


@dataclass(frozen=True, slots=True)
class ServiceSummary:
    service_id: str
    service_name: str
    users: int
    requests: int
    bytes_sent: int
    top_risk: int


@dataclass(frozen=True, slots=True)
class Totals:
    """A list of findings in three numbers (the list's header)."""

    findings: int
    services: int
    bytes_sent: int


@dataclass(frozen=True, slots=True)
class Summary:
    new_recent: int  # first seen in the last NEW_DAYS days
    open_unsanctioned: int  # status new, service not sanctioned
    unsanctioned_services: int  # distinct services of those
    bytes_leaving: int  # sent by unsanctioned findings seen in the last PERIOD_DAYS days
    services: list[ServiceSummary]  # of those, highest risk first


def unsanctioned(view: FindingView) -> bool:
    return view.sanction is not SanctionStatus.sanctioned


def within(
    views: Sequence[FindingView], now: datetime, new_days: int | None, active_days: int | None
) -> list[FindingView]:
    """The findings first seen in the last ``new_days`` and last seen in the last
    ``active_days`` days (None: any time), in the given order."""
    first = None if new_days is None else now - timedelta(days=new_days)
    last = None if active_days is None else now - timedelta(days=active_days)
    return [
        v
        for v in views
        if (first is None or v.first_seen >= first) and (last is None or v.last_seen >= last)
    ]


def totals(views: Sequence[FindingView]) -> Totals:
    return Totals(len(views), len({v.service_id for v in views}), sum(v.bytes_sent for v in views))


def by_service(views: Sequence[FindingView]) -> list[ServiceSummary]:
    """Per service: distinct users, requests, bytes sent, the highest risk; highest risk first,
    then most requests."""
    groups: dict[str, list[FindingView]] = {}
    for v in views:
        groups.setdefault(v.service_id, []).append(v)
    found = [
        ServiceSummary(
            service_id, group[0].service_name, len({v.user for v in group if v.user}),
            sum(v.requests for v in group), sum(v.bytes_sent for v in group),
            max(v.risk_score for v in group),
        )
        for service_id, group in groups.items()
    ]  # fmt: skip
    found.sort(key=lambda s: (-s.top_risk, -s.requests, s.service_id))
    return found


def summarise(views: Sequence[FindingView], now: datetime) -> Summary:
    """The overview's figures of the findings a reader may see."""
    open_ones = [v for v in views if v.status is FindingStatus.new and unsanctioned(v)]
    leaving = within([v for v in views if unsanctioned(v)], now, None, PERIOD_DAYS)
    return Summary(
        new_recent=len(within(views, now, NEW_DAYS, None)),
        open_unsanctioned=len(open_ones),
        unsanctioned_services=len({v.service_id for v in open_ones}),
        bytes_leaving=sum(v.bytes_sent for v in leaving),
        services=by_service(leaving)[:TOP_SERVICES],
    )


def format_bytes(count: int) -> str:
    """Decimal units (1 kB = 1,000 bytes), as the risk tiers are stated."""
    size = float(count)
    for unit in ("B", "kB", "MB", "GB", "TB"):
        if size < 1000 or unit == "TB":
            return f"{size:,.0f} {unit}" if unit == "B" else f"{size:,.1f} {unit}"
        size /= 1000
    return f"{count} B"  # unreachable: the loop returns at TB
