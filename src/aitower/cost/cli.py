"""``aitower prices``: the price data, quotes and the organisation's prices from the shell.

The CLI acts as an administrator through the same services as the API, so every change to the
organisation's prices is on the audit trail.
"""

from __future__ import annotations

import datetime as dt
import uuid
from pathlib import Path
from typing import Annotated

import typer

from aitower.core.access.cli_shared import add_row, new_table
from aitower.core.cli.context import clean_errors, cli_context, console, database
from aitower.core.db.base import utcnow
from aitower.core.errors import InvalidInput
from aitower.cost import data_store, service
from aitower.cost.overrides import OverrideSpec
from aitower.cost.price_list import price_row, search_prices
from aitower.cost.quotes import quote
from aitower.cost.tariffs import ListPrices
from aitower.cost.usage import TokenUsage

PAGE_SIZE = 200
prices_app = typer.Typer(
    help="LLM prices: the price data (genai-prices), quotes and the organisation's prices.",
    no_args_is_help=True,
)
override_app = typer.Typer(
    help="The organisation's prices (negotiated prices, discounts): add, list, remove.",
    no_args_is_help=True,
)
prices_app.add_typer(override_app, name="override")
ProviderOpt = Annotated[str | None, typer.Option(help="Provider, any spelling (e.g. openai).")]
Tokens = Annotated[int, typer.Option(min=0, help="Token count.")]
PriceOpt = Annotated[float | None, typer.Option(help="USD per million tokens.")]


def _money(value: float | None) -> str:
    return "-" if value is None else f"{value:g}"


def _date(field: str, text: str | None) -> dt.date | None:
    if text is None:
        return None
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise InvalidInput.on(field, "must be a date (YYYY-MM-DD)") from None


def _moment(text: str | None) -> dt.datetime:
    if text is None:
        return utcnow()
    try:
        moment = dt.datetime.fromisoformat(text)
    except ValueError:
        raise InvalidInput.on("at", "must be a date or time (ISO 8601)") from None
    return moment.replace(tzinfo=dt.UTC) if moment.tzinfo is None else moment.astimezone(dt.UTC)


def _listed(listed: ListPrices | None) -> tuple[str, ...]:
    if listed is None:
        return ("unpriced", "-", "-", "-")
    return (
        _money(listed.input),
        _money(listed.output),
        _money(listed.cache_read),
        _money(listed.cache_write),
    )


@prices_app.command("list")
@clean_errors
def list_catalog(
    provider: ProviderOpt = None,
    search: Annotated[str | None, typer.Option(help="Text in the model's id or name.")] = None,
) -> None:
    """The price data in force, USD per million tokens ('-': not listed, see docs)."""
    with database() as db, db.reading() as session:
        data = service.load_price_book(session).data
    now = utcnow()
    table = new_table(
        f"Prices: {data.label}", "provider", "model", "input", "output", "cache read",
        "cache write", "tiers above", "variants", "since",
    )  # fmt: skip
    for p, m in search_prices(data, provider, search):
        row = price_row(p, m, now)
        since = next((d.starts for d in row.prices if d.in_effect and d.starts), None)
        add_row(
            table,
            row.provider_id,
            row.model_id,
            *_listed(row.listed),
            ", ".join(f"{t.above:,}" for t in row.tiers) or "-",
            ", ".join(v.when for v in row.variants) or "-",
            "-" if since is None else since.isoformat(),
        )
    console.print(table)


@prices_app.command("show")
@clean_errors
def show_data() -> None:
    """The price data in force: source, version, size, who loaded it and when."""
    with database() as db, db.reading() as session:
        view = data_store.in_force(session)
    console.print(f"Price data: {view.label}", highlight=False, markup=False)
    console.print(
        f"{view.provider_count} providers, {view.model_count} models; read by genai-prices "
        f"{view.package_version}",
        highlight=False,
    )
    if view.sha256:
        console.print(f"sha256 {view.sha256}", highlight=False)
    if view.loaded_at is not None:
        console.print(f"loaded by {view.loaded_by} at {view.loaded_at:%Y-%m-%d %H:%M} UTC")


@prices_app.command("update")
@clean_errors
def update_data(
    file: Annotated[
        Path | None, typer.Argument(help="A genai-prices data file (data.json).", exists=False)
    ] = None,
    label: Annotated[str, typer.Option(help="e.g. where and when the file was got.")] = "",
    bundled: Annotated[
        bool, typer.Option("--bundled", help="Go back to the data bundled with genai-prices.")
    ] = False,
) -> None:
    """Load a newer price data file offline (checked whole; a bad file changes nothing)."""
    if (file is None) == (not bundled):
        raise InvalidInput.on("file", "give a data file, or --bundled (not both)")
    with database() as db, db.writing() as session:
        if bundled:
            view = data_store.use_bundled(session, cli_context())
        else:
            assert file is not None
            content = file.read_bytes()
            view = data_store.update_price_data(session, cli_context(), content, label or file.name)
    console.print(
        f"In force: {view.label} ({view.provider_count} providers, {view.model_count} models)",
        highlight=False,
        markup=False,
    )


