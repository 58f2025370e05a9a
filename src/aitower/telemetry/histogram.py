"""Mergeable latency histograms with a bounded relative error (the DDSketch bucketing).

A duration ``x > 0`` falls in bucket ``ceil(log_gamma(x))`` with ``gamma = (1 + a) / (1 - a)``;
every value of that bucket is within ``a`` (1 %) of the bucket's representative value, so a
percentile read from the merged buckets of any number of rollup rows is within 1 % of the exact
percentile of the raw durations. Buckets are kept as ``{"index": count}`` so a rollup row stores
them as JSON and merging is adding counts. Zero and negative durations share bucket ``"z"``.
"""

from __future__ import annotations

import functools
import math
from bisect import bisect_left
from collections.abc import Iterable, Mapping, Sequence
from itertools import accumulate

RELATIVE_ACCURACY = 0.01
_GAMMA = (1 + RELATIVE_ACCURACY) / (1 - RELATIVE_ACCURACY)
_LOG_GAMMA = math.log(_GAMMA)
ZERO_KEY = "z"

Histogram = dict[str, int]


def bucket_key(value_ms: float) -> str:
    if value_ms <= 0.0 or not math.isfinite(value_ms):
        return ZERO_KEY
    return str(math.ceil(math.log(value_ms) / _LOG_GAMMA))


@functools.lru_cache(maxsize=65536)
def representative(key: str) -> float:
    """The value that stands for every duration in bucket ``key`` (cached: dashboards ask for
    the same few hundred buckets thousands of times)."""
    if key == ZERO_KEY:
        return 0.0
    index = int(key)
    return 2.0 * _GAMMA**index / (_GAMMA + 1.0)


def add(hist: Histogram, value_ms: float, count: int = 1) -> None:
    key = bucket_key(value_ms)
    hist[key] = hist.get(key, 0) + count


def merge_into(target: Histogram, other: Mapping[str, int]) -> None:
    for key, count in other.items():
        target[key] = target.get(key, 0) + int(count)


def merged(hists: Iterable[Mapping[str, int]]) -> Histogram:
    total: Histogram = {}
    for hist in hists:
        merge_into(total, hist)
    return total


def quantiles(hist: Mapping[str, int], qs: Iterable[float]) -> list[float | None]:
    """The ``q`` quantiles (0..1) by nearest rank, or None for an empty histogram.

    Rank ``ceil(q * n)`` (at least 1), as the classic nearest-rank percentile: the p99 of 100
    values is the 99th smallest.
    """
    ordered = sorted((representative(k), c) for k, c in hist.items() if c > 0)
    n = sum(c for _, c in ordered)
    answers: list[float | None] = []
    for q in qs:
        if n == 0:
            answers.append(None)
            continue
        rank = max(1, math.ceil(q * n))
        seen = 0
        for value, count in ordered:
            seen += count
            if seen >= rank:
                answers.append(value)
                break
    return answers


def merge_counts(target: Histogram, other: Mapping[str, int]) -> None:
    """``merge_into`` for counts already known to be ints (decoded rollup rows): the
    dashboards merge hundreds of histograms per answer."""
    get = target.get
    for key, count in other.items():
        target[key] = get(key, 0) + count


# Every bucket key seen so far with its place in value order ("z" first, then by index): the
# same order as ``representative`` gives, looked up without a Python call per key.
_ORDER: dict[str, float] = {ZERO_KEY: -math.inf}


def quantiles_fast(hist: Mapping[str, int], qs: Sequence[float]) -> list[float | None]:
    """``quantiles`` of a histogram with non-negative int counts, in one sorted pass: the
    cumulative counts are bisected for each rank (the first bucket whose cumulative count
    reaches the rank holds a positive count, so empty buckets never answer)."""
    try:
        keys = sorted(hist, key=_ORDER.__getitem__)
    except KeyError:
        for key in hist.keys() - _ORDER.keys():
            _ORDER[key] = float(int(key))
        keys = sorted(hist, key=_ORDER.__getitem__)
    cumulative = list(accumulate(map(hist.__getitem__, keys)))
    n = cumulative[-1] if cumulative else 0
    if n <= 0:
        return [None for _ in qs]
    return [representative(keys[bisect_left(cumulative, max(1, math.ceil(q * n)))]) for q in qs]
