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
