"""Reading the fields of one log record: time stamps, URLs, byte counts, the column mapping.
Pure (the standard library).

Only the lines that may go to an AI service are read this far (a few per cent of a proxy
log), so these are plain Python functions: clear rather than vectorised.
"""

from __future__ import annotations

from dataclasses import dataclass, fields
from datetime import UTC, datetime
from typing import Any, NamedTuple
from urllib.parse import unquote

from aitower.discovery.logscan_results import LogFormatError

# Epoch values above these are milliseconds, microseconds, nanoseconds (year 5138 in seconds).
_MILLIS, _MICROS, _NANOS = 1e11, 1e14, 1e17
_TEXT_FORMATS = ("%a %b %d %H:%M:%S %Y", "%Y/%m/%d %H:%M:%S", "%d/%b/%Y:%H:%M:%S %z")


class Record(NamedTuple):
    """One request read from a log line (a named tuple: one per candidate line)."""

    host: str
    path: str
    seen: float  # seconds since the epoch, UTC
    user: str
    client: str
    department: str
    sent: int
    received: int


@dataclass(frozen=True, slots=True)
class ColumnMapping:
    """Which column (CSV) or key (JSON Lines; ``a.b`` reaches into objects) holds each field.

    ``timestamp`` and one of ``host`` (a host name, or a DNS query name) or ``url`` are
    required; the others are optional (a field not mapped is empty, or unknown for bytes).
    """

    timestamp: str
    host: str | None = None
    url: str | None = None
    user: str | None = None
    client: str | None = None
    department: str | None = None
    bytes_out: str | None = None
    bytes_in: str | None = None

    def __post_init__(self) -> None:
        if not self.timestamp:
            raise LogFormatError("mapping.timestamp", "the column of the time is required")
        if not (self.host or self.url):
            raise LogFormatError("mapping.host", "map a host (or query name) or a url column")

    @staticmethod
    def from_dict(values: dict[str, Any]) -> ColumnMapping:
        known = {f.name for f in fields(ColumnMapping)}
        for name in values:
            if name not in known:
                raise LogFormatError(f"mapping.{name}", f"unknown field; known: {sorted(known)}")
        if "timestamp" not in values:
            raise LogFormatError("mapping.timestamp", "the column of the time is required")
        given = {k: (str(v) if v else None) for k, v in values.items()}
        return ColumnMapping(**given)  # type: ignore[arg-type]  # timestamp checked above

    def columns(self) -> dict[str, str]:
        """The mapped fields and their columns, in a stable order."""
        mapped = {f.name: getattr(self, f.name) for f in fields(self)}
        return {name: column for name, column in mapped.items() if column}


def parse_timestamp(value: object) -> float:
    """Seconds since the epoch (UTC) from epoch seconds (or milli-, micro-, nanoseconds),
    ISO 8601, or the text forms of gateways' exports; a time without a zone is UTC."""
    if isinstance(value, int | float) and not isinstance(value, bool):
        return _epoch(float(value))
    text = str(value).strip()
    try:
        return _epoch(float(text))
    except ValueError:
        pass
    try:
        stamp = datetime.fromisoformat(text)
    except ValueError:
        stamp = _strptime(text)
    if stamp.tzinfo is None:
        stamp = stamp.replace(tzinfo=UTC)
    return stamp.timestamp()


def _epoch(number: float) -> float:
    if number != number or number < 0:  # NaN or before 1970
        raise ValueError(f"not a time: {number}")
    for limit, scale in ((_NANOS, 1e9), (_MICROS, 1e6), (_MILLIS, 1e3)):
        if number > limit:
            return number / scale
    return number


def _strptime(text: str) -> datetime:
    for form in _TEXT_FORMATS:
        try:
            return datetime.strptime(text, form)
        except ValueError:
            continue
    raise ValueError(f"not a time: {text[:40]!r}")


def host_and_path(url: str) -> tuple[str, str]:
    """The host and the path (without query or fragment) of ``url``; a URL without a scheme
    (``host:443`` of a CONNECT, ``ebay.com/``) is read as host[:port][/path]."""
    scheme = url.find("://")
    rest = url[scheme + 3 :] if 0 < scheme < 16 else url
    end = len(rest)
    for mark in "/?#":
        at = rest.find(mark)
        if at != -1 and at < end:
            end = at
    authority, path = rest[:end], rest[end:]
    for mark in "?#":
        at = path.find(mark)
        if at != -1:
            path = path[:at]
    host = authority.rpartition("@")[2]
    if host.startswith("["):
        host = host[: host.find("]") + 1]
    elif ":" in host:
        host = host.partition(":")[0]
    return host, path


def byte_count(value: object) -> int:
    """A byte count; empty, ``-`` or ``None`` is 0."""
    if value is None or value in ("", "-"):
        return 0
    number = int(value) if isinstance(value, int) else int(float(str(value)))
    if number < 0:
        raise ValueError(f"negative byte count {number}")
    return number


def user_name(value: object) -> str:
    """A user as logged; ``-`` (Squid's no-one) is empty; %-encoded names are decoded."""
    text = "" if value is None else str(value).strip()
    if text == "-":
        return ""
    return unquote(text) if "%" in text else text


def record_of(mapping: ColumnMapping, get: dict[str, object]) -> Record:
    """A record from the mapped fields' raw values (``get``: field name -> value)."""
    host, path = str(get.get("host") or "") if mapping.host else "", ""
    if mapping.url:
        url_host, path = host_and_path(str(get.get("url") or ""))
        host = host or url_host
    if not host:
        raise ValueError("no host")
    try:
        seen = parse_timestamp(get.get("timestamp"))
    except (ValueError, OverflowError) as error:
        raise ValueError(f"timestamp: {error}") from None
    counts = []
    for name in ("bytes_out", "bytes_in"):
        try:
            counts.append(byte_count(get.get(name)))
        except ValueError:
            raise ValueError(f"{name}: not a byte count: {str(get.get(name))[:40]!r}") from None
    return Record(
        host=host,
        path=path,
        seen=seen,
        user=user_name(get.get("user")),
        client=str(get.get("client") or ""),
        department=str(get.get("department") or ""),
        sent=counts[0],
        received=counts[1],
    )
