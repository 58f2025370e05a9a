"""A cloud bill's line items summed per day, account, service, currency, resource group and
tags, batch by batch, every bad cell reported with its row. Pure (pyarrow, no frameworks).

A bill has millions of line items; what spend keeps is their sum per day and what they can be
attributed by. Each batch is grouped by pyarrow (``Table.group_by``), so Python sees only the
groups, never a line item; a batch with a bad cost is checked again cell by cell to name each
bad row. Days and currencies are checked once per distinct value.
"""

from __future__ import annotations

import json
import math
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from aitower.spend.import_read import Batches, ErrorLog, FileProblem, Progress, find_columns
from aitower.spend.sources import CloudFormat, TagStyle

SEPARATOR = "\x1f"  # joins a line's key columns (a cell holding it is an error)
GROUP_ROWS = 50_000  # rows of the blocks read summed together by one group_by
COMPACT_ROWS = 100_000  # new partial sums kept before they are summed together


@dataclass(frozen=True, slots=True)
class BillColumns:
    """The header's names for what a bill is read by ("" where the bill has none)."""

    day: str
    cost: str
    currency: str
    account: str
    service: str
    resource_group: str
    tags: tuple[tuple[str, str], ...]  # (tag key, column) for TagStyle.columns; else ((col, col),)

    @property
    def keys(self) -> list[str]:
        """The columns grouped by, in the order of a group's key."""
        wanted = [self.day, self.currency, self.account, self.service, self.resource_group]
        return [c for c in wanted if c] + [c for _, c in self.tags]


def bill_columns(fmt: CloudFormat, header: list[str]) -> BillColumns:
    """The bill's columns; FileProblem naming what a bill of this kind must have and lacks."""
    found = {
        name: find_columns(header, getattr(fmt, name))
        for name in ("day", "cost", "currency", "account", "service", "resource_group")
    }
    missing = [getattr(fmt, n)[0] for n in ("day", "cost", "currency") if found[n] is None]
    if missing:
        raise FileProblem(
            "file", f"is not a {fmt.kind.label} file: it lacks the column(s) {', '.join(missing)}"
        )
    if fmt.tag_style is TagStyle.columns:
        prefix = fmt.tags[0].lower()
        tags = tuple((h[len(prefix) :], h) for h in header if h.lower().startswith(prefix))
    else:
        column = find_columns(header, fmt.tags)
        tags = () if column is None else ((column, column),)
    return BillColumns(
        day=found["day"] or "",
        cost=found["cost"] or "",
        currency=found["currency"] or "",
        account=found["account"] or "",
        service=found["service"] or "",
        resource_group=found["resource_group"] or "",
        tags=tags,
    )


@dataclass(frozen=True, slots=True)
class BillLine:
    """The sum of a bill's line items sharing day, currency, account, service and tags."""

    day: date
    currency: str
    account: str
    service: str
    resource_group: str
    tags: dict[str, str]
    billed: float
    row: int  # the first row it came from
    rows: int


def parse_day(text: str) -> date | None:
    """``2026-01-31``, ``2026-01-31T…`` or ``2026-01-31 …`` (AWS, Google), ``01/31/2026``
    (Azure's older exports: month first); None when it is none of them."""
    text = text.strip()
    try:
        if len(text) >= 10 and text[4] == "-":
            return date.fromisoformat(text[:10])
        if len(text) >= 8 and "/" in text:
            return datetime.strptime(text.split(" ")[0], "%m/%d/%Y").date()
    except ValueError:
        return None
    return None


