"""Reading an imported file in batches with bounded memory, and the row-numbered error report.
Pure (pyarrow, no web or storage framework).

CSV is read by ``pyarrow.csv.open_csv`` in blocks of ``BLOCK_BYTES``, only the columns asked
for, every one as text; Parquet by row groups (``iter_batches``). Memory stays near a few
blocks whatever the size of the file.

**Row numbers** are those a text editor shows: the header is row 1, the first data row is
row 2 (in Parquet, the first record is row 2 too, so a CSV and its Parquet copy report the
same rows). A row with the wrong number of cells is reported and the rest is still checked.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import IO, Any

import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pacsv
import pyarrow.parquet as pq

BLOCK_BYTES = 1024 * 1024
HEADER_BYTES = 1024 * 1024  # the header is read from the first block alone
PARQUET_BATCH_ROWS = 65_536
MAX_ERRORS = 200
FIRST_DATA_ROW = 2
PARQUET_MAGIC = b"PAR1"

Progress = Callable[[int], None]  # bytes read so far


@dataclass(frozen=True, slots=True)
class RowError:
    row: int  # 0: the file as a whole
    column: str
    value: str
    reason: str

    def as_dict(self) -> dict[str, Any]:
        return {"row": self.row, "column": self.column, "value": self.value, "reason": self.reason}


@dataclass(slots=True)
class ErrorLog:
    """Every error found, the first ``MAX_ERRORS`` kept in full, all of them counted."""

    items: list[RowError] = field(default_factory=list)
    count: int = 0

    def add(self, row: int, column: str, value: object, reason: str) -> None:
        self.count += 1
        if len(self.items) < MAX_ERRORS:
            text = "" if value is None else str(value)
            self.items.append(RowError(row, column, text[:200], reason))

    def __bool__(self) -> bool:
        return self.count > 0

    @property
    def full(self) -> bool:
        return len(self.items) >= MAX_ERRORS


class FileProblem(Exception):
    """The file cannot be read at all (row 0 of the report)."""

    def __init__(self, column: str, reason: str) -> None:
        super().__init__(f"{column}: {reason}")
        self.column = column
        self.reason = reason


def file_format(stream: IO[bytes]) -> str:
    """ "parquet" when the file starts with Parquet's magic bytes, else "csv"."""
    stream.seek(0)
    head = stream.read(4)
    stream.seek(0)
    return "parquet" if head == PARQUET_MAGIC else "csv"


@dataclass(slots=True)
class Batches:
    """The batches of one file and where each starts; ``skipped`` holds the rows with the
    wrong number of cells (reported as errors), so later row numbers stay right."""

    header: list[str]
    stream: IO[bytes]
    fmt: str
    errors: ErrorLog
    skipped: list[int] = field(default_factory=list)
    rows_read: int = 0

    def row_number(self, index: int) -> int:
        """The file's row of the ``index``-th record delivered (0-based)."""
        row = index + FIRST_DATA_ROW
        for line in self.skipped:
            if line <= row:
                row += 1
        return row

    def read(self, columns: list[str], on_progress: Progress | None = None) -> Iterator[pa.Table]:
        """Each batch as a table of ``columns`` (as text; Parquet numbers stay numbers)."""
        if self.fmt == "parquet":
            yield from self._parquet(columns, on_progress)
        else:
            yield from self._csv(columns, on_progress)

    def _csv(self, columns: list[str], on_progress: Progress | None) -> Iterator[pa.Table]:
        self.stream.seek(0)

        def bad_row(row: Any) -> str:
            number = row.number if row.number is not None else 0
            self.skipped.append(number)
            self.errors.add(
                number, "", row.text, f"has {row.actual_columns} cells, the header has "
                f"{row.expected_columns}",
            )  # fmt: skip
            return "skip"

        reader = _open_csv(
            self.stream,
            pacsv.ConvertOptions(
                include_columns=columns,
                column_types=dict.fromkeys(columns, pa.string()),
                strings_can_be_null=False,
                quoted_strings_can_be_null=False,
            ),
            bad_row,
        )
        while True:
            try:
                batch = reader.read_next_batch()
            except StopIteration:
                break
            except pa.ArrowInvalid as exc:
                raise _unreadable(exc) from None
            table = pa.Table.from_batches([batch])
            self.rows_read += table.num_rows
            if on_progress is not None:
                on_progress(self.stream.tell())
            yield table

    def _parquet(self, columns: list[str], on_progress: Progress | None) -> Iterator[pa.Table]:
        self.stream.seek(0)
        parquet = pq.ParquetFile(self.stream)
        total = max(parquet.metadata.num_rows, 1)
        size = _size(self.stream)
        for batch in parquet.iter_batches(batch_size=PARQUET_BATCH_ROWS, columns=columns):
            table = pa.Table.from_arrays(
                [as_text(batch.column(i)) for i in range(batch.num_columns)],
                names=batch.schema.names,
            )
            self.rows_read += table.num_rows
            if on_progress is not None:
                on_progress(int(size * self.rows_read / total))
            yield table


