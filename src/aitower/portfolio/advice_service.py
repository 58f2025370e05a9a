"""Optimisation advice for a reader: every kind, over the systems and units the reader may see,
ranked by estimated saving, each item with links to its evidence that the reader may open.

Windows, relative to ``now`` (UTC): models and their scores over the last 30 days; the cache
sample over the last 7 days of stored spans; prompt growth over the last 12 whole weeks
(Monday to Monday); licences current or ended within a month; purchases over the last 90 days.
Reading only: advice writes nothing.
"""

from __future__ import annotations

import uuid
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, replace
from datetime import datetime, timedelta

from sqlalchemy.orm import Session

from aitower.core.access.principal import Principal
from aitower.core.access.roles import Permission
from aitower.core.errors import InvalidInput, NotFound
from aitower.cost.permissions import CostPermission
from aitower.cost.pricing import PriceBook
from aitower.cost.service import load_price_book
from aitower.inventory.permissions import InventoryPermission
from aitower.inventory.service import SystemRef
from aitower.portfolio import advice_data as data
from aitower.portfolio.advice import Advice, AdviceKind, Link, duplicates, idle_licences, ranked
from aitower.portfolio.advice_models import (
    CacheSample,
    cache_potential,
    cheaper_models,
    prompt_growth,
)
from aitower.spend.permissions import SpendPermission
from aitower.telemetry.permissions import TelemetryPermission
from aitower.telemetry.scope import portfolio_scope

MODEL_DAYS = 30
CACHE_DAYS = 7
GROWTH_WEEKS = 12
LICENCE_DAYS = 90


@dataclass(frozen=True, slots=True)
class AdviceFilter:
    system_id: uuid.UUID | None = None
    unit_id: uuid.UUID | None = None
    kind: AdviceKind | None = None


@dataclass(frozen=True, slots=True)
class AdviceReport:
    items: list[Advice]
    as_of: datetime
    systems: list[SystemRef]  # the systems the advice looked at

    @property
    def total_saving(self) -> float:
        return sum(a.monthly_saving for a in self.items)


def parse_filter(system: str = "", unit: str = "", kind: str = "") -> AdviceFilter:
    """The filter from query text; InvalidInput names the field that does not parse."""

    def uid(value: str, name: str) -> uuid.UUID | None:
        try:
            return uuid.UUID(value) if value else None
        except ValueError:
            raise InvalidInput.on(name, "must be a UUID") from None

    try:
        chosen = AdviceKind(kind) if kind else None
    except ValueError:
        allowed = ", ".join(k.value for k in AdviceKind)
        raise InvalidInput.on("kind", f"must be one of {allowed}") from None
    return AdviceFilter(uid(system, "system"), uid(unit, "unit"), chosen)


def _systems(session: Session, principal: Principal, flt: AdviceFilter) -> list[SystemRef]:
    refs = list(portfolio_scope(session, principal).systems.values())
    if flt.unit_id is not None:
        if not principal.sees_unit(flt.unit_id):
            raise NotFound(f"no business unit {flt.unit_id}")
        refs = [r for r in refs if r.unit_id == flt.unit_id]
    if flt.system_id is not None:
        refs = [r for r in refs if r.id == flt.system_id]
        if not refs:
            raise NotFound(f"no AI system {flt.system_id}")
    return refs


def _ledger_units(principal: Principal, flt: AdviceFilter) -> set[uuid.UUID] | None:
    """Units whose unclaimed ledger records the reader sees (None: every record)."""
    if flt.system_id is not None:
        return set()
    if flt.unit_id is not None:
        return {flt.unit_id}
    return None if principal.unit_ids is None else set(principal.unit_ids)


def _wanted(flt: AdviceFilter, kind: AdviceKind) -> bool:
    return flt.kind is None or flt.kind is kind


def advise(
    session: Session, principal: Principal, flt: AdviceFilter, now: datetime
) -> AdviceReport:
    """Every item of advice the reader may see (module docstring), ranked by saving."""
    refs = _systems(session, principal, flt)
    by_id = {r.id: r for r in refs}
    items: list[Advice] = []
    book = load_price_book(session)
    uses = data.model_uses(session, by_id, now - timedelta(days=MODEL_DAYS), now)
    if _wanted(flt, AdviceKind.cheaper_model):
        items += _cheaper(session, by_id, uses, now)
    if _wanted(flt, AdviceKind.cache):
        items += _cache(session, by_id, uses, book, now)
    if _wanted(flt, AdviceKind.prompt_growth):
        items += _growth(session, by_id, uses, book, now)
    units = _ledger_units(principal, flt)
    today = now.date()
    if _wanted(flt, AdviceKind.idle_licences):
        names = {r.id: r.name for r in refs}
        items += idle_licences(data.licences(session, units, names, today))
    if _wanted(flt, AdviceKind.duplicate):
        system_units = {r.id: r.unit_id for r in refs}
        start = today - timedelta(days=LICENCE_DAYS)
        items += duplicates(
            data.purchases(session, units, system_units, start, today + timedelta(days=1))
        )
    linked = [_with_links(a, by_id, principal) for a in items]
    return AdviceReport(ranked(linked), now, refs)


