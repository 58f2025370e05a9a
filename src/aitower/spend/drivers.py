"""Why cost changed between two periods: an exact additive decomposition (pure).

LLM cost is a product of four factors, per model ``m``::

    cost = calls × share_m × tokens per call_m × price per token_m      (summed over m)

*traffic* (all LLM calls), *model mix* (each model's share of the calls: a switch from
``gpt-4o-mini`` to ``gpt-4.1`` moves share), *tokens per call* (prompts grew) and *price*
(cost per token: a price change, a discount, cached tokens). The change from period A to
period B is split among the four by their **Shapley values**: each factor's effect is its
average marginal contribution over the 4! orders in which the factors could switch from A to B.
The parts sum to the change exactly (the Shapley efficiency property) and, unlike LMDI's
logarithmic weights, need no special case when a model appears or disappears.

A model used in one period only has no tokens per call or price in the other; it takes those
of the period it was used in, so its whole cost moves through the mix (a model switch). With
no LLM call in a period, the shares take the other period's, and the change is traffic.
A cell with cost but no tokens is priced per call (tokens per call 1).

Cost that is not LLM usage (cloud bills, licences, …) changes by its own amount per source and
vendor: ``other`` lists each, new bills marked as such. ``total`` = the four factors + other.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from itertools import combinations
from math import factorial

FACTORS = ("traffic", "model_mix", "tokens_per_call", "price")


@dataclass(frozen=True, slots=True)
class ModelUsage:
    """One model's LLM usage in a period."""

    calls: float
    tokens: float
    cost: float


@dataclass(frozen=True, slots=True)
class OtherChange:
    label: str  # "cloud · AWS"
    before: float
    after: float

    @property
    def change(self) -> float:
        return self.after - self.before

    @property
    def is_new(self) -> bool:
        return self.before == 0 and self.after != 0


@dataclass(frozen=True, slots=True)
class Drivers:
    before: float  # all cost in period A
    after: float  # in period B
    traffic: float
    model_mix: float
    tokens_per_call: float
    price: float
    switch: tuple[str, str] | None  # (model losing most share, model gaining most), if any
    other: tuple[OtherChange, ...]  # largest change first

    @property
    def total(self) -> float:
        return self.after - self.before

    @property
    def llm(self) -> float:
        return self.traffic + self.model_mix + self.tokens_per_call + self.price

    def parts(self) -> list[tuple[str, float]]:
        """Every part with a name, largest effect first; they sum to ``total``."""
        switch = f"model switch {self.switch[0]}→{self.switch[1]}" if self.switch else "model mix"
        named = [
            ("traffic", self.traffic),
            (switch, self.model_mix),
            ("tokens per call", self.tokens_per_call),
            ("price", self.price),
        ]
        named += [(f"{o.label}{' (new)' if o.is_new else ''}", o.change) for o in self.other]
        return sorted(named, key=lambda p: -abs(p[1]))


Factors = tuple[float, dict[str, float], dict[str, float], dict[str, float]]


def _factors(usage: Mapping[str, ModelUsage], fill: Mapping[str, ModelUsage]) -> Factors:
    """Calls, and per model: share, tokens per call, price per token (module docstring)."""
    calls = sum(u.calls for u in usage.values())
    models = set(usage) | set(fill)
    share, per_call, price = {}, {}, {}
    fill_calls = sum(u.calls for u in fill.values())
    for m in models:
        own = usage.get(m)
        used = own if own is not None and own.calls > 0 else fill.get(m)
        share[m] = (own.calls / calls if own else 0.0) if calls > 0 else _share(fill, m, fill_calls)
        if used is None or used.calls <= 0:
            per_call[m], price[m] = 0.0, 0.0
        elif used.tokens > 0:
            per_call[m], price[m] = used.tokens / used.calls, used.cost / used.tokens
        else:
            per_call[m], price[m] = 1.0, used.cost / used.calls
    return calls, share, per_call, price


def _share(usage: Mapping[str, ModelUsage], model: str, calls: float) -> float:
    own = usage.get(model)
    return 0.0 if own is None or calls <= 0 else own.calls / calls


def _cost(f: Factors) -> float:
    calls, share, per_call, price = f
    return calls * sum(share[m] * per_call[m] * price[m] for m in share)


def _mixed(a: Factors, b: Factors, from_b: frozenset[int]) -> Factors:
    return (
        b[0] if 0 in from_b else a[0],
        b[1] if 1 in from_b else a[1],
        b[2] if 2 in from_b else a[2],
        b[3] if 3 in from_b else a[3],
    )


def shapley(a: Factors, b: Factors) -> list[float]:
    """Each factor's Shapley value of ``cost(b) − cost(a)``; they sum to it exactly."""
    n = len(FACTORS)
    values = [0.0] * n
    for k in range(n):
        others = [i for i in range(n) if i != k]
        for size in range(n):
            weight = factorial(size) * factorial(n - size - 1) / factorial(n)
            for subset in combinations(others, size):
                s = frozenset(subset)
                gain = _cost(_mixed(a, b, s | {k})) - _cost(_mixed(a, b, s))
                values[k] += weight * gain
    return values


def _switch(a: Factors, b: Factors) -> tuple[str, str] | None:
    moves = {m: b[1].get(m, 0.0) - a[1].get(m, 0.0) for m in set(a[1]) | set(b[1])}
    if len(moves) < 2:
        return None
    loser = min(moves, key=lambda m: (moves[m], m))
    gainer = max(moves, key=lambda m: (moves[m], m))
    return (loser, gainer) if moves[loser] < -0.01 and moves[gainer] > 0.01 else None


def decompose(
    llm_a: Mapping[str, ModelUsage],
    llm_b: Mapping[str, ModelUsage],
    other_a: Mapping[str, float],
    other_b: Mapping[str, float],
) -> Drivers:
    """The drivers of the change from period A to B (module docstring). LLM usage per model;
    other cost per label (e.g. "cloud · AWS")."""
    fa, fb = _factors(llm_a, llm_b), _factors(llm_b, llm_a)
    traffic, mix, per_call, price = shapley(fa, fb)
    labels = set(other_a) | set(other_b)
    other = [OtherChange(k, other_a.get(k, 0.0), other_b.get(k, 0.0)) for k in labels]
    other = sorted((o for o in other if o.change != 0), key=lambda o: (-abs(o.change), o.label))
    before = sum(u.cost for u in llm_a.values()) + sum(other_a.values())
    after = sum(u.cost for u in llm_b.values()) + sum(other_b.values())
    return Drivers(before, after, traffic, mix, per_call, price, _switch(fa, fb), tuple(other))


def _dollars(value: float) -> str:
    return f"${value:,.2f}"


def sentence(d: Drivers, money: Callable[[float], str] = _dollars, limit: int = 4) -> str:
    """ "cost rose $1,240: +$900 traffic, +$500 model switch a→b, −$160 price" (the parts
    of the largest effect, up to ``limit``; ``money`` formats an amount)."""
    fmt = money
    verb = "rose" if d.total > 0 else "fell" if d.total < 0 else "did not change"
    head = f"cost {verb} {fmt(abs(d.total))}" if d.total else f"cost {verb}"
    shown: Sequence[tuple[str, float]] = [p for p in d.parts() if abs(p[1]) >= 0.005][:limit]
    if not shown:
        return head
    parts = ", ".join(f"{'+' if v >= 0 else '−'}{fmt(abs(v))} {name}" for name, v in shown)
    return f"{head}: {parts}"