@prices_app.command("quote")
@clean_errors
def quote_call(
    model: Annotated[str, typer.Option(help="Model name as the span reports it.")],
    provider: ProviderOpt = None,
    input_tokens: Annotated[int, typer.Option("--input", min=0, help="Input tokens (all).")] = 0,
    output_tokens: Annotated[int, typer.Option("--output", min=0, help="Output tokens (all).")] = 0,
    cache_read: Annotated[int, typer.Option(min=0, help="Of the input: read from cache.")] = 0,
    cache_write: Annotated[int, typer.Option(min=0, help="Of the input: written to cache.")] = 0,
    reasoning: Annotated[int, typer.Option(min=0, help="Of the output: reasoning.")] = 0,
    at: Annotated[str | None, typer.Option(help="When (ISO 8601); default now.")] = None,
    service_tier: Annotated[
        str | None, typer.Option(help="priority, flex, batch… (default: standard).")
    ] = None,
) -> None:
    """What a call would cost, which price applies and why."""
    usage = TokenUsage(input_tokens, output_tokens, cache_read, cache_write, reasoning)
    moment = _moment(at)
    with database() as db, db.reading() as session:
        book = service.load_price_book(session)
    found = quote(book, provider, model, usage, moment, service_tier)
    cost = found.priced.cost
    console.print(f"Cost: {'unpriced' if cost is None else f'${cost:.6f}'} ({found.priced.source})")
    console.print(found.explanation, highlight=False, markup=False)
    if found.lines:
        table = new_table("Breakdown", "kind", "tokens", "USD per million", "USD")
        for line in found.lines:
            add_row(
                table,
                line.kind,
                str(line.tokens),
                f"{line.price_per_million:g}",
                f"{line.cost:.6f}",
            )
        console.print(table)


@override_app.command("add")
@clean_errors
def add_override(
    provider: Annotated[str, typer.Option(help="Provider, e.g. openai, aws.bedrock.")],
    model: Annotated[str, typer.Option(help="Model name or pattern (* any, ? one).")],
    effective_from: Annotated[str, typer.Option("--from", help="First day (YYYY-MM-DD).")],
    effective_to: Annotated[
        str | None, typer.Option("--to", help="First day no longer in force (exclusive).")
    ] = None,
    input_price: PriceOpt = None,
    output_price: PriceOpt = None,
    cache_read_price: PriceOpt = None,
    cache_write_price: PriceOpt = None,
    reasoning_price: PriceOpt = None,
    discount: Annotated[
        float | None,
        typer.Option(help="Percent off the list price for kinds not priced; negative: premium."),
    ] = None,
    note: Annotated[str, typer.Option(help="e.g. the agreement's name.")] = "",
) -> None:
    """Add an organisation price (negotiated prices, a discount or a premium)."""
    start = _date("effective_from", effective_from)
    assert start is not None
    spec = OverrideSpec(
        provider=provider,
        model_pattern=model,
        effective_from=start,
        effective_to=_date("effective_to", effective_to),
        input_price=input_price,
        output_price=output_price,
        cache_read_price=cache_read_price,
        cache_write_price=cache_write_price,
        reasoning_price=reasoning_price,
        discount_percent=discount,
        note=note,
    )
    with database() as db, db.writing() as session:
        made = service.create_override(session, cli_context(), spec)
    console.print(f"Added organisation price {made.id}", highlight=False)


@override_app.command("list")
@clean_errors
def list_overrides(provider: ProviderOpt = None) -> None:
    """The organisation's prices, by provider and pattern."""
    found: list[service.OverrideView] = []
    with database() as db, db.reading() as session:
        while True:
            page, total = service.list_overrides(
                session, provider=provider, limit=PAGE_SIZE, offset=len(found)
            )
            found += page
            if not page or len(found) >= total:
                break
    table = new_table(
        "Organisation prices", "provider", "pattern", "input", "output", "cache read",
        "cache write", "reasoning", "discount %", "from", "to", "note", "id",
    )  # fmt: skip
    for view in found:
        s = view.spec
        add_row(
            table,
            s.provider,
            s.model_pattern,
            _money(s.input_price),
            _money(s.output_price),
            _money(s.cache_read_price),
            _money(s.cache_write_price),
            _money(s.reasoning_price),
            _money(s.discount_percent),
            s.effective_from.isoformat(),
            "-" if s.effective_to is None else s.effective_to.isoformat(),
            s.note,
            str(view.id),
        )
    console.print(table)


@override_app.command("remove")
@clean_errors
def remove_override(
    override_id: Annotated[str, typer.Argument(help="The organisation price's id.")],
) -> None:
    """Remove an organisation price (calls already priced keep their cost)."""
    try:
        parsed = uuid.UUID(override_id)
    except ValueError:
        raise InvalidInput.on("id", "must be a UUID (see 'aitower prices override list')") from None
    with database() as db, db.writing() as session:
        service.delete_override(session, cli_context(), parsed)
    console.print(f"Removed organisation price {parsed}", highlight=False)


def register(app: typer.Typer) -> None:
    """Add this slice's commands to the root command."""
    app.add_typer(prices_app, name="prices")
