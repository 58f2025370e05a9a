"""How a figure's change against the previous period is said, without absurd percentages.

A percentage needs a previous period big enough to compare with: against 3 requests, 900 read
as "+29,900 %", which says nothing. The rule:

- nothing before, something now: **new**;
- fewer than ``MIN_PREVIOUS`` before: **n/a** (too little to compare; the title says how much);
- ten times or more the previous: a factor, **×12**;
- else the change in percent, rounded: **+32 %**, **−8 %**, **0 %**.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

MIN_PREVIOUS = 20  # requests in the previous period below which no percentage is given
FACTOR_FROM = 10.0  # a ratio at or above this is said as a factor

Direction = Literal["up", "down", ""]


@dataclass(frozen=True, slots=True)
class Trend:
    label: str
    direction: Direction  # colours the label; "" for new, n/a and no change
    title: str  # the hover text: the two figures compared


def trend(current: int, previous: int) -> Trend:
    """``current`` against ``previous`` (counts of the two periods of equal length)."""
    title = f"{current:,} now, {previous:,} in the previous period"
    if previous <= 0:
        return Trend("new" if current > 0 else "n/a", "", title)
    if previous < MIN_PREVIOUS:
        return Trend("n/a", "", f"{title}: too few to compare")
    ratio = current / previous
    if ratio >= FACTOR_FROM:
        return Trend(f"×{ratio:,.0f}", "up", title)
    percent = round((ratio - 1) * 100)
    direction: Direction = "up" if percent > 0 else "down" if percent < 0 else ""
    sign = "+" if percent > 0 else "−" if percent < 0 else ""
    return Trend(f"{sign}{abs(percent):,} %", direction, title)
