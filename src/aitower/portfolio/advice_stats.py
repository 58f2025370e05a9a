"""The tests behind optimisation advice: is one model's quality worse than another's, and do a
system's prompts grow? Pure (numpy and scipy only); each formula below is checked in the tests
against scipy's own implementation or a hand-computed case.

**Welch's t-test** (unequal variances) on two samples of scores a (the cheaper model) and b::

    se = sqrt(s_a² / n_a + s_b² / n_b)          t = (mean_a − mean_b) / se
    df = se⁴ / ((s_a²/n_a)² / (n_a − 1) + (s_b²/n_b)² / (n_b − 1))     (Welch–Satterthwaite)
    p  = 2 · (1 − F_t(|t|; df))                  (two-sided; scipy.stats.ttest_ind(equal_var=False))

**Two-proportion z-test** on thumbs up / down (scores 1 and 0), pooled under the null::

    p̂ = (x_a + x_b) / (n_a + n_b)    se = sqrt(p̂ (1 − p̂) (1/n_a + 1/n_b))
    z  = (x_a/n_a − x_b/n_b) / se      p = 2 · (1 − Φ(|z|))
    (z² is the χ² of the 2×2 table without continuity correction: scipy.stats.chi2_contingency)

**Minimum detectable difference** at a two-sided level α = 0.05 and power 0.8: the smallest
true difference in means the test would find four times out of five with these samples,
``(z_{1−α/2} + z_{0.8}) · se`` (≈ 2.80 · se); for proportions the unpooled se
``sqrt(p_a(1−p_a)/n_a + p_b(1−p_b)/n_b)``. A "not significantly worse" verdict means little when
this is large, so the advice's confidence follows it.

**Trend of weekly points** (x in weeks, y a quantity per week): the least-squares line and the
t-test of its slope, ``t = slope / se_slope`` with n − 2 degrees of freedom
(scipy.stats.linregress's two-sided p-value).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

from scipy import special

ALPHA = 0.05
POWER = 0.8


@dataclass(frozen=True, slots=True)
class Comparison:
    """Quality of two samples compared: a (the candidate) against b (the incumbent)."""

    test: str  # "welch_t" | "two_proportion_z"
    n_a: int
    n_b: int
    mean_a: float
    mean_b: float
    statistic: float
    p_value: float
    min_detectable_difference: float

    @property
    def difference(self) -> float:
        """mean_a − mean_b: negative when the candidate scores lower."""
        return self.mean_a - self.mean_b

    def worse(self, alpha: float = ALPHA) -> bool:
        """Whether a is significantly worse than b (two-sided test, a lower)."""
        return self.difference < 0 and self.p_value < alpha


@dataclass(frozen=True, slots=True)
class Trend:
    """A least-squares line through (x, y) and the test of its slope."""

    n: int
    slope: float  # y units per x unit
    intercept: float
    p_value: float
    r: float

    def at(self, x: float) -> float:
        return self.intercept + self.slope * x


def _z_sum() -> float:
    # ndtri is the standard normal quantile (stats.norm.ppf's ufunc; scipy.stats costs a second
    # to import, paid by every process that loads the app)
    return float(special.ndtri(1 - ALPHA / 2) + special.ndtri(POWER))


@dataclass(frozen=True, slots=True)
class Sample:
    """What the tests need of a sample: its size, mean and (n − 1) variance, and whether every
    value is 0 or 1 (thumbs). Summed in SQL (count, Σx, Σx²) or made from values (``of``)."""

    n: int
    mean: float
    var: float
    binary: bool

    @classmethod
    def of(cls, values: Sequence[float]) -> Sample:
        n = len(values)
        mean = math.fsum(values) / n if n else 0.0
        var = math.fsum((v - mean) ** 2 for v in values) / (n - 1) if n > 1 else 0.0
        return cls(n, mean, var, all(v in (0.0, 1.0) for v in values))

    @classmethod
    def of_sums(cls, n: int, total: float, squares: float, binary: bool) -> Sample:
        """From n, Σx and Σx² (the variance's cancellation is negligible for scores)."""
        mean = total / n if n else 0.0
        var = max(0.0, (squares - n * mean * mean) / (n - 1)) if n > 1 else 0.0
        return cls(n, mean, var, binary)


def welch(a: Sequence[float] | Sample, b: Sequence[float] | Sample) -> Comparison:
    """Welch's t-test of a against b (module docstring); each sample needs two values."""
    sa = a if isinstance(a, Sample) else Sample.of(a)
    sb = b if isinstance(b, Sample) else Sample.of(b)
    if sa.n < 2 or sb.n < 2:
        raise ValueError("each sample needs at least two values")
    qa, qb = sa.var / sa.n, sb.var / sb.n
    se = math.sqrt(qa + qb)
    if se == 0:
        same = sa.mean == sb.mean
        p, t = (1.0, 0.0) if same else (0.0, math.copysign(math.inf, sa.mean - sb.mean))
    else:
        t = (sa.mean - sb.mean) / se
        df = (qa + qb) ** 2 / (qa**2 / (sa.n - 1) + qb**2 / (sb.n - 1))
        p = float(2 * special.stdtr(df, -abs(t)))  # the t CDF; stats.t.sf's ufunc, minus overhead
    return Comparison("welch_t", sa.n, sb.n, sa.mean, sb.mean, t, p, _z_sum() * se)


def two_proportions(x_a: int, n_a: int, x_b: int, n_b: int) -> Comparison:
    """The two-proportion z-test of x_a/n_a against x_b/n_b (module docstring)."""
    if n_a < 1 or n_b < 1:
        raise ValueError("each sample needs at least one value")
    pa, pb = x_a / n_a, x_b / n_b
    pooled = (x_a + x_b) / (n_a + n_b)
    se = math.sqrt(pooled * (1 - pooled) * (1 / n_a + 1 / n_b))
    if se == 0:
        z, p = 0.0, 1.0
    else:
        z = (pa - pb) / se
        p = float(2 * special.ndtr(-abs(z)))
    unpooled = math.sqrt(pa * (1 - pa) / n_a + pb * (1 - pb) / n_b)
    return Comparison("two_proportion_z", n_a, n_b, pa, pb, z, p, _z_sum() * unpooled)


def compare_scores(a: Sequence[float] | Sample, b: Sequence[float] | Sample) -> Comparison:
    """Thumbs (every score 0 or 1) by the two-proportion test, other scores by Welch's."""
    sa = a if isinstance(a, Sample) else Sample.of(a)
    sb = b if isinstance(b, Sample) else Sample.of(b)
    if sa.binary and sb.binary:
        return two_proportions(round(sa.mean * sa.n), sa.n, round(sb.mean * sb.n), sb.n)
    return welch(sa, sb)


def trend(x: Sequence[float], y: Sequence[float]) -> Trend:
    """Least squares of y on x and the two-sided t-test of the slope (module docstring)."""
    n = len(x)
    if n < 3 or n != len(y):
        raise ValueError("a trend needs three or more (x, y) pairs")
    mx, my = math.fsum(x) / n, math.fsum(y) / n
    sxx = math.fsum((v - mx) ** 2 for v in x)
    syy = math.fsum((v - my) ** 2 for v in y)
    sxy = math.fsum((u - mx) * (v - my) for u, v in zip(x, y, strict=True))
    if sxx == 0:
        raise ValueError("a trend needs two or more distinct x")
    slope = sxy / sxx
    intercept = my - slope * mx
    r = 0.0 if syy == 0 else max(-1.0, min(1.0, sxy / math.sqrt(sxx * syy)))
    if abs(r) >= 1.0:
        p = 0.0 if syy > 0 else 1.0
    else:
        t = r * math.sqrt((n - 2) / (1 - r * r))
        p = float(2 * special.stdtr(n - 2, -abs(t)))
    return Trend(n, slope, intercept, p, r)
