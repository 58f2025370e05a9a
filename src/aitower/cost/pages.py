"""The prices page: the price data in force (search, provider; each price's source and date),
the organisation's prices, add and remove.

Forms follow Post/Redirect/Get: success redirects with a fixed ``?notice=`` code; a refused
form answers the page again with the form as typed and the field's reason.
"""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Annotated, Any

from fastapi import APIRouter, Query, Request
from starlette.concurrency import run_in_threadpool
from starlette.responses import RedirectResponse, Response

from aitower.core.access.pages_shared import FormProblem
from aitower.core.access.principal import Principal
from aitower.core.db.base import utcnow
from aitower.core.errors import DomainError, InvalidInput
from aitower.core.web.deps import DbDep, change_context, guard
from aitower.core.web.templating import render
from aitower.cost import data_store, service
from aitower.cost.overrides import PRICE_FIELDS, OverrideSpec
from aitower.cost.permissions import CostPermission
from aitower.cost.price_list import price_row, search_prices
from aitower.cost.pricing import PriceBook
from aitower.cost.quotes import Quote, quote
from aitower.cost.usage import TokenUsage

Reader = Annotated[Principal, guard(CostPermission.prices_read)]
Writer = Annotated[Principal, guard(CostPermission.prices_write)]
OVERRIDES_SHOWN = 200
PRICES_SHOWN = 150
FORM_FIELDS = (
    "provider",
    "model_pattern",
    *PRICE_FIELDS,
    "discount_percent",
    "effective_from",
    "effective_to",
    "note",
)
NOTICES = {
    "override-added": "The organisation price was added; calls from its first day use it.",
    "override-removed": "The organisation price was removed; calls priced before keep their cost.",
}


def _number(values: dict[str, str], name: str) -> float | None:
    text = values.get(name, "").strip()
    if not text:
        return None
    try:
        return float(text)
    except ValueError:
        raise InvalidInput.on(name, "must be a number") from None


def _day(values: dict[str, str], name: str) -> dt.date | None:
    text = values.get(name, "").strip()
    if not text:
        return None
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise InvalidInput.on(name, "must be a date (YYYY-MM-DD)") from None


def spec_from_form(values: dict[str, str]) -> OverrideSpec:
    """The typed form as a spec; a value that is not a number or a date names its field."""
    start = _day(values, "effective_from")
    if start is None:
        raise InvalidInput.on("effective_from", "is required (YYYY-MM-DD)")
    numbers = {name: _number(values, name) for name in (*PRICE_FIELDS, "discount_percent")}
    return OverrideSpec(
        provider=values.get("provider", ""),
        model_pattern=values.get("model_pattern", ""),
        effective_from=start,
        effective_to=_day(values, "effective_to"),
        note=values.get("note", ""),
        **numbers,
    )


def _quote(book: PriceBook, filters: dict[str, Any]) -> Quote | None:
    model = str(filters["model"]).strip()
    if not model:
        return None
    usage = TokenUsage(input=filters["tin"], output=filters["tout"])
    provider = str(filters["quote_provider"]).strip() or None
    tier = str(filters["tier"]).strip() or None
    return quote(book, provider, model, usage, utcnow(), tier)


def _page(
    request: Request,
    db: DbDep,
    principal: Principal,
    *,
    filters: dict[str, Any],
    values: dict[str, str] | None = None,
    problem: FormProblem | None = None,
    notice: str | None = None,
) -> Response:
    with db.reading() as session:
        overrides, total = service.list_overrides(session, limit=OVERRIDES_SHOWN)
        book = service.load_price_book(session)
        data_view = data_store.in_force(session)
    now = utcnow()
    matching = search_prices(book.data, filters["provider"] or None, filters["q"])
    rows = [price_row(p, m, now) for p, m in matching[:PRICES_SHOWN]]
    found = _quote(book, filters)
    return render(
        request,
        "cost/prices.html",
        principal,
        status_code=200 if problem is None else problem.status,
        section="cost",
        rows=rows,
        row_total=len(matching),
        data=data_view,
        providers=sorted(p.id for p in book.data.providers),
        filters=filters,
        overrides=overrides,
        override_total=total,
        today=utcnow().date(),
        values=values or {"effective_from": utcnow().date().isoformat()},
        problem=problem,
        quote=found,
        can_write=principal.can(CostPermission.prices_write),
        notice=None if notice is None else NOTICES.get(notice),
    )


def _no_filters() -> dict[str, Any]:
    return {
        "q": "", "provider": "", "quote_provider": "", "model": "", "tin": 0, "tout": 0, "tier": "",
    }  # fmt: skip


def prices_page(
    request: Request,
    db: DbDep,
    principal: Reader,
    q: Annotated[str, Query(max_length=100)] = "",
    provider: Annotated[str, Query(max_length=100)] = "",
    quote_provider: Annotated[str, Query(max_length=100)] = "",
    model: Annotated[str, Query(max_length=200)] = "",
    tin: Annotated[int, Query(ge=0, le=1_000_000_000)] = 0,
    tout: Annotated[int, Query(ge=0, le=1_000_000_000)] = 0,
    tier: Annotated[str, Query(max_length=40)] = "",
    notice: Annotated[str | None, Query(max_length=64)] = None,
) -> Response:
    filters = {
        "q": q.strip(),
        "provider": provider.strip(),
        "quote_provider": quote_provider,
        "model": model,
        "tin": tin,
        "tout": tout,
        "tier": tier,
    }
    return _page(request, db, principal, filters=filters, notice=notice)


async def add_override(request: Request, db: DbDep, principal: Writer) -> Response:
    form = await request.form()
    values = {name: str(form.get(name) or "") for name in FORM_FIELDS}
    ctx = change_context(request, principal)

    def save() -> None:
        spec = spec_from_form(values)
        with db.writing() as session:
            service.create_override(session, ctx, spec)

    try:
        await run_in_threadpool(save)
    except DomainError as exc:
        problem = FormProblem.of(exc)
        return await run_in_threadpool(
            _page, request, db, principal, filters=_no_filters(), values=values, problem=problem
        )
    return RedirectResponse("/cost/prices?notice=override-added#overrides", status_code=303)


async def remove_override(
    override_id: uuid.UUID, request: Request, db: DbDep, principal: Writer
) -> Response:
    ctx = change_context(request, principal)

    def remove() -> None:
        with db.writing() as session:
            service.delete_override(session, ctx, override_id)

    await run_in_threadpool(remove)
    return RedirectResponse("/cost/prices?notice=override-removed#overrides", status_code=303)


def build_router() -> APIRouter:
    router = APIRouter(include_in_schema=False)
    router.get("/cost/prices")(prices_page)
    router.post("/cost/prices/overrides")(add_override)
    router.post("/cost/prices/overrides/{override_id}/delete")(remove_override)
    return router
