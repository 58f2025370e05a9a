"""One OTLP export request, from its body to what the answer reports: no HTTP here.

The endpoint runs this in the server process (``GroupWriter``) or hands the body to an ingest
worker process that runs the same function (``ingest_workers``); either way the outcome comes
back only after the spans are committed. Errors become an ``OtlpRefusal`` with the status the
OTLP/HTTP specification gives the exporter.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy.exc import DBAPIError, OperationalError

from aitower.telemetry import otlp
from aitower.telemetry.ingest import IngestOutcome
from aitower.telemetry.records import DecodedSpan
from aitower.telemetry.storable import make_storable

log = logging.getLogger("aitower.telemetry")
StoreSpans = Callable[[Sequence[DecodedSpan]], IngestOutcome]


class OtlpRefusal(Exception):
    """A request refused whole: its HTTP status, a message for the exporter, and whether a
    retry may succeed (429/503 with ``Retry-After``)."""

    def __init__(self, status: int, message: str, *, retry: bool = False) -> None:
        super().__init__(message)
        self.status = status
        self.message = message
        self.retry = retry

    def __reduce__(self) -> tuple[Any, ...]:  # sent back from a worker process
        return (_refusal, (self.status, self.message, self.retry))


def _refusal(status: int, message: str, retry: bool) -> OtlpRefusal:
    return OtlpRefusal(status, message, retry=retry)


@dataclass(frozen=True, slots=True)
class ExportOutcome:
    accepted: int  # spans newly stored
    duplicates: int  # spans stored before (re-sent), not counted again
    rejected: int  # spans refused by the decoder, reported as partial success
    # their distinct reasons, and notes on values kept as text (``storable``), for the
    # partial-success message (a warning when nothing was rejected)
    rejected_reasons: str = ""


def export(
    body: bytes,
    encoding: str,
    content_encoding: str | None,
    store: StoreSpans,
    *,
    max_decompressed_bytes: int,
) -> ExportOutcome:
    """Decompress and decode ``body`` (``protobuf`` or ``json``), store its spans with
    ``store`` (which returns after the commit), and say what came of it."""
    try:
        raw = otlp.decompress(body, content_encoding, max_bytes=max_decompressed_bytes)
        result = otlp.decode_json(raw) if encoding == "json" else otlp.decode_protobuf(raw)
        notes = make_storable(result)
        try:
            outcome = store(result.spans)
        except OperationalError as exc:
            log.warning("ingest deferred: %s", exc.orig)
            raise OtlpRefusal(503, "the store is busy; retry later", retry=True) from exc
        except DBAPIError as exc:  # the data itself was refused: retrying would not help
            log.warning("ingest refused: %s", exc.orig)
            raise OtlpRefusal(400, f"the store refused these spans: {exc.orig}"[:500]) from exc
    except otlp.BadPayload as exc:
        raise OtlpRefusal(400, str(exc)) from exc
    except otlp.PayloadTooLarge as exc:
        raise OtlpRefusal(413, str(exc)) from exc
    except otlp.UnsupportedEncoding as exc:
        raise OtlpRefusal(415, str(exc)) from exc
    rejected = [*result.rejected, *outcome.refused]
    reasons = "; ".join([*sorted({r.reason for r in rejected}), *notes])[:1000]
    return ExportOutcome(outcome.accepted, outcome.duplicates, len(rejected), reasons)
