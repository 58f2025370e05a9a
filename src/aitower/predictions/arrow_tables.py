"""The pyarrow half of ``predictions.files``: a CSV or Parquet file's bytes into raw columns.

Kept apart because pyarrow adds about 70 MB to a process: ``files`` imports this module only
when a file arrives, so a server that never receives one (an OTLP ingest node, say) never loads
it. The file layout and the row numbering are described in ``predictions.files``.
"""

from __future__ import annotations

import io
from datetime import UTC, datetime
from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pa_csv
import pyarrow.parquet as pq
from numpy.typing import NDArray

from aitower.core.errors import InvalidInput, TooLarge
from aitower.predictions.file_layout import (
    FileFormat,
    FileLimits,
    LabelFileColumns,
    PredictionFileColumns,
)
from aitower.predictions.inputs import Numbers, Problems, Raw, Texts, check_times, parse_time
from aitower.predictions.intake import RawLabels, RawPredictions
from aitower.predictions.store import to_ns
from aitower.statistics.drift.columns import Categorical


def read_table(data: bytes, fmt: FileFormat, limits: FileLimits) -> tuple[pa.Table, Problems]:
    """The file as a table, and the rows that could not be read (CSV field counts)."""
    problems = Problems()
    if fmt is FileFormat.parquet:
        return _read_parquet(data, limits), problems
    _check_header(data, limits)
    table, bad = _read_csv(data, threads=True)
    if bad and any(number <= 0 for number, _ in bad):
        table, bad = _read_csv(data, threads=False)  # only a single thread numbers bad rows
    _check_size(table.num_rows + len(bad), table.num_columns, limits)
    for number, reason in bad:
        problems.add_as_numbered(number, "fields", reason)
    if bad:
        skipped = np.array(sorted(number for number, _ in bad), dtype=np.int64)
        kept = np.setdiff1d(np.arange(1, table.num_rows + skipped.size + 1), skipped)
        problems.row_numbers = kept[: table.num_rows]
    return table, problems


def _read_parquet(data: bytes, limits: FileLimits) -> pa.Table:
    """Limits are checked against the footer first: it declares the rows, the columns and the
    decompressed size, so a small file claiming to expand hugely is refused unread."""
    try:
        file = pq.ParquetFile(io.BytesIO(data))
        meta = file.metadata
        _check_size(meta.num_rows, meta.num_columns, limits)
        expanded = sum(meta.row_group(i).total_byte_size for i in range(meta.num_row_groups))
        if expanded > limits.decompressed_bytes:
            raise TooLarge.on(
                "file",
                f"decompresses to {expanded:,} bytes; the limit is {limits.decompressed_bytes:,} "
                "(setting AITOWER_PREDICTIONS_MAX_FILE_DECOMPRESSED_BYTES)",
            )
        return _named(file.read())
    except (pa.ArrowException, OSError) as exc:
        raise InvalidInput.on("file", f"not a readable Parquet file: {exc}") from None


def _check_header(data: bytes, limits: FileLimits) -> None:
    """A CSV header with more columns than allowed is refused before the file is parsed."""
    header = data[: data.find(b"\n") if b"\n" in data else len(data)]
    if header.count(b",") + 1 > limits.columns:
        _check_size(0, header.count(b",") + 1, limits)


def _check_size(rows: int, columns: int, limits: FileLimits) -> None:
    if columns > limits.columns:
        raise TooLarge.on(
            "file",
            f"has {columns:,} columns; the limit is {limits.columns:,} "
            "(setting AITOWER_PREDICTIONS_MAX_FILE_COLUMNS)",
        )
    if rows > limits.rows:
        raise TooLarge.on(
            "file",
            f"has {rows:,} rows; the limit is {limits.rows:,} "
            "(setting AITOWER_PREDICTIONS_MAX_FILE_ROWS), so send it in parts",
        )


