"""Scales, axis ticks and number formatting: the arithmetic behind every chart axis.

Kept apart from the drawing code because it is plain maths on floats and datetimes: it
decides where ticks fall and how labels and tooltips read, so it can be read and tested
without any SVG in sight.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime

TICK_TARGET = 5


@dataclass(frozen=True, slots=True)
class LinearScale:
    """Maps the domain ``[lo, hi]`` linearly onto the pixel range ``[start, end]``."""

    lo: float
    hi: float
    start: float
    end: float

    def __call__(self, value: float) -> float:
        return self.start + (value - self.lo) / (self.hi - self.lo) * (self.end - self.start)


def nice_step(raw: float) -> float:
    """The smallest step of 1, 2, 2.5 or 5 times a power of ten that is at least ``raw``.

    Round steps give round tick labels (Heckbert, "Nice numbers for graph labels", 1990).
    """
    if not math.isfinite(raw) or raw <= 0:
        return 1.0
    base = 10.0 ** math.floor(math.log10(raw))
    for multiple in (1.0, 2.0, 2.5, 5.0):
        if raw <= multiple * base * (1 + 1e-9):
            return multiple * base
    return 10.0 * base


def step_decimals(step: float) -> int:
    """Decimals needed to write every multiple of ``step`` exactly (0.25 → 2, 20 → 0)."""
    for decimals in range(10):
        if abs(round(step, decimals) - step) <= 1e-9 * max(1.0, abs(step)):
            return decimals
    return 10


def nice_ticks(
    lo: float, hi: float, target: int = TICK_TARGET, *, integer: bool = False
) -> list[float]:
    """Round ticks covering ``[lo, hi]``; the first and last tick are the axis range.

    ``integer``: the values are counts, so no tick falls between two whole numbers.
    """
    if hi < lo:
        lo, hi = hi, lo
    if hi == lo:
        lo, hi = value_domain([lo], include_zero=False)
    step = nice_step((hi - lo) / max(1, target))
    if integer:
        step = max(1.0, step)
    first = math.floor(lo / step + 1e-9) * step
    last = math.ceil(hi / step - 1e-9) * step
    decimals = step_decimals(step)
    count = round((last - first) / step)
    return [round(first + i * step, decimals) + 0.0 for i in range(count + 1)]


def all_whole(values: Sequence[float]) -> bool:
    return all(float(v).is_integer() for v in values)


def value_domain(values: Sequence[float], *, include_zero: bool = True) -> tuple[float, float]:
    """The range a value axis must show; never empty, so a constant series still has an axis.

    Counts and money read best against a zero baseline, hence ``include_zero``.
    """
    lo, hi = min(values), max(values)
    if include_zero:
        lo, hi = min(lo, 0.0), max(hi, 0.0)
    if lo == hi == 0:
        return 0.0, 1.0
    if lo == hi:
        pad = abs(lo) * 0.1
        return lo - pad, hi + pad
    return lo, hi


TIME_STEPS = (
    1,
    5,
    15,
    30,
    60,
    300,
    900,
    1800,
    3600,
    3 * 3600,
    6 * 3600,
    12 * 3600,
    86400,
    2 * 86400,
    7 * 86400,
    14 * 86400,
    30 * 86400,
    91 * 86400,
    365 * 86400,
)


def time_ticks(start: datetime, end: datetime, target: int = 6) -> list[datetime]:
    """Ticks at round UTC instants (whole minutes, hours, midnights) within ``[start, end]``."""
    span = max(1.0, (end - start).total_seconds())
    step = next((s for s in TIME_STEPS if span / s <= target), None)
    if step is None:
        step = TIME_STEPS[-1] * math.ceil(span / target / TIME_STEPS[-1])
    first = math.ceil(start.timestamp() / step) * step
    last = end.timestamp()
    return [
        datetime.fromtimestamp(first + i * step, UTC)
        for i in range(int((last - first) // step) + 1)
    ]


def time_label(moment: datetime, ticks: Sequence[datetime]) -> str:
    """A tick label as short as the tick spacing allows: "14:30", "3 Mar", "Mar 2024"."""
    moment = moment.astimezone(UTC)
    step = (ticks[1] - ticks[0]).total_seconds() if len(ticks) > 1 else 86400.0
    if step >= 28 * 86400:
        return f"{moment:%b %Y}"
    if step >= 86400:
        return f"{moment.day} {moment:%b}"
    clock = f"{moment:%H:%M:%S}" if step < 60 else f"{moment:%H:%M}"
    spans_days = ticks[0].date() != ticks[-1].date()
    return f"{moment.day} {moment:%b} {clock}" if spans_days else clock


def format_tick(value: float, step: float) -> str:
    """A tick label: thousands as k, millions as M, otherwise as many decimals as the step."""
    magnitude = abs(value)
    if magnitude >= 1e6 and step >= 1e5:
        return f"{value / 1e6:g}M"
    if magnitude >= 1e4 and step >= 1e3:
        return f"{value / 1e3:g}k"
    return f"{value:,.{step_decimals(step)}f}"


def format_value(value: float) -> str:
    """A value for a tooltip or label: grouped integers, else up to four significant digits."""
    if float(value).is_integer() and abs(value) < 1e15:
        return f"{int(value):,}"
    if abs(value) >= 1000:
        return f"{value:,.1f}"
    return f"{value:.4g}"
