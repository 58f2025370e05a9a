"""A log scan as discovery findings: each (service, user) use the scan summed becomes a finding
of kind ``log``, stored through ``scans.record_scan``.

A use's user is the log's user name, else its client address (a proxy without authentication
logs only that). Its unit is the department column when that names a business unit (by name or
slug, case aside), else the unit the person scanning says the log belongs to, else unknown:
a department that is no unit stays on the finding as its department, never refused. Bytes the
log does not record (Squid's native format logs reply sizes only) count as 0 sent.
"""

from __future__ import annotations

import hashlib
from pathlib import Path

from sqlalchemy.orm import Session

from aitower.core.access import service as access
from aitower.discovery.logscan_results import LogScan, ServiceUse
from aitower.discovery.scans import FindingInput, ScanInput


def file_sha256(path: Path) -> str:
    """The file's SHA-256 (a repeat of the same file is refused, its counts would add twice)."""
    with path.open("rb") as stream:
        return hashlib.file_digest(stream, "sha256").hexdigest()


def unit_names(session: Session) -> dict[str, str]:
    """Each unit's name and slug, lower-cased, to its name."""
    found: dict[str, str] = {}
    for unit in access.list_units(session):
        found[unit.name.lower()] = unit.name
        found[unit.slug.lower()] = unit.name
    return found


def _finding(use: ServiceUse, units: dict[str, str], default_unit: str | None) -> FindingInput:
    unit = units.get(use.department.strip().lower()) or default_unit
    return FindingInput(
        service_id=use.service_id,
        user=use.user or use.client,
        department=use.department,
        unit=unit,
        requests=use.requests,
        bytes_sent=use.bytes_sent or 0,
        first_seen=use.first_seen,
        last_seen=use.last_seen,
    )


def scan_input(
    scan: LogScan, name: str, sha256: str, units: dict[str, str], default_unit: str | None
) -> ScanInput:
    """The scan's uses as findings for ``record_scan``."""
    return ScanInput(
        source_kind="log",
        file_name=name,
        sha256=sha256,
        lines=scan.lines,
        matched=scan.matched,
        malformed=scan.malformed,
        findings=tuple(_finding(use, units, default_unit) for use in scan.uses),
    )
