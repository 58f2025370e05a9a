"""Scanning proxy, firewall and DNS logs for the use of AI services. Pure (no database).

``scan_log(path, fmt, patterns)`` streams a file of any size (plain or gzip) in blocks and
answers a ``LogScan``: per service, user, client and department the requests, the bytes sent
and received, the first and last time seen; how many lines were read and matched, and the
malformed ones (counted, the first few kept with their line number and reason).

The engine, chosen on measurements (``bench/discovery_logs.py``, docs/discovery-logs.md):
each block becomes an Arrow array of lines without a copy, two RE2 passes run over it in C
(is each line of the format's shape; may it name an AI service: a case-blind search for any
pattern's host suffix), and only the few lines that may name a service are split and matched
in Python. Most proxy traffic is not AI, so most lines never reach Python.
"""

from __future__ import annotations

import csv
from collections.abc import Iterable
from functools import partial
from pathlib import Path

import numpy as np
import orjson
import pyarrow as pa
import pyarrow.compute as pc

from aitower.discovery.logscan_blocks import (
    Progress,
    first_lines,
    lines_of,
    read_blocks,
    run_blocks,
)
from aitower.discovery.logscan_fields import ColumnMapping
from aitower.discovery.logscan_formats import (
    JSONL_SHAPE,
    SQUID,
    CsvFormat,
    JsonLinesFormat,
    LineFormat,
    csv_shape,
)
from aitower.discovery.logscan_gateways import GATEWAYS
from aitower.discovery.logscan_results import (
    MAX_MALFORMED_KEPT,
    LogFormatError,
    LogScan,
    UseTally,
)
from aitower.discovery.matching import ServiceMatcher, ServicePattern

FORMATS = ("squid", "csv", "jsonl", *GATEWAYS)
BLANK = r"^\n[ \t\r]*$"
JSONL_KEY_SAMPLE = 200  # objects read to check that each mapped key exists


def scan_log(
    path: str | Path,
    fmt: str,
    patterns: ServiceMatcher | Iterable[ServicePattern | tuple[str, str, str]],
    *,
    mapping: ColumnMapping | dict[str, str] | None = None,
    progress: Progress | None = None,
    delimiter: str = ",",
) -> LogScan:
    """What ``path`` (a log of format ``fmt``) shows of the services ``patterns`` describe.

    Raises ``LogFormatError`` naming the problem when the file is not of that format at all
    (no line of its first block has the format's shape) or the mapping names a column the
    file does not have.
    """
    source = Path(path)
    if not source.is_file():
        raise LogFormatError("path", f"no such file: {source}")
    matcher = patterns if isinstance(patterns, ServiceMatcher) else ServiceMatcher(patterns)
    if isinstance(mapping, dict):
        mapping = ColumnMapping.from_dict(mapping)
    line_format, header_lines = _line_format(source, fmt, mapping, delimiter)
    process = partial(_scan_block, line_format, matcher, matcher.prefilter())
    tally = run_blocks(
        read_blocks(source, skip_lines=header_lines),
        process,
        total=source.stat().st_size,
        lines_before=header_lines,
        progress=progress,
        check_first=partial(_refuse_foreign, line_format, source),
    )
    return LogScan.of(
        str(source), fmt, tally, bytes_read=source.stat().st_size,
        sent_known=line_format.sent_known, received_known=line_format.received_known,
    )  # fmt: skip


def _scan_block(
    fmt: LineFormat, matcher: ServiceMatcher, prefilter: str | None, block: bytearray
) -> UseTally:
    lines, offsets = lines_of(block)
    tally = UseTally(lines=len(lines))
    shaped = pc.match_substring_regex(lines, fmt.shape)
    tally.shaped = pc.sum(shaped).as_py() or 0
    if tally.shaped < len(lines):
        _note_malformed(fmt, tally, block, lines, offsets, shaped)
    if prefilter is None:
        return tally
    maybe = pc.and_(shaped, pc.match_substring_regex(lines, prefilter, ignore_case=True))
    rows = pc.indices_nonzero(maybe).to_numpy()
    texts = [bytes(block[offsets[i] + 1 : offsets[i + 1]]) for i in rows]
    for row, text, found in zip(rows, texts, fmt.read(texts), strict=True):
        if isinstance(found, str):
            tally.bad_line(int(row) + 1, found, text.decode("utf-8", "replace"))
            continue
        service = matcher.match(found.host, found.path)
        if service is not None:
            tally.matched += 1
            key = (service, found.user, found.client, found.department)
            tally.add(key, found.sent, found.received, found.seen)
    return tally


