"""The binary payload of a stored batch: a small JSON header, then raw little-endian arrays.

Layout (all offsets from the start of the payload)::

    b"ATPB" | uint32 version (1) | uint32 header length H | H bytes of JSON header |
    zero padding to a multiple of 8 | column arrays, each starting on a multiple of 8

The header lists ``rows`` and, per column, ``name``, ``dtype`` (``<f8``, ``<i4``, ``<i8`` or
``text``), ``offset``, ``nbytes`` and, for dictionary-encoded columns, ``categories``. Numeric
columns are float64, categorical ones int32 codes into their ``categories`` (-1 missing),
timestamps int64 nanoseconds, and text (prediction ids) UTF-8 joined by newlines (ids may not
contain one). Reading is ``np.frombuffer`` per column: no parsing, no Python object per value
except for the ids.

Why no compression: the columns are mostly float64 features, which zlib shrinks by a few per
cent at a cost of ~30 ms per million values to inflate (measured in
``bench/prediction_store.py``); the payload is written once and read by every monitor run.
"""

from __future__ import annotations

import json
import struct
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, TypeAlias

import numpy as np
from numpy.typing import NDArray

from aitower.statistics.drift.columns import Categorical

MAGIC = b"ATPB"
VERSION = 1
_PREFIX = struct.Struct("<4sII")

StoredColumn: TypeAlias = NDArray[Any] | Categorical | list[str]


@dataclass(frozen=True, slots=True)
class DecodedBatch:
    rows: int
    columns: dict[str, StoredColumn]


def _pad(size: int) -> int:
    return -size % 8


def _column_bytes(column: StoredColumn) -> tuple[dict[str, Any], bytes]:
    if isinstance(column, Categorical):
        codes = np.ascontiguousarray(column.codes, dtype="<i4")
        return {"dtype": "<i4", "categories": list(column.categories)}, codes.tobytes()
    if isinstance(column, list):
        return {"dtype": "text"}, "\n".join(column).encode()
    array = np.ascontiguousarray(column)
    dtype = "<i8" if array.dtype.kind in "iu" else "<f8"
    return {"dtype": dtype}, array.astype(dtype, copy=False).tobytes()


def encode(rows: int, columns: Mapping[str, StoredColumn]) -> bytes:
    """One payload holding ``columns`` (each of length ``rows``)."""
    described: list[dict[str, Any]] = []
    blobs: list[bytes] = []
    for name, column in columns.items():
        meta, blob = _column_bytes(column)
        described.append({"name": name, **meta, "nbytes": len(blob)})
        blobs.append(blob)
    # Offsets depend on the header's length, which depends on the offsets' digits: lay the
    # arrays out after a header sized with generous placeholders, then pad the header.
    header = {"rows": rows, "columns": described}
    for meta in described:
        meta["offset"] = 10**15
    budget = len(json.dumps(header).encode())
    start = _PREFIX.size + budget + _pad(_PREFIX.size + budget)
    for meta, blob in zip(described, blobs, strict=True):
        meta["offset"] = start
        start += len(blob) + _pad(len(blob))
    text = json.dumps(header).encode().ljust(budget)
    parts = [_PREFIX.pack(MAGIC, VERSION, len(text)), text, b"\0" * _pad(_PREFIX.size + len(text))]
    for blob in blobs:
        parts.extend((blob, b"\0" * _pad(len(blob))))
    return b"".join(parts)


def decode(payload: bytes) -> DecodedBatch:
    """The columns of a payload, as views on ``payload`` (read-only arrays)."""
    magic, version, size = _PREFIX.unpack_from(payload)
    if magic != MAGIC or version != VERSION:
        raise ValueError(f"not a prediction batch payload (magic {magic!r}, version {version})")
    header = json.loads(payload[_PREFIX.size : _PREFIX.size + size])
    rows = int(header["rows"])
    columns: dict[str, StoredColumn] = {}
    for meta in header["columns"]:
        offset, nbytes = int(meta["offset"]), int(meta["nbytes"])
        if meta["dtype"] == "text":
            text = bytes(payload[offset : offset + nbytes]).decode()
            columns[meta["name"]] = text.split("\n") if rows else []
            continue
        dtype = np.dtype(meta["dtype"])
        array = np.frombuffer(payload, dtype=dtype, count=nbytes // dtype.itemsize, offset=offset)
        if "categories" in meta:
            columns[meta["name"]] = Categorical(array, tuple(meta["categories"]))
        else:
            columns[meta["name"]] = array
    return DecodedBatch(rows, columns)
