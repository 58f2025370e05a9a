"""Storing decoded spans: link to systems, map conventions, price, insert, roll up, in one commit.

(Contract for the other parts of issue 4; the implementation lands next.)
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from aitower.core.db.engine import Database
from aitower.telemetry.records import DecodedSpan


@dataclass(frozen=True, slots=True)
class IngestOutcome:
    accepted: int  # spans newly stored
    duplicates: int  # spans already stored (same trace and span id): ignored, not counted again


def store_spans(
    db: Database, spans: Sequence[DecodedSpan], *, received_at: datetime
) -> IngestOutcome:
    """Store ``spans`` and update traces, rollups and sources in one write transaction.

    Returns only after the commit: the OTLP answer is sent after this, so an acknowledged span
    is never lost.
    """
    raise NotImplementedError
