"""REST routes of prices: the catalog, the organisation's prices and quotes (thin)."""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Annotated

from fastapi import APIRouter, Query, Request, status

from aitower.core.access.principal import Principal
from aitower.core.db.base import utcnow
from aitower.core.web.deps import DbDep, change_context, guard
from aitower.core.web.pagination import Page, PageDep
from aitower.cost import service
from aitower.cost.catalog import builtin_catalog
from aitower.cost.names import normalise_provider
from aitower.cost.permissions import CostPermission
from aitower.cost.quotes import quote
from aitower.cost.schemas import CatalogEntryOut, OverrideIn, OverrideOut, OverridePatch, QuoteOut
from aitower.cost.usage import TokenUsage

TAG = "prices"
Reader = Annotated[Principal, guard(CostPermission.prices_read)]
Writer = Annotated[Principal, guard(CostPermission.prices_write)]
Tokens = Annotated[int, Query(ge=0, le=1_000_000_000)]
ProviderQuery = Annotated[str | None, Query(max_length=100, description="Any spelling")]


def as_utc(moment: dt.datetime | None) -> dt.datetime:
    """A query's time in UTC; a time without zone is read as UTC; none is now."""
    if moment is None:
        return utcnow()
    if moment.tzinfo is None:
        return moment.replace(tzinfo=dt.UTC)
    return moment.astimezone(dt.UTC)


def _catalog_routes(router: APIRouter) -> None:
    @router.get("/prices/catalog", tags=[TAG], summary="The built-in price catalog")
    def catalog(
        _: Reader,
        page: PageDep,
        provider: ProviderQuery = None,
        q: Annotated[str | None, Query(max_length=100, description="Text in id or pattern")] = None,
    ) -> Page[CatalogEntryOut]:
        found = builtin_catalog().search(normalise_provider(provider), q)
        shown = found[page.offset : page.offset + page.limit]
        return Page.of([CatalogEntryOut.of(e) for e in shown], len(found), page)

    @router.get(
        "/prices/quote", tags=[TAG], summary="What a call would cost, which price applies and why"
    )
    def get_quote(
        db: DbDep,
        _: Reader,
        model: Annotated[str, Query(min_length=1, max_length=200)],
        provider: ProviderQuery = None,
        input_tokens: Tokens = 0,
        output_tokens: Tokens = 0,
        cache_read_tokens: Tokens = 0,
        cache_write_tokens: Tokens = 0,
        reasoning_tokens: Tokens = 0,
        at: Annotated[dt.datetime | None, Query(description="When (ISO 8601); default now")] = None,
    ) -> QuoteOut:
        usage = TokenUsage(
            input=input_tokens,
            output=output_tokens,
            cache_read=cache_read_tokens,
            cache_write=cache_write_tokens,
            reasoning=reasoning_tokens,
        )
        with db.reading() as session:
            book = service.load_price_book(session)
        return QuoteOut.of(quote(book, provider, model, usage, as_utc(at)))


def _override_routes(router: APIRouter) -> None:
    @router.get("/prices/overrides", tags=[TAG], summary="The organisation's prices")
    def list_overrides(
        db: DbDep, page: PageDep, _: Reader, provider: ProviderQuery = None
    ) -> Page[OverrideOut]:
        with db.reading() as session:
            found, total = service.list_overrides(
                session, provider=provider, limit=page.limit, offset=page.offset
            )
        return Page.of([OverrideOut.of(v) for v in found], total, page)

    @router.post(
        "/prices/overrides",
        tags=[TAG],
        status_code=status.HTTP_201_CREATED,
        summary="Add an organisation price (negotiated prices and/or a discount)",
    )
    def create_override(
        body: OverrideIn, request: Request, db: DbDep, principal: Writer
    ) -> OverrideOut:
        with db.writing() as session:
            made = service.create_override(session, change_context(request, principal), body.spec())
        return OverrideOut.of(made)

    @router.get("/prices/overrides/{override_id}", tags=[TAG], summary="One organisation price")
    def get_override(override_id: uuid.UUID, db: DbDep, _: Reader) -> OverrideOut:
        with db.reading() as session:
            return OverrideOut.of(service.get_override(session, override_id))

    @router.patch(
        "/prices/overrides/{override_id}", tags=[TAG], summary="Change an organisation price"
    )
    def update_override(
        override_id: uuid.UUID, body: OverridePatch, request: Request, db: DbDep, principal: Writer
    ) -> OverrideOut:
        with db.writing() as session:
            changed = service.update_override(
                session, change_context(request, principal), override_id, body.changes()
            )
        return OverrideOut.of(changed)

    @router.delete(
        "/prices/overrides/{override_id}",
        tags=[TAG],
        status_code=status.HTTP_204_NO_CONTENT,
        summary="Remove an organisation price (calls priced before keep their cost)",
    )
    def delete_override(
        override_id: uuid.UUID, request: Request, db: DbDep, principal: Writer
    ) -> None:
        with db.writing() as session:
            service.delete_override(session, change_context(request, principal), override_id)


def build_router() -> APIRouter:
    router = APIRouter()
    _catalog_routes(router)
    _override_routes(router)
    return router
