"""The one pagination and listing convention of the API (docs/api.md describes it).

``?limit=`` (1-200, default 50) and ``?offset=`` (0 or more); the answer is a ``Page`` with the
items, the total matching the filters, and ``next_offset`` (null on the last page).
"""

from __future__ import annotations

from typing import Annotated, Generic, TypeVar

from fastapi import Depends, Query
from pydantic import BaseModel

T = TypeVar("T")
MAX_LIMIT = 200
DEFAULT_LIMIT = 50
MAX_OFFSET = 10_000_000


class PageParams(BaseModel):
    limit: int
    offset: int


def page_params(
    limit: Annotated[
        int, Query(ge=1, le=MAX_LIMIT, description="Items per page (1-200).")
    ] = DEFAULT_LIMIT,
    offset: Annotated[
        int, Query(ge=0, le=MAX_OFFSET, description="Items to skip from the start.")
    ] = 0,
) -> PageParams:
    return PageParams(limit=limit, offset=offset)


PageDep = Annotated[PageParams, Depends(page_params)]


class Page(BaseModel, Generic[T]):
    items: list[T]
    total: int
    limit: int
    offset: int
    next_offset: int | None

    @classmethod
    def of(cls, items: list[T], total: int, params: PageParams) -> Page[T]:
        following = params.offset + len(items)
        return cls(
            items=items,
            total=total,
            limit=params.limit,
            offset=params.offset,
            next_offset=following if following < total else None,
        )
