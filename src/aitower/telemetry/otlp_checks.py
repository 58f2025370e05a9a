"""What both OTLP decoders share: the errors they raise, their limits, the per-span checks.

A request fails whole (``BadPayload``, ``PayloadTooLarge``, ``UnsupportedEncoding``) only when
it cannot be read at all; a span that can be read but makes no sense is refused alone, as a
``RejectedSpan`` that the endpoint reports as an OTLP partial success, so nothing valid in the
same request is lost.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from datetime import datetime

# Spans older than this are clock errors (an unset time is 0, i.e. 1970), not telemetry.
EARLIEST_UNIX_NANO = 946_684_800 * 10**9  # 2000-01-01T00:00:00Z
# Clocks drift, but a span a day ahead of the server is a broken clock, and would sit at the
# top of every "latest" list until that day.
FUTURE_TOLERANCE_NANO = 86_400 * 10**9
_ZERO_TRACE_ID = bytes(16)
_ZERO_SPAN_ID = bytes(8)


class BadPayload(ValueError):
    """The body is not an OTLP ExportTraceServiceRequest in the announced encoding (-> 400)."""


class PayloadTooLarge(ValueError):
    """The body, once decompressed, exceeds the configured size (-> 413)."""


class UnsupportedEncoding(ValueError):
    """A ``Content-Encoding`` other than gzip, deflate or identity (-> 415)."""


@dataclass(frozen=True, slots=True)
class DecodeLimits:
    """Bounds that keep one request from exhausting memory or storage.

    Strings longer than ``max_value_chars`` (also inside arrays and key/value lists) are cut
    rather than refused: a 2 MB prompt still tells which model ran and what it cost. Only the
    first ``max_attributes`` attributes and ``max_events`` events of a span are kept, as the
    OpenTelemetry SDK's own span limits do.
    """

    max_body_bytes: int = 64 * 1024 * 1024
    max_value_chars: int = 64 * 1024
    max_attributes: int = 512
    max_events: int = 256


DEFAULT_LIMITS = DecodeLimits()


def now_unix_nano(now: datetime | None) -> int:
    if now is None:
        return time.time_ns()
    return int(now.timestamp()) * 10**9 + now.microsecond * 1000


def span_problem(trace_id: bytes, span_id: bytes, start: int, end: int, latest: int) -> str | None:
    """Why a span cannot be stored, in one line, or None if it can.

    ``latest`` is the newest acceptable time (now plus the tolerance), in Unix nanoseconds.
    """
    if len(trace_id) != 16 or trace_id == _ZERO_TRACE_ID:
        return "trace id must be 16 bytes, not all zero"
    if len(span_id) != 8 or span_id == _ZERO_SPAN_ID:
        return "span id must be 8 bytes, not all zero"
    if start < EARLIEST_UNIX_NANO:
        return "start time is before 2000 (unset or wrong clock)"
    if end < start:
        return "end time is before start time (negative duration)"
    if end > latest:
        return "span ends more than a day in the future"
    return None
