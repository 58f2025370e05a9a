"""Scan a proxy, firewall or DNS log and store what it found: the one use case the Scans page,
the API (``POST /api/v1/discovery/scans/logs``) and ``aitower discover logs`` share.

The scan reads the file outside any transaction (a large log takes minutes and must hold no
lock); what it found is then stored in one transaction with its audit event
(``scans.record_scan``). A file that is not of its format, a mapping naming a column the file
lacks, an unknown unit or the same file twice is refused naming the field, and nothing is
stored. Malformed lines are counted, and the first few are kept with their reasons.
"""

from __future__ import annotations

import re
import shutil
import tempfile
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import IO

from aitower.core.access import service as access
from aitower.core.audit.service import ChangeContext
from aitower.core.db.engine import Database
from aitower.core.errors import InvalidInput, NotFound
from aitower.discovery import catalog_service, log_findings, scans
from aitower.discovery.logscan import FORMATS, scan_log
from aitower.discovery.logscan_blocks import Progress
from aitower.discovery.logscan_results import LogFormatError, LogScan

PAIR_SEPARATORS = re.compile(r"[,\n;]+")


@dataclass(frozen=True, slots=True)
class LogRequest:
    """How to read the log: its format, the column mapping (csv, jsonl), the delimiter (csv)
    and the unit of users whose department names none (id, name or slug)."""

    fmt: str = "squid"
    mapping: dict[str, str] | None = None
    delimiter: str = ","
    unit: str | None = None


@dataclass(frozen=True, slots=True)
class LogResult:
    found: LogScan  # what the file showed, with the malformed lines kept
    stored: scans.ScanView


def parse_mapping(pairs: Iterable[str], field: str = "mapping") -> dict[str, str] | None:
    """``FIELD=COLUMN`` pairs as a mapping (None when there are none); a bad pair names
    ``field`` (``--map`` on the command line, ``mapping`` in a form)."""
    found: dict[str, str] = {}
    for pair in pairs:
        if not pair.strip():
            continue
        name, sep, column = pair.partition("=")
        if not sep or not name.strip() or not column.strip():
            raise InvalidInput.on(field, f"{pair.strip()!r} is not FIELD=COLUMN")
        found[name.strip()] = column.strip()
    return found or None


def mapping_from_text(text: str) -> dict[str, str] | None:
    """A form's mapping: pairs separated by commas, semicolons or lines."""
    return parse_mapping(PAIR_SEPARATORS.split(text))


@contextmanager
def saved_upload(stream: IO[bytes], name: str) -> Iterator[Path]:
    """The uploaded file as a file on disk (the scanner reads a path: it stats it for the
    progress and reads it in blocks); removed afterwards, whatever happens."""
    with tempfile.TemporaryDirectory(prefix="aitower-log-") as folder:
        path = Path(folder) / (Path(name).name or "upload.log")
        with path.open("wb") as out:
            shutil.copyfileobj(stream, out, length=1024 * 1024)
        yield path


def _check(request: LogRequest) -> None:
    if request.fmt not in FORMATS:
        raise InvalidInput.on("format", f"must be one of {', '.join(FORMATS)}")
    if len(request.delimiter) != 1 or request.delimiter in '\r\n"':
        raise InvalidInput.on("delimiter", "one character, not a quote or a line break")


def _unit_name(db: Database, unit: str | None) -> str | None:
    if unit is None or not unit.strip():
        return None
    with db.reading() as session:
        try:
            return access.get_unit(session, unit.strip()).name
        except NotFound:
            raise InvalidInput.on("unit", f"no business unit {unit.strip()!r}") from None


def read_log(db: Database, path: Path, request: LogRequest, progress: Progress | None = None
             ) -> LogScan:  # fmt: skip
    """What the log shows, with the catalog's and the organisation's services; a file that is
    not of its format, or a mapping naming a missing column, is refused naming the field."""
    _check(request)
    with db.reading() as session:
        patterns = catalog_service.all_patterns(session)
    try:
        return scan_log(path, request.fmt, patterns, mapping=request.mapping,
                        delimiter=request.delimiter, progress=progress)  # fmt: skip
    except LogFormatError as exc:
        raise InvalidInput.on(exc.field, exc.reason) from None


def scan_and_record(
    db: Database, ctx: ChangeContext, path: Path, name: str, request: LogRequest,
    progress: Progress | None = None,
) -> LogResult:  # fmt: skip
    """Scan the log at ``path`` (stored under ``name``) and store its findings, audited."""
    unit = _unit_name(db, request.unit)
    found = read_log(db, path, request, progress)
    digest = log_findings.file_sha256(path)
    with db.writing() as session:
        units = log_findings.unit_names(session)
        given = log_findings.scan_input(found, name, digest, units, unit)
        stored = scans.record_scan(session, ctx, given)
    return LogResult(found, stored)
