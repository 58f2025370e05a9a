"""Checking logged predictions and labels, column by column, with row-numbered problems.

Every input (a JSON batch, a CSV or Parquet file) is first decoded at its edge into *raw
columns*: ``Numbers`` (float64, NaN missing) or ``Texts`` (a ``Categorical``: distinct strings
and a code per row). Checks then work per distinct value where they can: a numeric feature
sent as text parses each distinct text once and names the rows of those that are not numbers,
so a million-row file is checked without a Python step per cell.

Rules (``docs/predictions.md``):

* prediction ids: non-empty text of at most 200 characters without line breaks, unique within
  one request or file (a repeat is refused, naming both rows);
* timestamps: timezone-aware or naive (naive is UTC), between 1990-01-01 and one day after
  now: anything else is a clock or unit mistake, refused;
* numeric features: numbers, numeric text, empty (missing, NaN) and NaN/±inf (kept: the drift
  engine counts them); other text is refused. Categorical features: any value, as text;
* outputs: a class of the model (classification) or a finite number (regression); scores:
  numbers in [0, 1] or empty;
* features are fixed by the first log: a later feature the model does not have is refused,
  naming it; a feature absent from a batch is missing in its rows.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any, TypeAlias

import numpy as np
from numpy.typing import NDArray

from aitower.core.errors import FieldIssue, InvalidInput
from aitower.predictions.window import FeatureKind, Task
from aitower.statistics.drift.columns import Categorical

MAX_ID_LENGTH = 200
MAX_ISSUES = 50  # problems listed in one answer; the count of refused rows is always given
EARLIEST = datetime(1990, 1, 1, tzinfo=UTC)
FUTURE_SLACK = timedelta(days=1)
# Times are clamped here before becoming int64 nanoseconds (which end in 2262), so a year 9999
# or 1e300 seconds is refused as absurd instead of overflowing.
ABSURD_S = 9_000_000_000


@dataclass(frozen=True)
class Numbers:
    values: NDArray[np.float64]


@dataclass(frozen=True)
class Texts:
    values: Categorical


Raw: TypeAlias = Numbers | Texts


@dataclass
class Problems:
    """Row-numbered problems of one request or file; rows count records from 1."""

    issues: list[FieldIssue] = field(default_factory=list)
    rows: set[int] = field(default_factory=set)
    total: int = 0
    # When a file's unreadable rows were left out of its table: the file's row number of each
    # table row, so problems name the row the user sees.
    row_numbers: NDArray[np.int64] | None = None

    def add(self, row: int, name: str, reason: str) -> None:
        if self.row_numbers is not None and 0 < row <= self.row_numbers.size:
            row = int(self.row_numbers[row - 1])
        self.add_as_numbered(row, name, reason)

    def add_as_numbered(self, row: int, name: str, reason: str) -> None:
        self.total += 1
        self.rows.add(row)
        if len(self.issues) < MAX_ISSUES:
            self.issues.append(FieldIssue(f"rows[{row}].{name}", reason))

    def add_rows(self, rows: NDArray[np.intp], name: str, reason: str) -> None:
        for row in rows.tolist():
            self.add(row + 1, name, reason)

    def raise_if_any(self, what: str, count: int) -> None:
        if not self.total:
            return
        self.issues.sort(key=lambda issue: (_row_of(issue.field), issue.field))
        first = self.issues[0]
        raise InvalidInput(
            f"nothing was stored: {len(self.rows)} of {count} {what} refused "
            f"({self.total} problems; first: {first.field}: {first.reason})",
            issues=self.issues,
        )


def _row_of(name: str) -> int:
    return int(name[5 : name.index("]")]) if name.startswith("rows[") else 0


def texts(values: Sequence[object]) -> Texts:
    """Raw values as text: None and NaN missing, integral numbers without a ".0"."""
    normalised = [_text(v) for v in values]
    return Texts(Categorical.from_values(np.array(normalised, dtype=object)))


def _text(value: object) -> str | None:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return None
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def raw_column(values: Sequence[object]) -> Raw:
    """JSON values: numbers (and nulls) stay numbers, anything else becomes text."""
    if all(v is None or (isinstance(v, int | float) and not isinstance(v, bool)) for v in values):
        return Numbers(np.array([math.nan if v is None else v for v in values], dtype=np.float64))
    return texts(values)


def _parse_number(text: str) -> float | None:
    try:
        return float(text)
    except ValueError:
        return None


def as_numbers(raw: Raw, name: str, problems: Problems) -> NDArray[np.float64]:
    """Float64 values; text that is not a number is a problem on each of its rows."""
    if isinstance(raw, Numbers):
        return raw.values
    column = raw.values
    parsed = [_parse_number(c) for c in column.categories]
    lookup = np.array([math.nan if p is None else p for p in parsed] + [math.nan])
    for code, value in enumerate(parsed):
        if value is None:
            reason = f"{column.categories[code]!r} is not a number ({name} is numeric)"
            problems.add_rows(np.flatnonzero(column.codes == code), name, reason)
    values: NDArray[np.float64] = lookup[column.codes]
    return values


def as_categories(raw: Raw) -> Categorical:
    if isinstance(raw, Texts):
        return raw.values
    values = raw.values
    return texts([None if math.isnan(v) else v for v in values.tolist()]).values


def kind_of(raw: Raw) -> FeatureKind | None:
    """The kind a first log gives a feature; None when it has no value to tell by."""
    if isinstance(raw, Numbers):
        return None if np.isnan(raw.values).all() else FeatureKind.numeric
    if (raw.values.codes < 0).all():
        return None
    numeric = all(_parse_number(name) is not None for name in raw.values.categories)
    return FeatureKind.numeric if numeric else FeatureKind.categorical


def check_ids(ids: Sequence[object], problems: Problems) -> list[str]:
    checked: list[str] = []
    first: dict[str, int] = {}
    for row, value in enumerate(ids, start=1):
        text = "" if value is None else str(value)
        if not text or len(text) > MAX_ID_LENGTH or "\n" in text or "\r" in text:
            reason = f"must be 1 to {MAX_ID_LENGTH} characters without line breaks"
            problems.add(row, "prediction_id", reason)
        elif text in first:
            problems.add(row, "prediction_id", f"{text!r} is also on row {first[text]}")
        else:
            first[text] = row
        checked.append(text)
    return checked


def parse_time(value: object) -> int | None:
    """Unix ns of an ISO 8601 text or a number of Unix seconds (naive means UTC)."""
    if isinstance(value, bool) or value is None:
        return None
    if isinstance(value, int | float):
        if not math.isfinite(value):
            return None
        return round(min(max(value, -ABSURD_S), ABSURD_S) * 1e9)
    if isinstance(value, datetime):
        moment = value
    else:
        try:
            moment = datetime.fromisoformat(str(value).strip())
        except ValueError:
            return None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    delta = moment - datetime(1970, 1, 1, tzinfo=UTC)
    seconds = min(max(delta.days * 86_400 + delta.seconds, -ABSURD_S), ABSURD_S)
    return seconds * 1_000_000_000 + delta.microseconds * 1_000


def check_times(
    ns: NDArray[np.int64], bad: NDArray[np.bool_], name: str, problems: Problems, now: datetime
) -> NDArray[np.int64]:
    """Refuse unparsed (``bad``) and absurd timestamps, by row."""
    low = int((EARLIEST - datetime(1970, 1, 1, tzinfo=UTC)).total_seconds()) * 10**9
    high = int((now + FUTURE_SLACK - datetime(1970, 1, 1, tzinfo=UTC)).total_seconds()) * 10**9
    problems.add_rows(np.flatnonzero(bad), name, "expected an ISO 8601 time or Unix seconds")
    absurd = ~bad & ((ns < low) | (ns > high))
    reason = "outside 1990-01-01 .. one day from now (a unit or clock mistake?)"
    problems.add_rows(np.flatnonzero(absurd), name, reason)
    return ns


def times_from_values(values: Sequence[object], name: str, problems: Problems) -> NDArray[np.int64]:
    parsed = [parse_time(v) for v in values]
    bad = np.array([p is None for p in parsed], dtype=np.bool_)
    ns = np.array([0 if p is None else p for p in parsed], dtype=np.int64)
    return check_times(ns, bad, name, problems, datetime.now(UTC))


def class_codes(
    raw: Raw, classes: Sequence[str], name: str, problems: Problems, *, missing_ok: bool = False
) -> NDArray[np.int32]:
    """Index of each value in ``classes``; unknown classes and (unless allowed) missing are
    problems on their rows."""
    column = as_categories(raw)
    index = {c: i for i, c in enumerate(classes)}
    lookup = np.array([index.get(c, -2) for c in column.categories] + [-1], dtype=np.int32)
    codes: NDArray[np.int32] = lookup[column.codes]
    for code in np.unique(column.codes[codes == -2]).tolist():
        reason = f"{column.categories[code]!r} is not a class of the model {list(classes)}"
        problems.add_rows(np.flatnonzero(column.codes == code), name, reason)
    if not missing_ok:
        problems.add_rows(np.flatnonzero(codes == -1), name, "missing")
    return codes


def check_scores(values: NDArray[np.float64], name: str, problems: Problems) -> None:
    outside = ~np.isnan(values) & ~((values >= 0) & (values <= 1))
    problems.add_rows(np.flatnonzero(outside), name, "a probability must be in [0, 1]")


def infer_task(raw: Raw, classes: Sequence[str] | None) -> tuple[Task, tuple[str, ...]]:
    """The task and classes of an implicitly registered model, only when unambiguous:
    given classes (two: binary, more: multiclass), booleans (binary, True positive) or
    non-integral numbers (regression). Anything else is refused, naming what to send."""
    if classes:
        if len(classes) < 2 or len(set(classes)) != len(classes):
            raise InvalidInput.on("classes", "give two or more distinct classes")
        task = Task.binary if len(classes) == 2 else Task.multiclass
        return task, tuple(classes)
    if isinstance(raw, Texts) and set(raw.values.categories) <= {"True", "False"}:
        return Task.binary, ("True", "False")
    if isinstance(raw, Numbers):
        finite = raw.values[np.isfinite(raw.values)]
        if finite.size and not np.all(finite == np.round(finite)):
            return Task.regression, ()
    raise InvalidInput.on(
        "task",
        "cannot tell the task from these outputs; register the model or send task "
        "(binary_classification, multiclass_classification, regression) and classes",
    )


def feature_kinds(
    features: dict[str, Raw], known: dict[str, FeatureKind] | None
) -> dict[str, FeatureKind]:
    """The model's features after this batch: the first log fixes them, later ones must match."""
    if known:
        extra = sorted(set(features) - set(known))
        if extra:
            raise InvalidInput.on(
                f"features.{extra[0]}",
                f"the model has no feature {extra[0]!r}; its features are fixed by the first "
                f"log ({', '.join(sorted(known))}): register a new model version",
            )
        return known
    kinds: dict[str, FeatureKind] = {}
    for name, raw in features.items():
        kind = kind_of(raw)
        if kind is None:
            raise InvalidInput.on(
                f"features.{name}",
                "no value tells whether it is numeric or categorical; send one, or register "
                "the model with its features",
            )
        kinds[name] = kind
    return kinds


def as_kind(raw: Raw, kind: FeatureKind, name: str, problems: Problems) -> Any:
    if kind is FeatureKind.numeric:
        return as_numbers(raw, name, problems)
    return as_categories(raw)