def _by_system(uses: Iterable[data.SystemModelUse]) -> dict[uuid.UUID, list[data.SystemModelUse]]:
    grouped: dict[uuid.UUID, list[data.SystemModelUse]] = defaultdict(list)
    for u in uses:
        grouped[u.system_id].append(u)
    return grouped


def _cheaper(
    session: Session,
    refs: dict[uuid.UUID, SystemRef],
    uses: list[data.SystemModelUse],
    now: datetime,
) -> list[Advice]:
    grouped = {s: u for s, u in _by_system(uses).items() if len(u) >= 2}
    scores = data.model_scores(session, list(grouped), now - timedelta(days=MODEL_DAYS))
    found: list[Advice] = []
    for system, system_uses in grouped.items():
        if system in scores:
            models = [u.use for u in system_uses]
            found += cheaper_models(system, refs[system].name, models, scores[system])
    return found


def _cache(
    session: Session,
    refs: dict[uuid.UUID, SystemRef],
    uses: list[data.SystemModelUse],
    book: PriceBook,
    now: datetime,
) -> list[Advice]:
    monthly = {(u.system_id, u.use.model): u.use.monthly_calls for u in uses}
    found: list[Advice] = []
    sample = data.cache_sample(session, list(refs), now - timedelta(days=CACHE_DAYS))
    for (system, model), s in sorted(sample.items(), key=lambda kv: (str(kv[0][0]), kv[0][1])):
        tariff = book.lookup(s.provider, model, now)
        if tariff is None or (system, model) not in monthly:
            continue
        made = cache_potential(
            system,
            refs[system].name,
            CacheSample(
                model,
                s.calls,
                s.input_tokens,
                s.hits,
                s.prefix_tokens,
                s.misses,
                monthly[(system, model)],
                tariff.input,
                tariff.cache_read,
            ),
        )
        if made is not None:
            found.append(made)
    return found


def _input_price(book: PriceBook, uses: list[data.SystemModelUse], now: datetime) -> float | None:
    """The system's input price per million tokens, its models' weighted by their input."""
    weighted = tokens = 0.0
    for u in uses:
        tariff = book.lookup(None, u.use.model, now)
        if tariff is not None and u.input_tokens > 0:
            weighted += tariff.input * u.input_tokens
            tokens += u.input_tokens
    return weighted / tokens if tokens else None


def _growth(
    session: Session,
    refs: dict[uuid.UUID, SystemRef],
    uses: list[data.SystemModelUse],
    book: PriceBook,
    now: datetime,
) -> list[Advice]:
    this_monday = now.date() - timedelta(days=now.weekday())
    first = this_monday - timedelta(weeks=GROWTH_WEEKS)
    weeks = data.weekly_input(session, list(refs), first, this_monday)
    grouped = _by_system(uses)
    found: list[Advice] = []
    for system, points in weeks.items():
        system_uses = grouped.get(system, [])
        monthly = sum(u.use.monthly_calls for u in system_uses)
        price = _input_price(book, system_uses, now)
        made = prompt_growth(system, refs[system].name, points, monthly, price)
        if made is not None:
            found.append(made)
    return found


def _links(a: Advice, ref: SystemRef | None) -> list[Link]:
    links: list[Link] = []
    if ref is not None:
        links.append(Link(ref.name, f"/systems/{ref.id}", InventoryPermission.systems_read))
        if a.kind in (AdviceKind.cheaper_model, AdviceKind.cache, AdviceKind.prompt_growth):
            links.append(
                Link(
                    "Monitoring",
                    f"/monitoring/systems/{ref.id}",
                    TelemetryPermission.telemetry_read,
                )
            )
    models = [str(a.evidence[k]) for k in ("cheaper_model", "model") if a.evidence.get(k)]
    for model in models:
        if ref is not None:
            href = f"/monitoring/traces?system={ref.id}&model={model}"
            links.append(Link(f"Traces on {model}", href, TelemetryPermission.telemetry_read))
        links.append(
            Link(f"Price of {model}", f"/cost/prices?q={model}", CostPermission.prices_read)
        )
    if a.kind in (AdviceKind.idle_licences, AdviceKind.duplicate):
        links.append(Link("Spend", "/cost/spend", SpendPermission.read))
    return links


def _with_links(a: Advice, refs: dict[uuid.UUID, SystemRef], principal: Principal) -> Advice:
    """The advice with the links its evidence points at that the reader may open."""
    ref = refs.get(a.system_id) if a.system_id is not None else None
    shown = tuple(
        link
        for link in _links(a, ref)
        if isinstance(link.permission, Permission) and principal.can(link.permission)
    )
    units = a.unit_ids or (() if ref is None else (ref.unit_id,))
    return replace(a, links=shown, unit_ids=units)
