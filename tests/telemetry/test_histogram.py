"""The latency histograms rollups store, packed when dense: either stored form merges and
answers percentiles exactly as ``{"index": count}`` does, and stays within 1 % of numpy's
nearest-rank percentile of the raw durations."""

from __future__ import annotations

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from aitower.telemetry import histogram

QS = (0.0, 0.01, 0.5, 0.9, 0.95, 0.99, 1.0)

# Histograms as ingest builds them: bucket indexes of durations from sub-millisecond to hours
# (negative indexes are durations under 1 ms), and the zero bucket.
hists = st.dictionaries(
    st.one_of(st.integers(-400, 1200).map(str), st.just(histogram.ZERO_KEY)),
    st.integers(1, 10_000),
    max_size=40,
)


@given(hists)
def test_packing_keeps_every_bucket(hist: dict[str, int]) -> None:
    assert histogram.unpack(histogram.pack(hist)) == hist
    assert histogram.unpack(histogram.stored(hist)) == hist
    assert histogram.unpack(hist) == hist  # a row written before packing reads the same


def test_dense_histograms_are_stored_packed_and_sparse_ones_as_buckets() -> None:
    dense = {str(i): 1 for i in range(300, 340)} | {"z": 2}
    assert histogram.stored(dense) == [2, 300, *([1] * 40)]
    sparse = {"120": 1, "300": 2, "301": 1}  # three durations far apart: 182 buckets spanned
    assert histogram.stored(sparse) == sparse
    few = {"300": 1, "301": 1}  # dense, but adding a dict of two costs less than a list
    assert histogram.stored(few) == few


@settings(max_examples=300)
@given(st.lists(hists, max_size=6))
def test_adding_packed_histograms_equals_merging_them(parts: list[dict[str, int]]) -> None:
    total: histogram.Packed = []
    for part in parts:
        total = histogram.add_packed(total, histogram.pack(part))
    assert histogram.unpack(total) == histogram.merged(parts)
    assert histogram.quantiles_packed(total, QS) == histogram.quantiles(histogram.merged(parts), QS)


def test_adding_never_changes_the_added_histogram() -> None:
    first, second = histogram.pack({"3": 1}), histogram.pack({"1": 2, "9": 1, "z": 4})
    kept = list(second)
    total = histogram.add_packed(histogram.add_packed([], first), second)
    assert second == kept
    assert total == [4, 1, 2, 0, 1, 0, 0, 0, 0, 0, 1]


def test_an_empty_histogram_has_no_percentiles() -> None:
    assert histogram.quantiles_packed([], (0.5, 0.99)) == [None, None]
    assert histogram.quantiles_packed(histogram.pack({"z": 3}), (0.5,)) == [0.0]


@settings(max_examples=50)
@given(
    st.lists(st.floats(0.05, 3_600_000.0, allow_nan=False), min_size=1, max_size=400),
    st.integers(1, 5),
)
def test_percentiles_of_split_and_merged_rows_are_within_one_percent_of_numpy(
    durations: list[float], parts: int
) -> None:
    """Durations spread over several rows, packed and merged as the dashboards do, against
    numpy's nearest-rank percentile (``inverted_cdf``) of the raw values."""
    rows = []
    for part in range(parts):
        row: histogram.Histogram = {}
        for value in durations[part::parts]:
            histogram.add(row, value)
        rows.append(histogram.stored(row))
    total = histogram.merged_stored(rows)
    qs = (0.5, 0.95, 0.99)
    exact = np.percentile(np.array(durations), [q * 100 for q in qs], method="inverted_cdf")
    for found, expected in zip(histogram.quantiles_packed(total, qs), exact, strict=True):
        assert found is not None
        assert abs(found - expected) <= 0.01 * expected + 1e-9