@dataclass(slots=True)
class CloudAggregator:
    """Feed it the batches of one bill (``add``); ``lines()`` then gives the sums."""

    fmt: CloudFormat
    columns: BillColumns
    rates: dict[str, float]
    errors: ErrorLog
    days: dict[str, date | None] = field(default_factory=dict)
    partials: list[pa.Table] = field(default_factory=list)
    pending: int = 0  # rows of the partial sums
    compacted: int = 0  # of them, the rows of the last compaction

    def add(self, table: pa.Table, batches: Batches, first: int) -> None:
        """One batch whose first record is the ``first``-th record of the file (0-based)."""
        if table.num_rows == 0:
            return
        cost = self._cost(table.column(self.columns.cost), batches, first)
        day = pc.utf8_slice_codeunits(table.column(self.columns.day), 0, 10)
        self._check_days(day, batches, first)
        currency = pc.utf8_upper(pc.utf8_trim_whitespace(table.column(self.columns.currency)))
        self._check_currencies(currency, batches, first)
        numbers = np.arange(first, first + table.num_rows, dtype=np.int64)
        # from_buffers, not pa.array(numbers): that one imports pandas to look at its input
        index = pa.Array.from_buffers(pa.int64(), table.num_rows, [None, pa.py_buffer(numbers)])
        arrays = [day, currency] + [
            table.column(c)
            for c in (self.columns.account, self.columns.service, self.columns.resource_group)
            if c
        ]
        arrays += [table.column(c) for _, c in self.columns.tags]
        # One key of the columns joined: pyarrow hashes one string far faster than nine.
        joined = pc.binary_join_element_wise(*arrays, SEPARATOR)
        if pc.max(pc.count_substring(joined, SEPARATOR)).as_py() != len(arrays) - 1:
            self._separators(table, batches, first)
        keyed = pa.table({"key": joined, "cost": cost, "row": index})
        summed = keyed.group_by(["key"], use_threads=False).aggregate(
            [("cost", "sum"), ("row", "min"), ("row", "count")]
        )
        self.partials.append(summed.rename_columns(["key", "cost", "row", "rows"]))
        self.pending += summed.num_rows
        if self.pending > COMPACT_ROWS + self.compacted:
            self._compact()

    def _separators(self, table: pa.Table, batches: Batches, first: int) -> None:
        columns = [self.columns.account, self.columns.service, self.columns.resource_group]
        for name in [c for c in columns if c] + [c for _, c in self.columns.tags]:
            found = pc.match_substring(table.column(name), SEPARATOR)
            for i in pc.indices_nonzero(_flat(found)).to_pylist():
                value = table.column(name)[i].as_py()
                reason = "holds the control character U+001F"
                self.errors.add(batches.row_number(first + i), name, value, reason)

    def _compact(self) -> None:
        """The partial sums of the batches so far summed again, by pyarrow: Python never
        sees a group before ``lines``, however many batches hold it."""
        if len(self.partials) < 2:
            return
        together = pa.concat_tables(self.partials)
        summed = together.group_by(["key"], use_threads=False).aggregate(
            [("cost", "sum"), ("row", "min"), ("rows", "sum")]
        )
        self.partials = [summed.rename_columns(["key", "cost", "row", "rows"])]
        self.pending = self.compacted = summed.num_rows

    def _cost(self, column: pa.ChunkedArray, batches: Batches, first: int) -> pa.Array:
        try:
            values = pc.cast(column, pa.float64())
            if pc.all(pc.is_finite(values)).as_py() is not False:
                return _flat(values)
        except (pa.ArrowInvalid, pa.ArrowNotImplementedError):
            pass
        checked: list[float] = []
        for i, cell in enumerate(column.to_pylist()):
            number = _number(cell)
            if number is None:
                reason = "is empty; a cost is required" if str(cell).strip() == "" else (
                    "is not a finite number"
                )  # fmt: skip
                self.errors.add(batches.row_number(first + i), self.columns.cost, cell, reason)
                number = 0.0
            checked.append(number)
        return pa.array(checked, pa.float64())

    def _check_days(self, day: pa.ChunkedArray, batches: Batches, first: int) -> None:
        bad = []
        for text in pc.unique(day).to_pylist():
            if text not in self.days:
                self.days[text] = parse_day(text)
            if self.days[text] is None:
                bad.append(text)
        if bad:
            self._report(day, bad, batches, first, self.columns.day, "is not a date")

    def _check_currencies(self, currency: pa.ChunkedArray, batches: Batches, first: int) -> None:
        bad = [c for c in pc.unique(currency).to_pylist() if c not in self.rates]
        if bad:
            reason = "is not USD nor a currency given a rate with the import (e.g. EUR=1.08)"
            self._report(currency, bad, batches, first, self.columns.currency, reason)

    def _report(
        self,
        values: pa.ChunkedArray,
        bad: list[str],
        batches: Batches,
        first: int,
        column: str,
        reason: str,
    ) -> None:
        mask = pc.is_in(values, value_set=pa.array(bad, pa.string()))
        where = pc.indices_nonzero(_flat(mask))
        for i in where.to_pylist():
            self.errors.add(batches.row_number(first + i), column, values[i].as_py(), reason)

    def lines(self, batches: Batches) -> list[BillLine]:
        """The sums, with their tags read (a tag cell that is not JSON is an error)."""
        has = [bool(c) for c in (self.columns.account, self.columns.service)]
        has.append(bool(self.columns.resource_group))
        tag_names = [k for k, _ in self.columns.tags]
        made: list[BillLine] = []
        cache: dict[str, dict[str, str] | None] = {}
        self._compact()
        if not self.partials:
            return []
        summed = self.partials[0]
        keys = (k.split(SEPARATOR) for k in summed.column("key").to_pylist())
        values = zip(*(summed.column(n).to_pylist() for n in ("cost", "row", "rows")), strict=True)
        width = 2 + sum(has) + len(tag_names)
        for key, (billed, row, count) in zip(keys, values, strict=True):
            day = self.days[key[0]]
            if day is None or len(key) != width:  # reported: a bad day, a separator in a cell
                continue
            rest = list(key[2:])
            account, service, group = ((rest.pop(0) if h else "") for h in has)
            first_row = batches.row_number(int(row))
            tags = self._tags(tag_names, rest, cache, first_row)
            made.append(
                BillLine(
                    day,
                    key[1],
                    account.strip(),
                    service.strip(),
                    group.strip(),
                    tags,
                    float(billed or 0.0),
                    first_row,
                    int(count),
                )
            )
        return made

    def _tags(
        self, names: list[str], cells: list[str], cache: dict[str, dict[str, str] | None], row: int
    ) -> dict[str, str]:
        if self.fmt.tag_style is TagStyle.columns:
            return {k: v.strip() for k, v in zip(names, cells, strict=True) if v.strip()}
        if not cells or not cells[0].strip():
            return {}
        text = cells[0]
        if text not in cache:
            cache[text] = parse_tags(self.fmt.tag_style, text)
        found = cache[text]
        if found is None:
            self.errors.add(row, self.columns.tags[0][1], text, "is not a JSON tag list")
            return {}
        return found