def _note_malformed(
    fmt: LineFormat, tally: UseTally, block: bytearray, lines: pa.BinaryArray, offsets: np.ndarray,
    shaped: pa.BooleanArray,
) -> None:  # fmt: skip
    """Count the lines not of the format's shape (blank ones are not malformed)."""
    rows = pc.indices_nonzero(pc.invert(shaped))
    blank = pc.match_substring_regex(lines.take(rows), BLANK)
    rows = rows.filter(pc.invert(blank)).to_numpy()
    for row in rows[:MAX_MALFORMED_KEPT]:
        text = bytes(block[offsets[row] + 1 : offsets[row + 1]])
        tally.bad_line(int(row) + 1, fmt.why_malformed(text), text.decode("utf-8", "replace"))
    tally.malformed += len(rows) - min(len(rows), MAX_MALFORMED_KEPT)


def _refuse_foreign(fmt: LineFormat, path: Path, first: UseTally) -> None:
    """A file whose first block has no line of the format's shape is another format."""
    if first.shaped == 0 and first.malformed > 0:
        where = first.malformed_kept[0]
        raise LogFormatError(
            "file", f"{path.name} is not a {fmt.title}: line {where.line}: {where.reason}"
        )


def _line_format(
    path: Path, fmt: str, mapping: ColumnMapping | None, delimiter: str
) -> tuple[LineFormat, int]:
    """The format to read ``path`` with, and how many header lines to skip."""
    if fmt not in FORMATS:
        raise LogFormatError("format", f"unknown format {fmt!r}; known: {', '.join(FORMATS)}")
    if fmt == "squid" or fmt in GATEWAYS:
        if mapping is not None:
            raise LogFormatError("mapping", f"the {fmt} format has its own columns")
        if fmt == "squid":
            return SQUID, 0
        layout = GATEWAYS[fmt]
        return _csv(layout.title, layout.mapping, list(layout.columns), layout.delimiter,
                    open_ended=True), 0  # fmt: skip
    if mapping is None:
        raise LogFormatError("mapping", f"the {fmt} format needs a column mapping")
    if fmt == "jsonl":
        _check_json_keys(path, mapping)
        title = "JSON Lines log"
        sent, received = bool(mapping.bytes_out), bool(mapping.bytes_in)
        return JsonLinesFormat("jsonl", title, JSONL_SHAPE, sent, received, mapping), 0
    header = first_lines(path, 1)
    if not header:
        return _csv("CSV log", mapping, list(mapping.columns().values()), delimiter,
                    open_ended=False), 1  # fmt: skip
    names = next(csv.reader([header[0].decode("utf-8-sig", "replace")], delimiter=delimiter))
    return _csv("CSV log", mapping, names, delimiter, open_ended=False), 1


def _csv(
    title: str, mapping: ColumnMapping, names: list[str], delimiter: str, *, open_ended: bool
) -> CsvFormat:
    positions = {}
    for field, column in mapping.columns().items():
        if column not in names:
            raise LogFormatError(
                f"mapping.{field}",
                f"no column {column!r} in the file; its columns: {', '.join(names[:40])}",
            )
        positions[field] = names.index(column)
    return CsvFormat(
        "csv", title, csv_shape(delimiter, len(names), open_ended=open_ended),
        bool(mapping.bytes_out), bool(mapping.bytes_in),
        mapping=mapping, positions=positions, delimiter=delimiter, columns=len(names),
    )  # fmt: skip


def _check_json_keys(path: Path, mapping: ColumnMapping) -> None:
    """Each mapped key must appear in at least one of the first objects of the file."""
    seen: list[dict[str, object]] = []
    for line in first_lines(path, JSONL_KEY_SAMPLE):
        try:
            document = orjson.loads(line)
        except orjson.JSONDecodeError:
            continue
        if isinstance(document, dict):
            seen.append(document)
    if not seen:
        return  # empty, or not JSON at all: the scan says which
    for field, key in mapping.columns().items():
        if not any(_has(document, key) for document in seen):
            keys = sorted({k for document in seen for k in document})[:40]
            raise LogFormatError(
                f"mapping.{field}",
                f"no key {key!r} in the first {len(seen)} objects; their keys: {', '.join(keys)}",
            )


def _has(document: dict[str, object], key: str) -> bool:
    if key in document:
        return True
    value: object = document
    for part in key.split("."):
        if not isinstance(value, dict) or part not in value:
            return False
        value = value[part]
    return True
