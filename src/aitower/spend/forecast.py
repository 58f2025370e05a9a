"""Cost to the end of a budget period: a linear trend with weekly seasonality, and an interval
for the sum of the days still to come (pure numpy/scipy).

Daily cost ``y`` on day ``t`` (days since the first observed day) is fitted by least squares::

    y_t = a + b·t + Σ_{d=1..6} c_d·[weekday(t) = d] + e_t,    e_t ~ N(0, σ²) independent

Monday is the base day. The forecast of the remaining days' sum ``S = Σ_f y_f`` is
``Ŝ = 1ᵀX_f β̂`` and its prediction interval ``Ŝ ± t_{n−p, (1+level)/2} · s · √(m + 1ᵀX_f
(XᵀX)⁻¹X_fᵀ1)`` (``m`` days to come, ``s²`` the residual variance with ``n − p`` degrees of
freedom): the error of each future day plus the uncertainty of the fitted line. The same
formula for the first ``k`` future days gives the band of the burn-down chart.

Short histories get smaller models, so a young budget still has a forecast: from
``FULL_MODEL_DAYS`` days the whole model; from ``TREND_DAYS`` a trend without weekdays; from
two days the mean; with fewer, a run rate without an interval. Cost cannot be negative: the
point forecast and the lower bound of the interval are never below what is already spent.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

import numpy as np
from numpy.typing import NDArray

FULL_MODEL_DAYS = 14
TREND_DAYS = 5
LEVEL = 0.90


@dataclass(frozen=True, slots=True)
class Fit:
    """The fitted model: its kind, coefficients and residual standard deviation."""

    kind: str  # "trend+weekday" | "trend" | "mean" | "run rate"
    coef: tuple[float, ...]
    sigma: float
    dof: int
    first: date


@dataclass(frozen=True, slots=True)
class Forecast:
    """The sum of the remaining days, and per remaining day the cumulative point and band."""

    fit: Fit
    remaining: float  # the point forecast of the days to come (≥ 0)
    low: float | None  # of the remaining days' sum, at ``level``; None without an interval
    high: float | None
    level: float
    cumulative: tuple[tuple[float, float | None, float | None], ...]  # per future day k


def _design(days: Sequence[date], first: date, kind: str) -> NDArray[np.float64]:
    t = np.array([(d - first).days for d in days], dtype=float)
    columns = [np.ones_like(t)]
    if kind in ("trend+weekday", "trend"):
        columns.append(t)
    if kind == "trend+weekday":
        weekday = np.array([d.weekday() for d in days])
        columns += [(weekday == k).astype(float) for k in range(1, 7)]
    return np.column_stack(columns)


def _kind(n: int) -> str:
    if n >= FULL_MODEL_DAYS:
        return "trend+weekday"
    if n >= TREND_DAYS:
        return "trend"
    return "mean" if n >= 2 else "run rate"


def fit(days: Sequence[date], values: Sequence[float]) -> Fit:
    """Least squares of the model its history allows (module docstring)."""
    n = len(days)
    first = days[0] if days else date.min
    kind = _kind(n)
    if kind == "run rate":
        return Fit(kind, (float(values[0]) if n else 0.0,), 0.0, 0, first)
    x = _design(days, first, kind)
    y = np.asarray(values, dtype=float)
    coef, *_ = np.linalg.lstsq(x, y, rcond=None)
    dof = n - x.shape[1]
    residual = y - x @ coef
    sigma = float(np.sqrt(residual @ residual / dof)) if dof > 0 else 0.0
    return Fit(kind, tuple(float(c) for c in coef), sigma, dof, first)


def forecast(
    days: Sequence[date], values: Sequence[float], future: Sequence[date], level: float = LEVEL
) -> Forecast:
    """The fitted model's forecast of ``future`` days: their sum's point and interval, and the
    cumulative point and band after each of them."""
    model = fit(days, values)
    if not future:
        return Forecast(model, 0.0, 0.0, 0.0, level, ())
    if model.kind == "run rate":
        per_day = model.coef[0]
        path: tuple[tuple[float, float | None, float | None], ...] = tuple(
            (per_day * (k + 1), None, None) for k in range(len(future))
        )
        return Forecast(model, max(per_day * len(future), 0.0), None, None, level, path)
    x = _design(days, model.first, model.kind)
    xf = _design(future, model.first, model.kind)
    beta = np.array(model.coef)
    inverse = np.linalg.pinv(x.T @ x)
    from scipy import stats  # 1 s to import: paid by the forecast, not by every CLI start

    quantile = float(stats.t.ppf((1 + level) / 2, model.dof)) if model.dof > 0 else 0.0
    cum_x = np.cumsum(xf, axis=0)  # row k: the sum of the first k+1 future rows
    points = cum_x @ beta
    spread = np.einsum("ij,jk,ik->i", cum_x, inverse, cum_x)
    counts = np.arange(1, len(future) + 1, dtype=float)
    half = quantile * model.sigma * np.sqrt(counts + spread)
    path = tuple(
        (max(float(p), 0.0), max(float(p - h), 0.0), max(float(p + h), 0.0))
        for p, h in zip(points, half, strict=True)
    )
    total, low, high = path[-1]
    return Forecast(model, total, low, high, level, path)
