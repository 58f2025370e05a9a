"""Advice read from a system's LLM traffic: a cheaper model of comparable quality, prompt
caching, and prompts that grow. Pure: the figures come in as plain values (``advice_data``
reads them from telemetry's rollups, scores and spans), ``Advice`` goes out.

Thresholds (below them the evidence is too thin and nothing is advised):

- cheaper model: both models have ≥ ``MIN_SCORES`` scores of the same name (feedback or an
  evaluation) on the system; the cheaper one is not significantly worse on any of them
  (two-sided, α = 0.05: ``advice_stats``); both have priced calls; the saving is ≥
  ``MIN_SAVING`` a month.
- caching: the model already reads a prefix of ≥ ``MIN_PREFIX_TOKENS`` tokens from the cache on
  ≥ ``MIN_CACHE_CALLS`` recent calls, and ≥ ``MIN_CACHE_CALLS`` calls as long as that prefix
  read nothing from it (they re-sent the same prefix uncached).
- prompt growth: ≥ ``MIN_WEEKS`` weeks with ≥ ``MIN_WEEK_CALLS`` calls each; the slope of input
  tokens per call is positive with p < 0.05 (``advice_stats.trend``) and the fitted growth
  over the weeks is ≥ ``MIN_GROWTH`` of the first week's fitted value.
"""

from __future__ import annotations

import uuid
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date

from aitower.portfolio.advice import DAYS_PER_MONTH, Advice, AdviceKind, Chart, Confidence
from aitower.portfolio.advice_stats import ALPHA, Comparison, Sample, compare_scores, trend

MIN_SCORES = 30
MIN_SAVING = 1.0  # USD a month
MIN_ACTIVE_DAYS = 7.0  # a model seen for fewer days is extrapolated as if seen for a week
MIN_PREFIX_TOKENS = 1024  # the smallest prefix OpenAI and Anthropic cache
MIN_CACHE_CALLS = 20
MIN_WEEKS = 4
MIN_WEEK_CALLS = 30
MIN_GROWTH = 0.05
PER_MILLION = 1_000_000.0


@dataclass(frozen=True, slots=True)
class ModelUse:
    """One model's calls on one system over a window (from the rollups)."""

    model: str
    calls: int
    priced_calls: int
    cost: float  # USD of the priced calls
    active_days: float  # from its first to its last day bucket in the window

    @property
    def cost_per_call(self) -> float | None:
        return self.cost / self.priced_calls if self.priced_calls else None

    @property
    def monthly_calls(self) -> float:
        return self.calls / max(self.active_days, MIN_ACTIVE_DAYS) * DAYS_PER_MONTH


def _confidence(comparisons: Sequence[Comparison]) -> Confidence:
    """High when every test could have seen a drop of 0.10 (on the scores' 0–1 scale, or 10 %
    of the dear model's mean) with n ≥ 100 each; medium up to 0.25; low beyond."""
    worst = max(c.min_detectable_difference / _scale(c) for c in comparisons)
    if worst <= 0.10 and all(min(c.n_a, c.n_b) >= 100 for c in comparisons):
        return Confidence.high
    return Confidence.medium if worst <= 0.25 else Confidence.low


def _scale(c: Comparison) -> float:
    return 1.0 if c.test == "two_proportion_z" else max(abs(c.mean_b), 1e-9)


Scores = Mapping[tuple[str, str], Sequence[float] | Sample]  # by (model, score name)


def _size(sample: Sequence[float] | Sample) -> int:
    return sample.n if isinstance(sample, Sample) else len(sample)


def _compare(cheap: str, dear: str, scores: Scores) -> dict[str, Comparison] | None:
    """Each score name both models have enough of, compared; None if the cheap one is worse
    on any or no name has enough scores."""
    names = sorted({n for (m, n) in scores if m == cheap} & {n for (m, n) in scores if m == dear})
    done: dict[str, Comparison] = {}
    for name in names:
        a, b = scores[(cheap, name)], scores[(dear, name)]
        if min(_size(a), _size(b)) < MIN_SCORES:
            continue
        c = compare_scores(a, b)
        if c.worse(ALPHA):
            return None
        done[name] = c
    return done or None


def _test_fact(name: str, c: Comparison, cheap: str, dear: str) -> str:
    test = "two-proportion z-test" if c.test == "two_proportion_z" else "Welch's t-test"
    return (
        f"{name}: {cheap} {c.mean_a:.3f} (n={c.n_a}) vs {dear} {c.mean_b:.3f} (n={c.n_b}); "
        f"{test} p={c.p_value:.3g}; minimum detectable difference {c.min_detectable_difference:.3f}"
        " (α 0.05, power 0.8)."
    )


