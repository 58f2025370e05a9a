"""The layout of a predictions or labels file: its format and the names of its columns (the
defaults unless the caller names others). Shared by ``files`` and ``arrow_tables``."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum


class FileFormat(StrEnum):
    csv = "csv"
    parquet = "parquet"


@dataclass(frozen=True, slots=True)
class PredictionFileColumns:
    id: str = "prediction_id"
    timestamp: str = "timestamp"
    output: str = "output"
    score: str = "score"
    sensitive: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class LabelFileColumns:
    id: str = "prediction_id"
    label: str = "label"
    labelled_at: str = "labelled_at"


@dataclass(frozen=True, slots=True)
class FileLimits:
    """How large a file may be once read: a compressed Parquet file of a few kilobytes can
    declare millions of rows, so these are checked against its footer before any data is
    decompressed, and against a CSV file's header and row count."""

    rows: int = 5_000_000
    columns: int = 2_000
    decompressed_bytes: int = 1024 * 1_048_576
