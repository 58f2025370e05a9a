"""The human review queue as the app sees it: tables, permissions, routes, pages, CLI, job."""

from __future__ import annotations

from aitower.core.slice import Slice
from aitower.review import tables
from aitower.review.permissions import ReviewPermission

SLICE = Slice(
    name="review",
    tables=(tables,),
    permissions=(ReviewPermission,),
)
