"""The audit trail's hash chain: pure functions, no storage.

Algorithm (also in docs/audit.md, so an auditor can re-implement it):

* Each event is the JSON object of ``CHAINED_FIELDS``. Its canonical form is
  ``json.dumps(obj, sort_keys=True, separators=(",", ":"), ensure_ascii=False)`` encoded UTF-8.
* ``hash = sha256(prev_hash_hex + "\\n" + canonical_form)`` as lowercase hex, where ``prev_hash``
  is the previous event's hash and ``GENESIS_HASH`` (64 zeros) for the first event.
* ``seq`` starts at 1 and increases by one with no gap.

Editing an event changes its hash; deleting or inserting one breaks the ``seq`` run or the
``prev_hash`` link; reordering breaks the link. Deleting events at the tail is caught by the
chain head kept beside the events (and by comparing with a head recorded earlier).
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

GENESIS_HASH = "0" * 64
CHAINED_FIELDS = (
    "seq",
    "id",
    "occurred_at",
    "actor",
    "action",
    "object_type",
    "object_id",
    "before",
    "after",
    "request_id",
)


def format_time(moment: datetime) -> str:
    """The one text form of a time in the chain: UTC, microseconds, ``Z``."""
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def canonical_json(value: Any) -> str:
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False)


def event_hash(prev_hash: str, event: Mapping[str, Any]) -> str:
    """Hash of one event chained to its predecessor (see module docstring)."""
    body = canonical_json({name: event[name] for name in CHAINED_FIELDS})
    return hashlib.sha256(f"{prev_hash}\n{body}".encode()).hexdigest()


@dataclass(frozen=True, slots=True)
class ChainProblem:
    seq: int | None
    event_id: str | None
    reason: str


@dataclass(frozen=True, slots=True)
class ChainReport:
    """The outcome of a verification: how many events were checked and the first bad one."""

    checked: int
    head_seq: int
    head_hash: str
    problem: ChainProblem | None

    @property
    def ok(self) -> bool:
        return self.problem is None


def verify_chain(
    events: Iterable[Mapping[str, Any]],
    *,
    expected_head: tuple[int, str] | None = None,
    recorded_head: tuple[int, str] | None = None,
    start: tuple[int, str] = (0, GENESIS_HASH),
) -> ChainReport:
    """Walk events in stored order and return the first that breaks the chain.

    Each mapping holds ``CHAINED_FIELDS`` plus ``prev_hash`` and ``hash``. ``start`` lets a
    verification resume from a trusted point; ``expected_head`` (seq, hash), the head stored
    beside the events, catches events removed from the end. ``recorded_head`` is a head an
    auditor wrote down earlier, outside aitower: the chain must still hold that exact event,
    which also catches removing the newest events *and* rewinding the stored head.
    """
    last_seq, last_hash = start
    checked = 0
    recorded_seen: str | None = None
    for event in events:
        seq = int(event["seq"])
        ident = str(event["id"])
        if event.get("damage"):
            why = f"the stored event cannot be read as written: {event['damage']}"
            return ChainReport(checked, last_seq, last_hash, ChainProblem(seq, ident, why))
        if seq != last_seq + 1:
            why = (
                f"events {last_seq + 1}..{seq - 1} are missing"
                if seq > last_seq + 1
                else f"sequence goes back from {last_seq} to {seq} (reordered or inserted)"
            )
            return ChainReport(checked, last_seq, last_hash, ChainProblem(seq, ident, why))
        if event["prev_hash"] != last_hash:
            return ChainReport(
                checked,
                last_seq,
                last_hash,
                ChainProblem(seq, ident, "prev_hash does not link to the previous event"),
            )
        recomputed = event_hash(last_hash, event)
        if recomputed != event["hash"]:
            return ChainReport(
                checked,
                last_seq,
                last_hash,
                ChainProblem(seq, ident, "content does not match its hash (edited)"),
            )
        last_seq, last_hash = seq, recomputed
        checked += 1
        if recorded_head is not None and seq == recorded_head[0]:
            recorded_seen = recomputed
    if recorded_head is not None and recorded_seen != recorded_head[1]:
        rec_seq = recorded_head[0]
        why = (
            f"the recorded head {rec_seq} is past the chain's end at {last_seq} "
            "(events removed at the end)"
            if recorded_seen is None
            else f"event {rec_seq} differs from the recorded head (history rewritten since)"
        )
        return ChainReport(checked, last_seq, last_hash, ChainProblem(rec_seq, None, why))
    if expected_head is not None and expected_head != (last_seq, last_hash):
        head_seq, _ = expected_head
        why = (
            f"the chain ends at {last_seq} but its head says {head_seq} (events removed at the end)"
            if head_seq > last_seq
            else f"the chain head says {head_seq} but events run to {last_seq}"
        )
        return ChainReport(checked, last_seq, last_hash, ChainProblem(head_seq, None, why))
    return ChainReport(checked, last_seq, last_hash, None)