def cheaper_models(
    system_id: uuid.UUID,
    system_name: str,
    uses: Sequence[ModelUse],
    scores: Scores,
) -> list[Advice]:
    """For each model of a system, the cheapest other model whose quality is not significantly
    worse on the same system's traffic. Saving = (cost per call of the dear − of the cheap) ×
    calls per month of the dear (its rate over the days it was used)."""
    priced = sorted((u for u in uses if u.cost_per_call is not None), key=lambda u: u.model)
    found: list[Advice] = []
    for dear in priced:
        options = sorted(
            (u for u in priced if (u.cost_per_call or 0) < (dear.cost_per_call or 0)),
            key=lambda u: u.cost_per_call or 0,
        )
        for cheap in options:
            tests = _compare(cheap.model, dear.model, scores)
            if tests is None:
                continue
            advice = _cheaper(system_id, system_name, cheap, dear, tests)
            if advice.monthly_saving >= MIN_SAVING:
                found.append(advice)
            break
    return found


def _cheaper(
    system_id: uuid.UUID,
    system_name: str,
    cheap: ModelUse,
    dear: ModelUse,
    tests: dict[str, Comparison],
) -> Advice:
    per_cheap, per_dear = cheap.cost_per_call or 0.0, dear.cost_per_call or 0.0
    saving = (per_dear - per_cheap) * dear.monthly_calls
    first = next(iter(tests.items()))
    evidence: dict[str, float | int | str | None] = {
        "model": dear.model,
        "cheaper_model": cheap.model,
        "cost_per_call": round(per_dear, 6),
        "cheaper_cost_per_call": round(per_cheap, 6),
        "calls_per_month": round(dear.monthly_calls, 1),
    }
    for name, c in tests.items():
        evidence |= {
            f"{name}.test": c.test,
            f"{name}.n": c.n_a,
            f"{name}.n_current": c.n_b,
            f"{name}.mean": round(c.mean_a, 4),
            f"{name}.mean_current": round(c.mean_b, 4),
            f"{name}.p_value": round(c.p_value, 6),
            f"{name}.min_detectable_difference": round(c.min_detectable_difference, 4),
        }
    return Advice(
        kind=AdviceKind.cheaper_model,
        title=f"{system_name}: {cheap.model} instead of {dear.model}",
        monthly_saving=saving,
        confidence=_confidence(list(tests.values())),
        summary=(
            f"{cheap.model} costs ${per_cheap:.4g} a call against ${per_dear:.4g} for "
            f"{dear.model}, and its quality on this system is not significantly worse."
        ),
        evidence=evidence,
        facts=(
            f"{dear.model}: {dear.calls:,} calls over {dear.active_days:.1f} days, "
            f"about {dear.monthly_calls:,.0f} a month.",
            *(_test_fact(n, c, cheap.model, dear.model) for n, c in tests.items()),
        ),
        system_id=system_id,
        chart=Chart(
            "bars",
            f"Mean {first[0]}",
            (("mean", ((cheap.model, first[1].mean_a), (dear.model, first[1].mean_b))),),
        ),
    )


@dataclass(frozen=True, slots=True)
class CacheSample:
    """One model's recent calls on one system (the stored spans of the last days), with its
    monthly calls (rollups) and prices per million tokens (the price book)."""

    model: str
    calls: int  # recent calls with usage
    input_tokens: int  # their input, cache reads included
    hits: int  # calls that read from the cache
    prefix_tokens: int  # the mean cache read of those calls
    misses: int  # calls at least prefix_tokens long that read nothing from the cache
    monthly_calls: float
    input_price: float
    cache_read_price: float


