"""REST routes of prices: the price data in force, the organisation's prices, quotes (thin)."""

from __future__ import annotations

import datetime as dt
import json
import uuid
from typing import Annotated

from fastapi import APIRouter, Query, Request, status
from fastapi.responses import Response

from aitower.core.access.principal import Principal
from aitower.core.db.base import utcnow
from aitower.core.errors import InvalidInput, NotFound
from aitower.core.web.deps import DbDep, change_context, guard
from aitower.core.web.pagination import Page, PageDep
from aitower.cost import data_store, service
from aitower.cost.permissions import CostPermission
from aitower.cost.price_list import price_row, search_prices
from aitower.cost.quotes import quote
from aitower.cost.schemas import (
    OverrideIn,
    OverrideOut,
    OverridePatch,
    PriceDataIn,
    PriceDataOut,
    PriceRowOut,
    QuoteOut,
)
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
    @router.get("/prices/catalog", tags=[TAG], summary="The price data in force, model by model")
    def catalog(
        db: DbDep,
        _: Reader,
        page: PageDep,
        provider: ProviderQuery = None,
        q: Annotated[
            str | None, Query(max_length=100, description="Text in model id or name")
        ] = None,
        at: Annotated[
            dt.datetime | None, Query(description="Prices in effect when; default now")
        ] = None,
    ) -> Page[PriceRowOut]:
        with db.reading() as session:
            data = service.load_price_book(session).data
        moment = as_utc(at)
        found = search_prices(data, provider, q)
        shown = found[page.offset : page.offset + page.limit]
        rows = [PriceRowOut.of(price_row(p, m, moment), data.label) for p, m in shown]
        return Page.of(rows, len(found), page)

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
        service_tier: Annotated[
            str | None,
            Query(max_length=40, description="priority, flex, batch… (default: standard)"),
        ] = None,
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
        return QuoteOut.of(quote(book, provider, model, usage, as_utc(at), service_tier or None))


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


def _data_routes(router: APIRouter) -> None:
    @router.get("/prices/data", tags=[TAG], summary="The price data in force: source and version")
    def get_data(db: DbDep, _: Reader) -> PriceDataOut:
        with db.reading() as session:
            return PriceDataOut.of(data_store.in_force(session))

    @router.get(
        "/prices/data/file",
        tags=[TAG],
        summary="The loaded data file in force (genai-prices format); 404 for the bundled data",
    )
    def get_data_file(db: DbDep, _: Reader) -> Response:
        with db.reading() as session:
            content = data_store.stored_content(session)
        if content is None:
            raise NotFound("the bundled genai-prices data is in force: no loaded file")
        return Response(content, media_type="application/json")

    @router.post(
        "/prices/data",
        tags=[TAG],
        status_code=status.HTTP_201_CREATED,
        summary="Load a newer genai-prices data file (offline), or go back to the bundled data",
    )
    def post_data(
        body: PriceDataIn, request: Request, db: DbDep, principal: Writer
    ) -> PriceDataOut:
        ctx = change_context(request, principal)
        if body.bundled == (body.data is not None):
            raise InvalidInput.on("data", "give the data file's content, or bundled: true")
        with db.writing() as session:
            if body.bundled:
                return PriceDataOut.of(data_store.use_bundled(session, ctx))
            content = json.dumps(body.data).encode("utf-8")
            return PriceDataOut.of(data_store.update_price_data(session, ctx, content, body.label))


def build_router() -> APIRouter:
    router = APIRouter()
    _catalog_routes(router)
    _data_routes(router)
    _override_routes(router)
    return router
