"""What a capability adds to the Overview page: tiles (a figure linking to where it comes from)
and charts, each with a rank that places it among the other capabilities'.

A capability declares ``OverviewSource``s in its ``Slice``; the Overview calls each with the
reader and today's date and shows what they return (``None``: nothing for this reader). Each
figure comes from the capability's own service and respects the reader's business units.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Literal

from markupsafe import Markup
from sqlalchemy.orm import Session

from aitower.core.access.principal import Principal

Tone = Literal["", "warn", "bad"]


@dataclass(frozen=True, slots=True)
class OverviewTile:
    rank: int
    value: str
    label: str
    href: str
    tone: Tone = ""  # "warn" or "bad" colours the tile when it asks for attention
    testid: str = ""


@dataclass(frozen=True, slots=True)
class OverviewChart:
    rank: int
    svg: Markup


@dataclass(frozen=True, slots=True)
class AttentionItem:
    """One thing that needs someone's attention now (an open incident, say), listed by name
    on the Overview and on Monitoring so the reader goes straight to it."""

    rank: int
    title: str
    href: str
    detail: str = ""
    tone: Tone = ""
    testid: str = ""


@dataclass(frozen=True, slots=True)
class OverviewPanel:
    tiles: tuple[OverviewTile, ...] = ()
    charts: tuple[OverviewChart, ...] = ()


OverviewSource = Callable[[Session, Principal, date], OverviewPanel | None]
"""``(session, reader, today)``: what a capability shows this reader on the Overview."""


AttentionSource = Callable[[Session, Principal], tuple[AttentionItem, ...]]
"""``(session, reader)``: what a capability asks this reader to look at now (in their units)."""


def attention_items(
    session: Session, principal: Principal, sources: Sequence[AttentionSource]
) -> tuple[AttentionItem, ...]:
    """Every capability's items for the reader, by rank."""
    found = [item for source in sources for item in source(session, principal)]
    return tuple(sorted(found, key=lambda i: i.rank))


def tone_if(condition: object, tone: Tone = "warn") -> Tone:
    """``tone`` when ``condition`` holds (a count above zero, say), else no tone."""
    return tone if condition else ""
