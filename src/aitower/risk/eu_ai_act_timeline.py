"""A system's EU AI Act application dates as two lanes, the Act as published and as amended.
Pure.

Why two lanes: the 2026 amendment moved the high-risk dates by 16 and 12 months, and until its
text is verified a team must see both: when each of its obligations starts under the original
Art. 113 and under the amended one. Positions are percentages of the span from the first to the
last date (plus a margin), so the page draws them with plain HTML and CSS.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass

from aitower.risk.eu_ai_act_obligations import Duty

MARGIN_DAYS = 90


@dataclass(frozen=True, slots=True)
class Milestone:
    when: dt.date
    articles: tuple[str, ...]  # the obligations starting that day, by article
    verified: bool
    left: float  # position, 0–100 %


@dataclass(frozen=True, slots=True)
class Lane:
    key: str  # "original" or "amended"
    title: str
    milestones: tuple[Milestone, ...]


@dataclass(frozen=True, slots=True)
class Timeline:
    lanes: tuple[Lane, ...]
    years: tuple[tuple[int, float], ...]  # 1 January of each year in the span, and its position
    today: float | None  # position of today, None when outside the span
    not_in_original: tuple[str, ...]  # obligations that exist only in the amended text


def _position(day: dt.date, start: dt.date, end: dt.date) -> float:
    return round(100 * (day - start).days / max((end - start).days, 1), 2)


def _lane(
    key: str, title: str, dated: dict[dt.date, list[Duty]], verified: bool,
    start: dt.date, end: dt.date,
) -> Lane:  # fmt: skip
    milestones = tuple(
        Milestone(
            day,
            tuple(dict.fromkeys(d.article for d in duties)),
            verified,
            _position(day, start, end),
        )
        for day, duties in sorted(dated.items())
    )
    return Lane(key, title, milestones)


def build(duties: Iterable[Duty], today: dt.date) -> Timeline | None:
    """The two lanes of these duties; None when there is no dated duty."""
    original: dict[dt.date, list[Duty]] = {}
    amended: dict[dt.date, list[Duty]] = {}
    amended_verified = True
    missing: list[str] = []
    for duty in duties:
        if duty.original is not None:
            original.setdefault(duty.original, []).append(duty)
        else:
            missing.append(duty.article)
        if duty.amended is not None:
            amended.setdefault(duty.amended, []).append(duty)
            amended_verified = amended_verified and duty.amended_verified
    days = [*original, *amended]
    if not days:
        return None
    start = min(days) - dt.timedelta(days=MARGIN_DAYS)
    end = max(days) + dt.timedelta(days=MARGIN_DAYS)
    lanes = (
        _lane("original", "As published (Art. 113)", original, True, start, end),
        _lane("amended", "As amended (2026)", amended, amended_verified, start, end),
    )
    years = tuple(
        (year, _position(dt.date(year, 1, 1), start, end))
        for year in range(start.year + 1, end.year + 1)
    )
    now = _position(today, start, end) if start <= today <= end else None
    return Timeline(lanes, years, now, tuple(dict.fromkeys(missing)))
