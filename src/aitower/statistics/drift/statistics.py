"""Drift statistics on counts and sample sizes: pure functions, each checked against a reference.

The sample-based statistics (Kolmogorov–Smirnov and Wasserstein) live in ``ecdf.py``, as they
work on sorted values; this module holds what works on counts: the population stability index,
the Jensen–Shannon distance, Pearson's chi-square on the contingency table, the two-proportion
Z-test, and the asymptotic p-value of the two-sample Kolmogorov–Smirnov test.

Every function takes the reference first and the current data second. Counts are per bin or per
category, aligned between the two sides (the same bin or category at the same index).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

import numpy as np
from numpy.typing import ArrayLike, NDArray


def scipy_stats() -> Any:
    """``scipy.stats``, imported on first use: it adds about 70 MB to a process, which a server
    that never runs a drift check (an OTLP ingest node, say) should not carry."""
    from scipy import stats

    return stats


PSI_EPSILON = 1e-4
"""Share standing in for an empty bin in the population stability index (``ln 0`` is undefined).

The same value as Evidently's and as the usual credit-scoring practice: an empty bin on one side
against 10 % on the other adds ``(0.1 - 0.0001) * ln(0.1 / 0.0001) ≈ 0.69`` — a strong signal,
not an infinite one.
"""

KS_EXACT_MAX_N = 10_000
"""scipy's ``ks_2samp(method="auto")`` computes the exact p-value up to this sample size."""


@dataclass(frozen=True, slots=True)
class HypothesisResult:
    """A hypothesis test's statistic and two-sided p-value."""

    statistic: float
    p_value: float


def _shares(counts: ArrayLike) -> NDArray[np.float64]:
    values = np.asarray(counts, dtype=np.float64)
    total = values.sum()
    if total <= 0:
        raise ValueError("counts must contain at least one observation")
    shares: NDArray[np.float64] = values / total
    return shares


def _aligned(
    reference: ArrayLike, current: ArrayLike
) -> tuple[NDArray[np.float64], NDArray[np.float64]]:
    ref, cur = _shares(reference), _shares(current)
    if ref.shape != cur.shape or ref.ndim != 1:
        raise ValueError("reference and current counts must be 1-D and aligned")
    return ref, cur


def population_stability_index(
    reference_counts: ArrayLike, current_counts: ArrayLike, epsilon: float = PSI_EPSILON
) -> float:
    """PSI = Σ (c_i − r_i) · ln(c_i / r_i) over bins, with r and c the shares of each side.

    A share of exactly zero is replaced by ``epsilon`` on its side before the sum (Evidently's
    rule; no renormalisation, so the other shares are left as observed). PSI is symmetric in the
    two sides and zero only for identical shares. Usual reading: < 0.1 stable, 0.1–0.25 moderate
    shift, > 0.25 major shift.
    """
    ref, cur = _aligned(reference_counts, current_counts)
    ref = np.where(ref == 0, epsilon, ref)
    cur = np.where(cur == 0, epsilon, cur)
    return float(np.sum((cur - ref) * np.log(cur / ref)))


def jensen_shannon_distance(reference_counts: ArrayLike, current_counts: ArrayLike) -> float:
    """Jensen–Shannon distance: √(½ KL(r‖m) + ½ KL(c‖m)) with m = ½ (r + c), natural logarithm.

    The semantics of ``scipy.spatial.distance.jensenshannon(r, c)`` with its default base (e),
    so values lie in [0, √ln 2 ≈ 0.8326] and Evidently's 0.1 threshold means the same here.
    Empty bins need no correction: a term with a zero share contributes zero (0 · ln 0 = 0).
    """
    ref, cur = _aligned(reference_counts, current_counts)
    mid = (ref + cur) / 2.0
    divergence = 0.0
    for side in (ref, cur):
        seen = side > 0
        divergence += 0.5 * float(np.sum(side[seen] * np.log(side[seen] / mid[seen])))
    return math.sqrt(max(divergence, 0.0))


def chi_square_test(reference_counts: ArrayLike, current_counts: ArrayLike) -> HypothesisResult:
    """Pearson's chi-square test of homogeneity on the 2 × k contingency table.

    Rows are the two samples, columns the categories (or bins); categories empty on both sides
    are dropped. Expected counts are row total × column total / grand total, the statistic
    Σ (observed − expected)² / expected with k − 1 degrees of freedom — what
    ``scipy.stats.chi2_contingency(table, correction=False)`` computes. Unlike a goodness-of-fit
    test against the reference shares (``scipy.stats.chisquare``, Evidently's choice) it treats
    both sides as samples, so a category absent from the reference is a finite signal, not a
    division by zero. No Yates correction: binary features use the Z-test, whose square this
    statistic then equals. One category in all gives statistic 0 and p-value 1 (nothing to
    compare), as scipy does.
    """
    table = np.vstack(
        [
            np.asarray(reference_counts, dtype=np.float64),
            np.asarray(current_counts, dtype=np.float64),
        ]
    )
    table = table[:, table.sum(axis=0) > 0]
    row_totals = table.sum(axis=1)
    if np.any(row_totals <= 0):
        raise ValueError("both samples need at least one observation")
    dof = table.shape[1] - 1
    if dof == 0:
        return HypothesisResult(0.0, 1.0)
    expected = np.outer(row_totals, table.sum(axis=0)) / row_totals.sum()
    statistic = float(np.sum((table - expected) ** 2 / expected))
    return HypothesisResult(statistic, float(scipy_stats().chi2.sf(statistic, dof)))


def two_proportion_z_test(
    reference_hits: int, reference_total: int, current_hits: int, current_total: int
) -> HypothesisResult:
    """Two-sided Z-test of equal proportions with the pooled standard error.

    z = (p_c − p_r) / √(p (1 − p) (1/n_r + 1/n_c)), p = pooled share, p-value = 2 · Φ(−|z|).
    Its z² equals the uncorrected chi-square of the 2 × 2 table, and the p-values agree. When
    both samples hold only one of the two values the standard error is zero and the samples
    are identical: z = 0, p-value = 1 (Evidently's formula would give NaN).
    """
    if reference_total <= 0 or current_total <= 0:
        raise ValueError("both samples need at least one observation")
    pooled = (reference_hits + current_hits) / (reference_total + current_total)
    variance = pooled * (1.0 - pooled) * (1.0 / reference_total + 1.0 / current_total)
    if variance <= 0:
        return HypothesisResult(0.0, 1.0)
    z = (current_hits / current_total - reference_hits / reference_total) / math.sqrt(variance)
    return HypothesisResult(z, float(2.0 * scipy_stats().norm.sf(abs(z))))


def ks_asymptotic_p_value(statistic: float, reference_n: int, current_n: int) -> float:
    """Two-sided p-value of the two-sample KS test by scipy's ``method="asymp"``.

    ``kstwo.sf(D, round(m·n / (m + n)))``: the exact one-sample distribution of D at the
    effective sample size, which is what ``scipy.stats.ks_2samp`` uses under ``method="auto"``
    once either sample exceeds ``KS_EXACT_MAX_N``. Below that scipy counts lattice paths
    exactly; ``ecdf.ks_test`` then calls scipy itself.
    """
    big, small = sorted((float(reference_n), float(current_n)), reverse=True)
    effective_n = np.round(big * small / (big + small))
    return float(np.clip(scipy_stats().kstwo.sf(statistic, effective_n), 0.0, 1.0))
