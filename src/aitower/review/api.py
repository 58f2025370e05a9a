"""REST routes of the review queue (thin: parse, call, shape)."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime
from typing import Annotated

from fastapi import APIRouter, Query, Request, status

from aitower.core.access.principal import Principal
from aitower.core.errors import InvalidInput
from aitower.core.web.deps import DbDep, change_context, guard
from aitower.core.web.pagination import Page, PageDep
from aitower.review import quality, route_settings, service
from aitower.review.item_detail import item_detail
from aitower.review.permissions import ReviewPermission
from aitower.review.schemas import (
    FlagIn,
    ItemDetailOut,
    ItemOut,
    QualityOut,
    RouteIn,
    RouteOut,
    VerdictIn,
)

Reader = Annotated[Principal, guard(ReviewPermission.review_read)]
Reviewer = Annotated[Principal, guard(ReviewPermission.review_verdict)]
Router = Annotated[Principal, guard(ReviewPermission.review_route)]


def _utc(moment: datetime | None) -> datetime | None:
    """A query's time in UTC; a time without zone is read as UTC."""
    if moment is None:
        return None
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)


def build_router() -> APIRouter:
    router = APIRouter(tags=["review"])

    @router.get("/review/items", summary="The review items you may see, open first")
    def list_items(
        db: DbDep,
        principal: Reader,
        page: PageDep,
        mine: Annotated[bool, Query(description="Only items claimed by me")] = False,
        my_role: Annotated[bool, Query(description="Only items assigned to my role")] = False,
        system_id: uuid.UUID | None = None,
        source: Annotated[str | None, Query(max_length=16)] = None,
        status: Annotated[str | None, Query(max_length=8)] = None,
    ) -> Page[ItemOut]:
        f = service.ItemFilter(mine, my_role, system_id, source or None, status or None)
        with db.reading() as session:
            items, total = service.list_items(session, principal, f, page.limit, page.offset)
        return Page.of([ItemOut.of(i) for i in items], total, page)

    @router.post(
        "/review/items",
        status_code=status.HTTP_201_CREATED,
        summary="Send a trace to review by hand (audited)",
    )
    def flag(body: FlagIn, request: Request, db: DbDep, principal: Reviewer) -> ItemOut:
        with db.writing() as session:
            made = service.flag(
                session,
                change_context(request, principal),
                body.trace_id,
                body.reason,
                body.assigned_role,
            )
        return ItemOut.of(made)

    @router.get(
        "/review/items/{item_id}",
        summary="One item with the trace's findings and context documents",
    )
    def get_item(item_id: uuid.UUID, db: DbDep, principal: Reader) -> ItemDetailOut:
        with db.reading() as session:
            return ItemDetailOut.of(item_detail(session, principal, item_id))

    @router.post("/review/items/{item_id}/claim", summary="Assign the item to me (audited)")
    def claim(item_id: uuid.UUID, request: Request, db: DbDep, principal: Reviewer) -> ItemOut:
        with db.writing() as session:
            return ItemOut.of(service.claim(session, change_context(request, principal), item_id))

    @router.post("/review/items/{item_id}/verdict", summary="Judge the item (audited)")
    def verdict(
        item_id: uuid.UUID, body: VerdictIn, request: Request, db: DbDep, principal: Reviewer
    ) -> ItemOut:
        with db.writing() as session:
            judged = service.give_verdict(
                session, change_context(request, principal), item_id, body.verdict, body.notes
            )
        return ItemOut.of(judged)

    @router.get(
        "/review/quality",
        summary="Quality per system and the detectors' measured precision, from verdicts",
    )
    def quality_report(
        db: DbDep,
        principal: Reader,
        since: datetime | None = None,
        until: datetime | None = None,
    ) -> QualityOut:
        start, end = _utc(since), _utc(until)
        if start is not None and end is not None and start >= end:
            raise InvalidInput.on("until", "must be after since")
        with db.reading() as session:
            return QualityOut.of(quality.quality_report(session, principal, start, end))

    @router.get("/systems/{system_id}/review-route", summary="The system's routing to review")
    def get_route(system_id: uuid.UUID, db: DbDep, principal: Reader) -> RouteOut:
        with db.reading() as session:
            return RouteOut.of(route_settings.get_route(session, principal, system_id))

    @router.put(
        "/systems/{system_id}/review-route",
        summary="Change which of the system's outputs go to review (audited)",
    )
    def put_route(
        system_id: uuid.UUID, body: RouteIn, request: Request, db: DbDep, principal: Router
    ) -> RouteOut:
        with db.writing() as session:
            saved = route_settings.set_route(
                session, change_context(request, principal), system_id, body.settings()
            )
        return RouteOut.of(saved)

    return router