def cache_potential(system_id: uuid.UUID, system_name: str, s: CacheSample) -> Advice | None:
    """A prefix the system already caches, re-sent uncached by some calls: the repeatable
    uncached input tokens per month = misses / calls × calls per month × prefix; saving =
    those tokens × (input price − cache-read price)."""
    if (
        s.prefix_tokens < MIN_PREFIX_TOKENS
        or min(s.hits, s.misses) < MIN_CACHE_CALLS
        or s.calls <= 0
        or s.input_price <= s.cache_read_price
    ):
        return None
    tokens = s.misses / s.calls * s.monthly_calls * s.prefix_tokens
    saving = tokens * (s.input_price - s.cache_read_price) / PER_MILLION
    repeating = (s.hits + s.misses) * s.prefix_tokens / max(s.input_tokens, 1)
    cached = s.hits * s.prefix_tokens / max(s.input_tokens, 1)
    return Advice(
        kind=AdviceKind.cache,
        title=f"{system_name}: cache the {s.prefix_tokens:,}-token prefix on {s.model}",
        monthly_saving=saving,
        confidence=Confidence.medium if s.calls >= 200 else Confidence.low,
        summary=(
            f"{s.misses} of {s.calls} recent calls re-sent a {s.prefix_tokens:,}-token prefix "
            f"uncached that {s.hits} others read from the cache."
        ),
        evidence={
            "model": s.model,
            "recent_calls": s.calls,
            "cache_hits": s.hits,
            "cache_misses": s.misses,
            "prefix_tokens": s.prefix_tokens,
            "repeating_input_share": round(repeating, 4),
            "cached_input_share": round(cached, 4),
            "repeatable_uncached_tokens_per_month": round(tokens),
            "input_price_per_million": s.input_price,
            "cache_read_price_per_million": s.cache_read_price,
        },
        facts=(
            f"Share of input tokens that repeat: {repeating:.0%} (cached now: {cached:.0%}).",
            f"Repeatable uncached input: about {tokens:,.0f} tokens a month at "
            f"${s.input_price:g} instead of ${s.cache_read_price:g} per million.",
            "Some misses are unavoidable (the first call after a cache entry expires).",
        ),
        system_id=system_id,
        chart=Chart(
            "bars",
            "Recent calls",
            (("calls", (("read the cache", s.hits), ("re-sent uncached", s.misses))),),
        ),
    )


@dataclass(frozen=True, slots=True)
class WeekPoint:
    week: date  # the Monday it starts
    calls: int
    input_tokens: int

    @property
    def per_call(self) -> float:
        return self.input_tokens / self.calls


def prompt_growth(
    system_id: uuid.UUID,
    system_name: str,
    weeks: Sequence[WeekPoint],
    monthly_calls: float,
    input_price: float | None,
) -> Advice | None:
    """Input tokens per call rising week on week. The cost it adds per month = (fitted last
    week − fitted first week) tokens per call × calls per month × input price (the system's
    models' input prices weighted by their input tokens); unpriced: growth without a saving."""
    points = [w for w in weeks if w.calls >= MIN_WEEK_CALLS]
    if len(points) < MIN_WEEKS:
        return None
    x = [(w.week - points[0].week).days / 7 for w in points]
    fit = trend(x, [w.per_call for w in points])
    first, last = fit.at(x[0]), fit.at(x[-1])
    if fit.slope <= 0 or fit.p_value >= ALPHA or first <= 0 or (last - first) < MIN_GROWTH * first:
        return None
    added_tokens = (last - first) * monthly_calls
    saving = 0.0 if input_price is None else added_tokens * input_price / PER_MILLION
    return Advice(
        kind=AdviceKind.prompt_growth,
        title=f"{system_name}: prompts grew {(last - first) / first:.0%} in {len(points)} weeks",
        monthly_saving=saving,
        confidence=Confidence.high
        if fit.p_value < 0.01 and len(points) >= 6
        else Confidence.medium,
        summary=(
            f"Input tokens per call rose from {first:,.0f} to {last:,.0f} "
            f"({fit.slope:+,.0f} a week); the growth adds about ${saving:,.2f} a month."
        ),
        evidence={
            "weeks": len(points),
            "slope_tokens_per_week": round(fit.slope, 2),
            "p_value": round(fit.p_value, 6),
            "r": round(fit.r, 4),
            "fitted_first": round(first, 1),
            "fitted_last": round(last, 1),
            "calls_per_month": round(monthly_calls, 1),
            "input_price_per_million": input_price,
        },
        facts=(
            f"Least-squares trend of weekly input tokens per call: slope {fit.slope:+.1f} a "
            f"week, p={fit.p_value:.3g} (t-test of the slope, n={len(points)} weeks).",
            f"{added_tokens:,.0f} more input tokens a month than at the first week's size."
            + ("" if input_price is not None else " The models are unpriced."),
        ),
        system_id=system_id,
        chart=Chart(
            "lines",
            "Input tokens per call, by week",
            (
                ("tokens per call", tuple((w.week.isoformat(), w.per_call) for w in points)),
                (
                    "trend (fit)",
                    tuple((w.week.isoformat(), fit.at(v)) for w, v in zip(points, x, strict=True)),
                ),
            ),
        ),
    )
