"""An ingest worker process (see ``ingest_pool``): stores the OTLP bodies its server sends.

Run as ``python -m aitower.telemetry.ingest_worker FD``, FD being its end of a socket pair. The
first message is its ``WorkerConfig``; then each export request comes as two messages, (encoding,
content encoding, the sender's business units or None) and the body's bytes, and each answer is
an ``ExportOutcome`` or an ``OtlpRefusal``, sent after the commit. It imports the ingest path
only, and exits when the server's end closes.
"""

from __future__ import annotations

import functools
import logging
import sys
import uuid
from collections.abc import Sequence
from multiprocessing.connection import Connection
from typing import Any

from aitower.core.db.engine import Database
from aitower.telemetry.ingest import IngestOutcome, store_spans
from aitower.telemetry.ingest_pool import WorkerConfig
from aitower.telemetry.otlp_export import OtlpRefusal, export
from aitower.telemetry.records import DecodedSpan
from aitower.telemetry.span_log_events import attach_after_store

log = logging.getLogger("aitower.telemetry")


def serve(conn: Connection) -> None:
    """A worker's life: store each body it is sent, answer, and exit when the pipe closes."""
    try:
        config: WorkerConfig = conn.recv()
    except (EOFError, OSError):
        return
    logging.basicConfig(level=config.log_level, format="%(levelname)s [ingest worker] %(message)s")
    db = Database(config.database_url)

    def store(spans: Sequence[DecodedSpan], units: frozenset[uuid.UUID] | None) -> IngestOutcome:
        outcome = store_spans(db, spans, default_content=config.content, units=units)
        # GenAI events sent as logs before these spans join them, now that they are stored.
        attach_after_store(db, outcome.stored, config.content.key)
        return outcome

    while True:
        try:
            encoding, content_encoding, units = conn.recv()
            body = conn.recv_bytes()
        except (EOFError, OSError):
            db.dispose()
            return
        try:
            reply: Any = export(
                body,
                encoding,
                content_encoding,
                functools.partial(store, units=units),
                max_decompressed_bytes=config.max_decompressed_bytes,
            )
        except OtlpRefusal as refusal:
            reply = refusal
        except Exception as exc:  # answer, so the server's request does not hang
            log.exception("ingest failed")
            reply = OtlpRefusal(503, f"ingest failed: {type(exc).__name__}; retry", retry=True)
        try:
            conn.send(reply)
        except OSError:  # the server stopped while this request was being stored
            db.dispose()
            return


if __name__ == "__main__":
    serve(Connection(int(sys.argv[1])))
