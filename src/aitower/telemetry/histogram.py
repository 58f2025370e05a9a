"""Mergeable latency histograms with a bounded relative error (the DDSketch bucketing).

A duration ``x > 0`` falls in bucket ``ceil(log_gamma(x))`` with ``gamma = (1 + a) / (1 - a)``;
every value of that bucket is within ``a`` (1 %) of the bucket's representative value, so a
percentile read from the merged buckets of any number of rollup rows is within 1 % of the exact
percentile of the raw durations. In memory buckets are kept as ``{"index": count}`` (merging is
adding counts); rollup rows store dense ones packed, as a list (``stored``). Zero and negative
durations share bucket ``"z"``.
"""

from __future__ import annotations

import functools
import math
import operator
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
    return _representative(int(key))


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


# How a rollup row stores a histogram. A row whose buckets are mostly filled (the hour and
# six-hour rows of a busy system) is packed: ``[zero count, lowest index, count of lowest,
# count of lowest + 1, ...]``. Dashboards add hundreds of such rows per answer, and adding
# aligned lists runs in C (``map`` over slices) where adding ``{"index": count}`` dicts takes a
# Python step per bucket; the text is a third as long, too. A small or sparse row (a minute
# of three requests whose durations lie far apart) stays a dict: packed, it would store and add
# mostly zeros. ``stored`` chooses; every reader takes either form.
Packed = list[int]
Stored = Packed | dict[str, int]
# Packed when at least ``MIN_PACKED`` buckets are filled and they span at most ``DENSE`` times
# as many: adding a list costs about a fifth of a dict entry per bucket it spans, plus a fixed
# cost of about five dict entries (measured on the dashboards' minute and six-hour rows).
DENSE = 4
MIN_PACKED = 16


def pack(hist: Mapping[str, int]) -> Packed:
    """A histogram packed (buckets with no count are left out; ``[]`` when empty)."""
    indexes = [int(k) for k, c in hist.items() if c and k != ZERO_KEY]
    zero = int(hist.get(ZERO_KEY, 0))
    if not indexes:
        return [zero, 0] if zero else []
    low = min(indexes)
    counts = [0] * (max(indexes) - low + 1)
    for index in indexes:
        counts[index - low] = int(hist[str(index)])
    return [zero, low, *counts]


def stored(hist: Mapping[str, int]) -> Stored:
    """The form a rollup row keeps ``hist`` in: packed if dense, else as it is (buckets hold
    positive counts: every writer adds, or takes away and drops what reaches zero)."""
    if len(hist) < MIN_PACKED:  # most rows ingest writes: copied as they are
        return dict(hist)
    filled = {k: int(c) for k, c in hist.items() if c}
    indexes = [int(k) for k in filled if k != ZERO_KEY]
    if not indexes:
        return filled
    dense = max(indexes) - min(indexes) + 1 <= DENSE * len(filled)
    return pack(filled) if dense else filled


def unpack(value: Stored | Mapping[str, int] | None) -> Histogram:
    """A stored histogram, in either form, as ``{"index": count}`` (positive counts only)."""
    if not value:
        return {}
    if isinstance(value, dict):  # as stored: positive counts only (copied in C)
        return dict(value)
    if isinstance(value, Mapping):
        return {k: int(c) for k, c in value.items() if c}
    hist = {str(value[1] + i): c for i, c in enumerate(value[2:]) if c}
    if value[0]:
        hist[ZERO_KEY] = value[0]
    return hist


def add_packed(total: Packed, other: Packed) -> Packed:
    """``total`` plus ``other``, written into ``total`` (widened as needed) and returned; an
    empty ``total`` gets a copy of ``other``."""
    if not other:
        return total
    if not total:
        return list(other)
    total[0] += other[0]
    low, n = total[1], len(total) - 2
    other_low, other_n = other[1], len(other) - 2
    if other_n <= 0:
        return total
    if n <= 0:
        total[1:] = other[1:]
        return total
    if other_low < low or other_low + other_n > low + n:
        new_low = min(low, other_low)
        high = max(low + n, other_low + other_n)
        total[2:] = [0] * (low - new_low) + total[2:] + [0] * (high - low - n)
        total[1] = low = new_low
    at = 2 + other_low - low
    total[at : at + other_n] = map(operator.add, total[at : at + other_n], other[2:])
    return total


def merged_stored(values: Sequence[Stored]) -> Packed:
    """Stored histograms of either form added into one packed histogram: packed ones as
    aligned lists, sparse ones as dicts, packed once at the end."""
    total: Packed = []
    sparse: Histogram = {}
    get = sparse.get
    for value in values:
        if isinstance(value, list):
            total = add_packed(total, value)
        else:
            for key, count in value.items():
                sparse[key] = get(key, 0) + count
    return add_packed(total, pack(sparse)) if sparse else total


def quantiles_packed(packed: Packed, qs: Sequence[float]) -> list[float | None]:
    """``quantiles`` of a packed histogram (non-negative counts), in one pass: the cumulative
    counts are bisected for each rank (the first bucket whose cumulative count reaches the rank
    holds a positive count, so empty buckets never answer)."""
    cumulative = list(accumulate(packed[:1] + packed[2:]))
    n = cumulative[-1] if cumulative else 0
    if n <= 0:
        return [None for _ in qs]
    found: list[float | None] = []
    for q in qs:
        place = bisect_left(cumulative, max(1, math.ceil(q * n)))
        found.append(0.0 if place == 0 else _representative(packed[1] + place - 1))
    return found


@functools.lru_cache(maxsize=65536)
def _representative(index: int) -> float:
    return 2.0 * _GAMMA**index / (_GAMMA + 1.0)
