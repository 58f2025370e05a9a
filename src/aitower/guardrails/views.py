"""What the findings pages show, loaded for a reader: the filter as typed and as understood,
the types found, the chart of detections per day, and one type's detail.

Kept apart from ``pages`` so the CLI and the pages read the same figures, and the routes stay
thin.
"""

from __future__ import annotations

import datetime as dt
import uuid
from dataclasses import dataclass, field

from markupsafe import Markup
from sqlalchemy.orm import Session

from aitower.core.errors import InvalidInput
from aitower.core.moments import utc_moment
from aitower.core.web import charts
from aitower.detectors.detection import Category
from aitower.guardrails import findings
from aitower.guardrails.findings import FindingFilter, TypeDetail, TypeSummary
from aitower.guardrails.risk_draft import CATEGORY_TITLES
from aitower.guardrails.titles import type_title
from aitower.telemetry.scope import Scope

CHART_DAYS = 30  # the chart's days when the filter names no start
MAX_CHART_DAYS = 92


@dataclass(frozen=True, slots=True)
class FindingsForm:
    """The filter as typed in the GET form (kept in links and redisplayed when refused)."""

    system: str = ""
    type: str = ""
    category: str = ""
    since: str = ""
    until: str = ""

    def params(self) -> dict[str, str]:
        names = ("system", "type", "category", "since", "until")
        return {name: getattr(self, name) for name in names if getattr(self, name)}


def _moment(text: str, name: str) -> dt.datetime | None:
    text = text.strip()
    if not text:
        return None
    try:
        parsed = dt.datetime.fromisoformat(text)
    except ValueError:
        raise InvalidInput.on(
            name, "must be a date (2026-01-31) or a time (2026-01-31T09:00)"
        ) from None
    return utc_moment(parsed, name)


def parse_form(form: FindingsForm) -> FindingFilter:
    """The filter understood, or InvalidInput naming the field."""
    system_id = None
    if form.system.strip():
        try:
            system_id = uuid.UUID(form.system.strip())
        except ValueError:
            raise InvalidInput.on("system", "must be a system id") from None
    category = form.category.strip() or None
    if category is not None and category not in Category.__members__:
        raise InvalidInput.on("category", f"must be one of: {', '.join(Category.__members__)}")
    since, until = _moment(form.since, "since"), _moment(form.until, "until")
    if since is not None and until is not None and until <= since:
        raise InvalidInput.on("until", "must be after since")
    return FindingFilter(system_id, form.type.strip() or None, category, since, until)


def chart_days(filters: FindingFilter, today: dt.date) -> list[dt.date]:
    """The days the chart shows: from ``since`` (or 30 days back) to ``until`` (or today)."""
    last = today if filters.until is None else (filters.until - dt.timedelta(microseconds=1)).date()
    first = last - dt.timedelta(days=CHART_DAYS - 1)
    if filters.since is not None:
        first = max(filters.since.date(), last - dt.timedelta(days=MAX_CHART_DAYS - 1))
    return findings.day_range(first, last) if first <= last else []


def day_chart(series: dict[str, dict[dt.date, int]], days: list[dt.date], title: str) -> Markup:
    """Detections per day, one series per type or category, as grouped bars."""
    labels = [d.strftime("%m-%d") for d in days]
    rows = [(name, [float(counts.get(d, 0)) for d in days]) for name, counts in series.items()]
    return charts.grouped_bar_chart_svg(labels, rows, title=title, thin_labels=True)


def by_category(
    per_type: dict[str, dict[dt.date, int]], types: list[TypeSummary]
) -> dict[str, dict[dt.date, int]]:
    category_of = {t.finding_type: t.category for t in types}
    found: dict[str, dict[dt.date, int]] = {}
    for name, counts in per_type.items():
        title = CATEGORY_TITLES.get(category_of.get(name, ""), "Other")
        into = found.setdefault(title, {})
        for day, count in counts.items():
            into[day] = into.get(day, 0) + count
    return found


@dataclass(frozen=True, slots=True)
class FindingsView:
    types: list[TypeSummary]
    chart: Markup
    details: list[TypeDetail] = field(default_factory=list)
    systems: list[tuple[uuid.UUID, int]] = field(default_factory=list)  # with the details

    @property
    def total(self) -> int:
        return sum(t.count for t in self.types)


def findings_view(
    session: Session,
    scope: Scope,
    filters: FindingFilter,
    today: dt.date,
    *,
    per_type: bool,
    with_details: bool = False,
) -> FindingsView:
    """The types found under ``filters`` and the chart of their days (``per_type``: one series
    per type, else per category); ``with_details`` adds each type's traces, users and days."""
    types = findings.by_type(session, scope, filters)
    days = chart_days(filters, today)
    charted = FindingFilter(
        filters.system_id,
        filters.finding_type,
        filters.category,
        dt.datetime.combine(days[0], dt.time(), dt.UTC) if days else filters.since,
        filters.until,
    )
    daily = findings.per_day(session, scope, charted)
    if per_type:
        series = {type_title(name): counts for name, counts in daily.items()}
    else:
        series = by_category(daily, types)
    chart = day_chart(series, days, "Detections per day (UTC)")
    details: list[TypeDetail] = []
    systems: list[tuple[uuid.UUID, int]] = []
    if with_details:
        systems = findings.per_system(session, scope, filters)
        for t in types:
            detail = findings.type_detail(session, scope, filters, t.finding_type)
            if detail is not None:
                details.append(detail)
    return FindingsView(types, chart, details, systems)