def _read_csv(data: bytes, *, threads: bool) -> tuple[pa.Table, list[tuple[int, str]]]:
    bad: list[tuple[int, str]] = []

    def invalid(row: Any) -> str:
        # pyarrow numbers lines from 1 with the header; rows count data rows from 1.
        number = row.number - 1 if row.number is not None and row.number > 1 else 0
        bad.append((number, f"expected {row.expected_columns} fields, got {row.actual_columns}"))
        return "skip"

    try:
        table = pa_csv.read_csv(
            io.BytesIO(data),
            read_options=pa_csv.ReadOptions(use_threads=threads),
            parse_options=pa_csv.ParseOptions(invalid_row_handler=invalid),
            convert_options=pa_csv.ConvertOptions(strings_can_be_null=True),
        )
    except pa.ArrowException as exc:
        raise InvalidInput.on("file", f"not a readable CSV file: {exc}") from None
    return _named(table), bad


def _named(table: pa.Table) -> pa.Table:
    """The table, once its columns are known to be usable: names that are UTF-8 text (pyarrow
    keeps a CSV header's bytes as they came and fails only when a name is read), each name
    once, and one scalar per cell. Binary columns (a CSV column that is not UTF-8 is read as
    binary) become text or are refused, so no later step meets bytes it cannot decode."""
    try:
        names = table.column_names
    except UnicodeDecodeError:
        raise InvalidInput.on("file", "column names must be UTF-8 text") from None
    repeated = sorted({name for name in names if names.count(name) > 1})
    if repeated:
        raise InvalidInput.on("file", f"the column {repeated[0]!r} appears more than once")
    for index, name in enumerate(names):
        table = table.set_column(index, name, _scalar_column(name, table.column(index)))
    return table


def _scalar_column(name: str, column: pa.ChunkedArray) -> pa.ChunkedArray:
    kind = column.type
    if pa.types.is_dictionary(kind):
        kind = kind.value_type
    if pa.types.is_binary(kind) or pa.types.is_large_binary(kind):
        try:
            return column.cast(pa.string())
        except pa.ArrowInvalid:
            raise InvalidInput.on(
                "file", f"the column {name!r} is not UTF-8 text; save the file as UTF-8"
            ) from None
    if not any(accepts(kind) for accepts in SCALAR_TYPES):
        held = "lists, records or maps" if pa.types.is_nested(kind) else f"{kind} values"
        raise InvalidInput.on(
            "file", f"the column {name!r} holds {held}; give one number, text or time a cell"
        )
    return column


# Cell types a file may carry: numbers, booleans, text and times (nested and binary may not).
SCALAR_TYPES = (
    pa.types.is_integer,
    pa.types.is_floating,
    pa.types.is_decimal,
    pa.types.is_boolean,
    pa.types.is_string,
    pa.types.is_large_string,
    pa.types.is_timestamp,
    pa.types.is_date,
    pa.types.is_null,
)


def _raw(column: pa.ChunkedArray) -> Raw:
    kind = column.type
    if pa.types.is_integer(kind) or pa.types.is_floating(kind) or pa.types.is_decimal(kind):
        return Numbers(column.cast(pa.float64()).to_numpy(zero_copy_only=False).astype(np.float64))
    if pa.types.is_boolean(kind):
        column = column.cast(pa.string()).to_pylist()
        return Texts(
            Categorical.from_values(
                np.array([None if v is None else v.capitalize() for v in column], dtype=object)
            )
        )
    if not (pa.types.is_string(kind) or pa.types.is_large_string(kind)):
        column = column.cast(pa.string())
    encoded = pc.dictionary_encode(column).combine_chunks()
    codes = encoded.indices.fill_null(-1).to_numpy(zero_copy_only=False).astype(np.int32)
    names = tuple(str(v) for v in encoded.dictionary.to_pylist())
    return Texts(Categorical(codes, names))


