"""CSV and Parquet files of predictions or labels, read with pyarrow into raw columns.

A predictions file has one row per prediction: an id column, a timestamp column, an output
column, optionally a score column (the positive class's probability) and ``score.<class>``
columns (multiclass), the sensitive-attribute columns named by the caller, and every other
column is a feature. A labels file has an id, a label and optionally a labelled-at column.
Column names are the defaults below unless the caller names others.

Rows are numbered from 1 (the first data row; in a CSV file that is line 2). A CSV row with
the wrong number of fields is reported by its number, not skipped; an empty CSV cell is
missing. Types are pyarrow's: numbers stay numbers, anything else is text, so a numeric
feature with one text cell is checked per distinct text (``predictions.inputs``).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from aitower.core.errors import InvalidInput
from aitower.core.settings import Settings
from aitower.predictions.file_layout import (
    FileFormat,
    FileLimits,
    LabelFileColumns,
    PredictionFileColumns,
)
from aitower.predictions.inputs import Problems
from aitower.predictions.intake import RawLabels, RawPredictions

if TYPE_CHECKING:
    import pyarrow as pa


def format_of(name: str, given: str | None = None) -> FileFormat:
    if given:
        return FileFormat(given)
    lowered = name.lower()
    if lowered.endswith((".parquet", ".pq")):
        return FileFormat.parquet
    if lowered.endswith((".csv", ".csv.gz", ".txt")):
        return FileFormat.csv
    raise InvalidInput.on("file", "name a .csv or .parquet file, or give the format")


def limits_of(settings: Settings) -> FileLimits:
    return FileLimits(
        rows=settings.predictions_max_file_rows,
        columns=settings.predictions_max_file_columns,
        decompressed_bytes=settings.predictions_max_file_decompressed_bytes,
    )


def read_table(data: bytes, fmt: FileFormat, limits: FileLimits) -> tuple[pa.Table, Problems]:
    """The file as a pyarrow table, with the problems of rows that could not be read; a file
    over ``limits`` is refused (413) before it is decompressed where the format allows."""
    from aitower.predictions import arrow_tables  # pyarrow loads when a file first arrives

    return arrow_tables.read_table(data, fmt, limits)


def raw_predictions(
    table: pa.Table, names: PredictionFileColumns, problems: Problems
) -> RawPredictions:
    from aitower.predictions import arrow_tables

    return arrow_tables.raw_predictions(table, names, problems)


def raw_labels(table: pa.Table, names: LabelFileColumns, problems: Problems) -> RawLabels:
    from aitower.predictions import arrow_tables

    return arrow_tables.raw_labels(table, names, problems)


def column_list(text: str | None) -> tuple[str, ...]:
    return tuple(part.strip() for part in (text or "").split(",") if part.strip())
