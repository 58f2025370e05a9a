"""Cutting predictions into time windows, each yielding one measured and one estimated result.

Windows are aligned on UTC hours or UTC days (``[start, end)``, start inclusive), contiguous
from the first to the last window asked for, so a gap in traffic shows as an ``empty`` window
rather than vanishing from a chart. For each window:

* ``count`` rows, ``labelled`` of them with a label, ``labelled_share = labelled / count``
  (``None`` for an empty window);
* ``measured``: the metrics of the labelled rows (computed only when there are some);
* ``estimated``: optionally, an estimate from the unlabelled rows (CBPE), kept in its own field
  so a chart can never plot it as a measurement;
* ``status``: ``empty`` (no rows), ``unlabelled`` (rows, no labels yet) or ``ok``.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any, Generic, Literal, Protocol, TypeVar

import numpy as np
import numpy.typing as npt

from aitower.core.errors import InvalidInput
from aitower.statistics.quality.inputs import BoolArray, IntArray, check_same_length

WindowSize = Literal["hour", "day"]
WindowStatus = Literal["ok", "empty", "unlabelled"]
SIZE_MICROSECONDS: dict[str, int] = {"hour": 3_600_000_000, "day": 86_400_000_000}
EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


class HasToDict(Protocol):
    def to_dict(self) -> dict[str, Any]: ...


M = TypeVar("M", bound=HasToDict)
E = TypeVar("E", bound=HasToDict)


@dataclass(frozen=True, slots=True)
class Window:
    """The rows (indices into the caller's arrays) falling in ``[start, end)``."""

    start: datetime
    end: datetime
    rows: IntArray
    labelled_rows: IntArray
    unlabelled_rows: IntArray

    @property
    def count(self) -> int:
        return len(self.rows)

    @property
    def labelled(self) -> int:
        return len(self.labelled_rows)

    @property
    def labelled_share(self) -> float | None:
        return self.labelled / self.count if self.count else None


@dataclass(frozen=True, slots=True)
class WindowResult(Generic[M, E]):
    start: datetime
    end: datetime
    count: int
    labelled: int
    labelled_share: float | None
    status: WindowStatus
    measured: M | None
    estimated: E | None

    def to_dict(self) -> dict[str, Any]:
        return {
            "start": self.start.isoformat(),
            "end": self.end.isoformat(),
            "count": self.count,
            "labelled": self.labelled,
            "labelled_share": self.labelled_share,
            "status": self.status,
            "measured": self.measured.to_dict() if self.measured is not None else None,
            "estimated": self.estimated.to_dict() if self.estimated is not None else None,
        }


def _microseconds(timestamps: Sequence[datetime] | npt.NDArray[Any]) -> npt.NDArray[np.int64]:
    """UTC microseconds since the epoch; naive datetimes are refused (time is UTC-aware)."""
    array = np.asarray(timestamps)
    if np.issubdtype(array.dtype, np.datetime64):
        return array.astype("datetime64[us]").astype(np.int64)
    values = array.tolist()
    if any(not isinstance(t, datetime) or t.tzinfo is None for t in values):
        raise InvalidInput.on("timestamps", "expected timezone-aware datetimes")
    return np.fromiter(
        ((t - EPOCH) // timedelta(microseconds=1) for t in values), np.int64, len(values)
    )


def _floor(moment: int, step: int) -> int:
    return moment - moment % step


def _as_datetime(microseconds: int) -> datetime:
    return EPOCH + timedelta(microseconds=microseconds)


def time_windows(
    timestamps: Sequence[datetime] | npt.NDArray[Any],
    *,
    size: WindowSize,
    labelled: Sequence[bool] | BoolArray | None = None,
    start: datetime | None = None,
    end: datetime | None = None,
) -> list[Window]:
    """Contiguous UTC-aligned windows of ``size`` covering ``[start, end)``.

    ``start``/``end`` default to the windows of the first and last timestamp; rows outside
    them are not in any window. ``labelled`` marks rows that have a label (default: all).
    """
    if size not in SIZE_MICROSECONDS:
        raise InvalidInput.on("size", f"expected one of {sorted(SIZE_MICROSECONDS)}")
    step = SIZE_MICROSECONDS[size]
    moments = _microseconds(timestamps)
    has_label = np.ones(len(moments), dtype=bool) if labelled is None else np.asarray(labelled)
    check_same_length(timestamps=moments, labelled=has_label)
    if start is None and len(moments) == 0:
        return []
    first = _floor(int(moments.min()) if start is None else int(_microseconds([start])[0]), step)
    last = int(moments.max()) + 1 if end is None else int(_microseconds([end])[0])
    n_windows = max(0, -(-(last - first) // step))
    index = (moments - first) // step
    inside = (index >= 0) & (index < n_windows)
    order = np.argsort(index[inside], kind="stable")
    rows = np.flatnonzero(inside)[order]
    bounds = np.searchsorted(index[rows], np.arange(n_windows + 1))
    windows = []
    for w in range(n_windows):
        chunk = rows[bounds[w] : bounds[w + 1]].astype(np.int64)
        mask = has_label[chunk].astype(bool)
        window_start = first + w * step
        windows.append(
            Window(
                _as_datetime(window_start),
                _as_datetime(window_start + step),
                chunk,
                chunk[mask],
                chunk[~mask],
            )
        )
    return windows


def evaluate_windows(
    windows: Sequence[Window],
    measure: Callable[[IntArray], M],
    estimate: Callable[[IntArray], E] | None = None,
) -> list[WindowResult[M, E]]:
    """Apply ``measure`` to each window's labelled rows and ``estimate`` to its unlabelled rows.

    Neither is called with zero rows, so a metric never sees an empty window; the window's
    ``status`` says why a result is missing.
    """
    results: list[WindowResult[M, E]] = []
    for window in windows:
        status: WindowStatus = "empty" if window.count == 0 else "ok"
        if window.count and not window.labelled:
            status = "unlabelled"
        measured = measure(window.labelled_rows) if window.labelled else None
        unlabelled = len(window.unlabelled_rows)
        estimated = estimate(window.unlabelled_rows) if estimate and unlabelled else None
        results.append(
            WindowResult(
                start=window.start,
                end=window.end,
                count=window.count,
                labelled=window.labelled,
                labelled_share=window.labelled_share,
                status=status,
                measured=measured,
                estimated=estimated,
            )
        )
    return results