def _size(stream: IO[bytes]) -> int:
    here = stream.tell()
    stream.seek(0, 2)
    size = stream.tell()
    stream.seek(here)
    return size


def _open_csv(
    stream: IO[bytes],
    convert: pacsv.ConvertOptions,
    bad_row: Callable[[Any], str] | None,
    block: int = BLOCK_BYTES,
) -> pacsv.CSVStreamingReader:
    try:
        return pacsv.open_csv(
            stream,
            read_options=pacsv.ReadOptions(block_size=block, use_threads=False),
            parse_options=pacsv.ParseOptions(newlines_in_values=True, invalid_row_handler=bad_row),
            convert_options=convert,
        )
    except pa.ArrowInvalid as exc:
        raise _unreadable(exc) from None


def _unreadable(exc: pa.ArrowInvalid) -> FileProblem:
    text = str(exc)
    if "UTF8" in text or "UTF-8" in text:
        found = re.search(r"Row #(\d+)", text)
        where = f" (row {found.group(1)})" if found else ""
        return FileProblem("file", f"is not UTF-8 text{where}")
    if "Empty CSV file" in text:
        return FileProblem("file", "is empty")
    return FileProblem("file", f"cannot be read as CSV: {text.splitlines()[0][:200]}")


def open_file(stream: IO[bytes], errors: ErrorLog) -> Batches:
    """The file's header and a reader of its batches; FileProblem when it has no header."""
    fmt = file_format(stream)
    if fmt == "parquet":
        try:
            header = list(pq.ParquetFile(stream).schema_arrow.names)
        except (pa.ArrowException, OSError) as exc:
            raise FileProblem("file", f"is not a readable Parquet file: {exc}") from None
    else:
        only_text = pacsv.ConvertOptions(column_types={}, include_missing_columns=False)
        header = list(_open_csv(stream, only_text, _skip, HEADER_BYTES).schema.names)
    if not header or header == [""]:
        raise FileProblem("file", "has no header row")
    return Batches(header, stream, fmt, errors)


def as_text(column: pa.Array | pa.ChunkedArray) -> pa.Array | pa.ChunkedArray:
    """A Parquet column as the CSV reader gives it: numbers stay numbers (the cost), dates and
    times become ``YYYY-MM-DD…`` text, maps and lists JSON, nulls empty text."""
    kind = column.type
    if pa.types.is_floating(kind) or pa.types.is_integer(kind) or pa.types.is_decimal(kind):
        return column
    if pa.types.is_timestamp(kind):
        column = pc.strftime(column, format="%Y-%m-%dT%H:%M:%S")
    elif pa.types.is_date(kind):
        column = pc.cast(column, pa.string())
    elif pa.types.is_map(kind) or pa.types.is_list(kind) or pa.types.is_struct(kind):
        column = pa.array([_json(v) for v in column.to_pylist()], pa.string())
    elif not pa.types.is_string(kind):
        column = pc.cast(column, pa.string())
    return pc.fill_null(column, "")


def _json(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, list) and all(isinstance(v, tuple) and len(v) == 2 for v in value):
        value = dict(value)  # a map as pyarrow gives it: [(key, value), ...]
    return json.dumps(value, sort_keys=True, default=str)


def find_columns(header: list[str], names: tuple[str, ...]) -> str | None:
    """The first of ``names`` the header holds, compared without regard to case."""
    lowered = {h.strip().lower(): h for h in header}
    for name in names:
        if name.lower() in lowered:
            return lowered[name.lower()]
    return None


def _skip(_row: Any) -> str:
    return "skip"  # reading the header: the rows are checked when read
