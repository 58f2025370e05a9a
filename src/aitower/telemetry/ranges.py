"""Time ranges of the monitoring views and the buckets they are drawn in.

A range is read from a preset (``24h``, ``7d``, ``30d``) or from ``start``/``end``. The rollup
table follows the range: minute rollups for ranges up to two days that the minute table still
holds, six-hour rollups when the chart's step is six hours or more (30 days and longer), hour
rollups otherwise. The chart step is the smallest multiple of that table's bucket
giving at most ``MAX_POINTS`` points, so a 30-day chart has 180 points, not 43,200.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum

from aitower.core.errors import InvalidInput
from aitower.core.moments import EPOCH, utc_moment

PRESETS: dict[str, timedelta] = {
    "1h": timedelta(hours=1),
    "6h": timedelta(hours=6),
    "24h": timedelta(hours=24),
    "7d": timedelta(days=7),
    "30d": timedelta(days=30),
    "90d": timedelta(days=90),
}
DEFAULT_PRESET = "24h"
MAX_RANGE = timedelta(days=400)  # the hour rollups' default retention
MINUTE_MAX_RANGE = timedelta(days=2)
# Minute rollups are purged after a few days; older short ranges are read from hour rollups.
MINUTE_RETENTION = timedelta(days=3)
MAX_POINTS = 200
STEPS = (
    timedelta(minutes=1),
    timedelta(minutes=5),
    timedelta(minutes=15),
    timedelta(hours=1),
    timedelta(hours=3),
    timedelta(hours=6),
    timedelta(hours=12),
    timedelta(days=1),
    timedelta(days=7),
)


class Grain(StrEnum):
    minute = "minute"
    hour = "hour"
    six_hours = "six_hours"

    @property
    def size(self) -> timedelta:
        return _GRAIN_SIZES[self]


_GRAIN_SIZES = {
    Grain.minute: timedelta(minutes=1),
    Grain.hour: timedelta(hours=1),
    Grain.six_hours: timedelta(hours=6),
}


@dataclass(frozen=True, slots=True)
class TimeRange:
    """``[start, end)`` in UTC, with the rollup grain and chart step that serve it."""

    start: datetime
    end: datetime
    grain: Grain
    step: timedelta
    preset: str | None = None

    @property
    def duration(self) -> timedelta:
        return self.end - self.start

    def previous(self) -> tuple[datetime, datetime]:
        """The period of equal length just before, for trends."""
        return self.start - self.duration, self.start

    def buckets(self) -> list[datetime]:
        """Every chart bucket's start from the one holding ``start`` up to ``end``."""
        found = []
        at = floor(self.start, self.step)
        while at < self.end:
            found.append(at)
            at += self.step
        return found


def floor(moment: datetime, step: timedelta) -> datetime:
    """The start of the epoch-aligned ``step`` bucket holding ``moment``."""
    offset = (moment - EPOCH) // step
    return EPOCH + offset * step


def choose_grain(start: datetime, end: datetime, now: datetime) -> tuple[Grain, timedelta]:
    """Minute rollups for short recent ranges, hour rollups else; then the chart step."""
    short = end - start <= MINUTE_MAX_RANGE and start >= now - MINUTE_RETENTION
    grain = Grain.minute if short else Grain.hour
    span = end - start
    step = next((s for s in STEPS if s >= grain.size and span / s <= MAX_POINTS), STEPS[-1])
    if step >= Grain.six_hours.size:  # long ranges: the six-hour table holds the same buckets
        grain = Grain.six_hours
    return grain, step


def resolve_range(
    preset: str | None, start: datetime | None, end: datetime | None, now: datetime
) -> TimeRange:
    """The range asked for: explicit ``start`` (and ``end``, default now) win over a preset.

    Refused with the field named: an unknown preset, an end not after the start, a range over
    ``MAX_RANGE``.
    """
    if start is None and end is None:
        name = preset or DEFAULT_PRESET
        if name not in PRESETS:
            raise InvalidInput.on("range", f"must be one of: {', '.join(PRESETS)}")
        first, last = now - PRESETS[name], now
    else:
        if start is None:
            raise InvalidInput.on("start", "is required when end is given")
        first = utc_moment(start, "start")
        last = utc_moment(end, "end") if end is not None else now
        name = None
        if last <= first:
            raise InvalidInput.on("end", "must be after start")
    if last - first > MAX_RANGE:
        raise InvalidInput.on("end", f"the range may span at most {MAX_RANGE.days} days")
    grain, step = choose_grain(first, last, now)
    return TimeRange(first, last, grain, step, name)