def parse_tags(style: TagStyle, text: str) -> dict[str, str] | None:
    """Tags from a bill's JSON cell; None when the cell is not what ``style`` expects."""
    text = text.strip()
    if style is TagStyle.azure and not text.startswith("{"):
        text = "{" + text + "}"
    try:
        doc = json.loads(text)
    except ValueError:
        return None
    if style is TagStyle.label_list:
        if not isinstance(doc, list) or not all(isinstance(d, dict) and "key" in d for d in doc):
            return None
        return {str(d["key"]): str(d.get("value") or "") for d in doc}
    if not isinstance(doc, dict):
        return None
    tags = {str(k): "" if v is None else str(v) for k, v in doc.items()}
    if style is TagStyle.json_map:  # CUR 2.0: user-defined tags are user_<key>
        tags = {k.removeprefix("user_"): v for k, v in tags.items()}
    return tags


def _flat(values: pa.Array | pa.ChunkedArray) -> pa.Array:
    return values.combine_chunks() if isinstance(values, pa.ChunkedArray) else values


def _number(cell: object) -> float | None:
    try:
        value = float(str(cell).strip())
    except ValueError:
        return None
    return value if math.isfinite(value) else None


def read_bill(
    batches: Batches,
    fmt: CloudFormat,
    rates: dict[str, float],
    on_progress: Progress | None = None,
) -> list[BillLine]:
    """The whole bill summed; errors go to ``batches.errors`` (checking stops at the cap)."""
    columns = bill_columns(fmt, batches.header)
    aggregator = CloudAggregator(fmt, columns, rates, batches.errors)
    wanted = [columns.cost, *columns.keys]
    first, waiting, rows = 0, [], 0
    for table in batches.read(list(dict.fromkeys(wanted)), on_progress):
        waiting.append(table)
        rows += table.num_rows
        if rows >= GROUP_ROWS:  # a group_by has a fixed cost: give it enough rows
            aggregator.add(pa.concat_tables(waiting), batches, first)
            first, waiting, rows = first + rows, [], 0
        if batches.errors.full:
            break
    if waiting:
        aggregator.add(pa.concat_tables(waiting), batches, first)
    return aggregator.lines(batches)


def total_billed(lines: Iterable[BillLine]) -> float:
    return sum(line.billed for line in lines)
