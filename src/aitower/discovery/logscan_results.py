"""What a log scan found: per (service, user, client, department) use of AI services, and
the lines it could not read. Pure.

The sums are kept as plain numbers while a scan runs (``UseTally``) and frozen into
``ServiceUse`` rows at the end; memory grows with the distinct (service, user, client,
department) keys, never with the lines.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import NamedTuple

MAX_MALFORMED_KEPT = 20


class LogFormatError(ValueError):
    """The file or its mapping cannot be read as asked (``field`` names what is wrong)."""

    def __init__(self, field: str, reason: str) -> None:
        super().__init__(f"{field}: {reason}")
        self.field = field
        self.reason = reason


@dataclass(frozen=True, slots=True)
class Malformed:
    """A line that was counted but not read: its number (the first line is 1) and why."""

    line: int
    reason: str
    text: str


class ServiceUse(NamedTuple):
    """The use of one AI service by one user from one client (and department, if known).

    ``bytes_sent`` is the data that left the organisation (request bodies); ``None`` when the
    log does not record it (Squid's native format logs reply sizes only). A named tuple: a
    scan makes one per group, and a frozen dataclass's ``__init__`` cost 1 s per 100,000.
    """

    service_id: str
    user: str
    client: str
    department: str
    requests: int
    bytes_sent: int | None
    bytes_received: int | None
    first_seen: datetime
    last_seen: datetime


Key = tuple[str, str, str, str]  # service, user, client, department


@dataclass(slots=True)
class UseTally:
    """The running sums while a scan runs, merged block by block in file order."""

    groups: dict[Key, list[float]] = field(default_factory=dict)
    lines: int = 0
    shaped: int = 0  # lines of the format's shape
    matched: int = 0
    malformed: int = 0
    malformed_kept: list[Malformed] = field(default_factory=list)

    def add(self, key: Key, sent: int, received: int, seen: float) -> None:
        tally = self.groups.get(key)
        if tally is None:
            self.groups[key] = [1, sent, received, seen, seen]
            return
        tally[0] += 1
        tally[1] += sent
        tally[2] += received
        if seen < tally[3]:
            tally[3] = seen
        if seen > tally[4]:
            tally[4] = seen

    def bad_line(self, line: int, reason: str, text: str) -> None:
        """Count a malformed line; keep the first ``MAX_MALFORMED_KEPT`` by line number
        (within a block, lines are noted out of order: those not of the format's shape
        first, then those that failed to read)."""
        self.malformed += 1
        kept = self.malformed_kept
        if len(kept) >= MAX_MALFORMED_KEPT:
            if line > kept[-1].line:
                return
            kept.pop()
        kept.append(Malformed(line, reason, text[:200]))
        kept.sort(key=lambda m: m.line)

    def merge(self, other: UseTally, lines_before: int) -> None:
        """Add a later block's tally; its line numbers count from the block's first line."""
        self.lines += other.lines
        self.shaped += other.shaped
        self.matched += other.matched
        for item in other.malformed_kept:
            if len(self.malformed_kept) < MAX_MALFORMED_KEPT:
                self.malformed_kept.append(
                    Malformed(item.line + lines_before, item.reason, item.text)
                )
        self.malformed += other.malformed
        for key, (n, sent, received, first, last) in other.groups.items():
            tally = self.groups.get(key)
            if tally is None:
                self.groups[key] = [n, sent, received, first, last]
            else:
                tally[0] += n
                tally[1] += sent
                tally[2] += received
                tally[3] = min(tally[3], first)
                tally[4] = max(tally[4], last)


@dataclass(frozen=True, slots=True)
class LogScan:
    """The result of ``scan_log``: what went to AI services, and how much was read."""

    path: str
    format: str
    bytes_read: int
    lines: int
    matched: int
    malformed: int
    malformed_lines: tuple[Malformed, ...]
    uses: tuple[ServiceUse, ...]
    bytes_sent_known: bool

    @staticmethod
    def of(
        path: str, fmt: str, tally: UseTally, *, bytes_read: int, sent_known: bool,
        received_known: bool,
    ) -> LogScan:  # fmt: skip
        uses = tuple(
            ServiceUse(
                service_id=key[0],
                user=key[1],
                client=key[2],
                department=key[3],
                requests=int(n),
                bytes_sent=int(sent) if sent_known else None,
                bytes_received=int(received) if received_known else None,
                first_seen=_utc(first),
                last_seen=_utc(last),
            )
            for key, (n, sent, received, first, last) in sorted(tally.groups.items())
        )
        return LogScan(
            path=path, format=fmt, bytes_read=bytes_read, lines=tally.lines,
            matched=tally.matched, malformed=tally.malformed,
            malformed_lines=tuple(tally.malformed_kept), uses=uses, bytes_sent_known=sent_known,
        )  # fmt: skip


def _utc(epoch_seconds: float) -> datetime:
    return datetime.fromtimestamp(epoch_seconds, tz=UTC)
