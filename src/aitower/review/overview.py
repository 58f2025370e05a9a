"""The review queue's Overview tile: how many open items wait for the reader's role."""

from __future__ import annotations

from datetime import date

from sqlalchemy.orm import Session

from aitower.core.access.principal import Principal
from aitower.core.web.overview_panels import OverviewPanel, OverviewTile, tone_if
from aitower.review.permissions import ReviewPermission
from aitower.review.service import ItemFilter, list_items


def review_panel(session: Session, principal: Principal, today: date) -> OverviewPanel | None:
    """None for a reader who does not review: the tile is a reviewer's to-do."""
    del today  # an item is open now, whatever the day
    if not principal.can(ReviewPermission.review_verdict):
        return None
    _, waiting = list_items(session, principal, ItemFilter(my_role=True, status="open"), 1, 0)
    tile = OverviewTile(
        8,
        str(waiting),
        "output to review" if waiting == 1 else "outputs to review",
        "/review?my_role=yes&status=open",
        tone_if(waiting),
        testid="tile-review",
    )
    return OverviewPanel(tiles=(tile,))