def _times(column: pa.ChunkedArray, name: str, problems: Problems) -> NDArray[np.int64]:
    """Unix ns; timestamps with a zone are converted, naive ones are UTC."""
    now = datetime.now(UTC)
    if pa.types.is_timestamp(column.type):
        return check_times(*_timestamp_ns(column), name, problems, now)
    if pa.types.is_integer(column.type) or pa.types.is_floating(column.type):
        seconds = column.cast(pa.float64()).to_numpy(zero_copy_only=False)
        bad = ~np.isfinite(seconds)
        seconds = np.where(bad | (np.abs(seconds) > 9e9), 9e9, seconds)  # 9e9 s: absurd, 2255
        return check_times((seconds * 1e9).astype(np.int64), bad, name, problems, now)
    parsed = [parse_time(v) for v in column.cast(pa.string()).to_pylist()]
    bad = np.array([p is None for p in parsed], dtype=np.bool_)
    values = np.array([0 if p is None else p for p in parsed], dtype=np.int64)
    return check_times(values, bad, name, problems, now)


def _timestamp_ns(column: pa.ChunkedArray) -> tuple[NDArray[np.int64], NDArray[np.bool_]]:
    """Arrow timestamps (any unit; stored as UTC) as ns, and which are null. Values beyond
    int64 nanoseconds (after 2262) become a far-future value, refused as absurd."""
    per_unit = {"s": 10**9, "ms": 10**6, "us": 10**3, "ns": 1}[column.type.unit]
    bad = np.asarray(column.is_null().to_numpy(zero_copy_only=False), dtype=np.bool_)
    ticks = column.cast(pa.int64()).fill_null(0).to_numpy(zero_copy_only=False).astype(np.int64)
    limit = np.iinfo(np.int64).max // per_unit // 2
    ticks = np.where(np.abs(ticks) > limit, limit, ticks)
    return ticks * per_unit, bad


def _column(table: pa.Table, name: str, what: str) -> pa.ChunkedArray:
    if name not in table.column_names:
        raise InvalidInput.on(
            what, f"the file has no column {name!r} (columns: {', '.join(table.column_names)})"
        )
    return table.column(name)


def _ids(column: pa.ChunkedArray) -> list[Any]:
    ids: list[Any] = column.cast(pa.string()).to_pylist()
    return ids


def raw_predictions(
    table: pa.Table, names: PredictionFileColumns, problems: Problems
) -> RawPredictions:
    """The table's columns as a prediction batch (see the module's column rules)."""
    for name in names.sensitive:
        _column(table, name, "sensitive")
    taken = {names.id, names.timestamp, names.output, names.score, *names.sensitive}
    features = {
        name: _raw(table.column(name))
        for name in table.column_names
        if name not in taken and not name.startswith("score.")
    }
    class_scores = {
        name.removeprefix("score."): _raw(table.column(name))
        for name in table.column_names
        if name.startswith("score.")
    }
    scores = _raw(table.column(names.score)) if names.score in table.column_names else None
    return RawPredictions(
        ids=_ids(_column(table, names.id, "id_column")),
        timestamps=_times(
            _column(table, names.timestamp, "timestamp_column"), "timestamp", problems
        ),
        features=features,
        outputs=_raw(_column(table, names.output, "output_column")),
        scores=scores,
        class_scores=class_scores,
        sensitive={name: _raw(table.column(name)) for name in names.sensitive},
        problems=problems,
    )


def raw_labels(table: pa.Table, names: LabelFileColumns, problems: Problems) -> RawLabels:
    """The table's labels; rows without a labelled-at time were labelled when received."""
    count = table.num_rows
    now = to_ns(datetime.now(UTC))
    if names.labelled_at in table.column_names:
        column = table.column(names.labelled_at)
        missing = np.asarray(column.is_null().to_numpy(zero_copy_only=False), dtype=np.bool_)
        at = _times(column.fill_null(_fill_value(column.type)), "labelled_at", problems)
        at[missing] = now
    else:
        at = np.full(count, now, dtype=np.int64)
    return RawLabels(
        ids=_ids(_column(table, names.id, "id_column")),
        labels=_raw(_column(table, names.label, "label_column")),
        labelled_at=at,
        problems=problems,
    )


def _fill_value(kind: pa.DataType) -> Any:
    if pa.types.is_timestamp(kind):
        return pa.scalar(datetime.now(UTC), kind)
    if pa.types.is_integer(kind) or pa.types.is_floating(kind):
        return pa.scalar(datetime.now(UTC).timestamp()).cast(kind)
    return datetime.now(UTC).isoformat()
