#!/usr/bin/env python3
"""Verify an aitower audit export on your own, with nothing but the Python standard library.

    python verify_audit_export.py aitower-audit.jsonl [--head SEQ:HASH]

Prints ``OK`` and the head (seq, hash) when every line holds, or ``NOT OK`` and the first bad
line, and exits 0 or 1 accordingly. The algorithm is the one in docs/audit.md; this file
deliberately shares no code with aitower, so a bug there cannot hide itself here.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import sys
from collections.abc import Iterable

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
EXPORTED_FIELDS = frozenset((*CHAINED_FIELDS, "prev_hash", "hash"))


class BadLine(Exception):
    """The first line that breaks the chain, and why."""

    def __init__(self, number: int, seq: object, reason: str) -> None:
        super().__init__(f"line {number} (seq {seq}): {reason}")


def canonical_json(value: object) -> str:
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False)


def event_hash(prev_hash: str, event: dict[str, object]) -> str:
    body = canonical_json({name: event[name] for name in CHAINED_FIELDS})
    return hashlib.sha256(f"{prev_hash}\n{body}".encode()).hexdigest()


def _parse(number: int, line: str) -> dict[str, object]:
    try:
        event = json.loads(line)
    except ValueError as exc:
        raise BadLine(number, "?", f"not JSON ({exc})") from None
    if not isinstance(event, dict) or set(event) != EXPORTED_FIELDS:
        raise BadLine(number, "?", "fields are not exactly those of an audit event")
    if not isinstance(event["seq"], int) or isinstance(event["seq"], bool):
        raise BadLine(number, event["seq"], "seq is not an integer")
    return event


class Summary:
    """What a verified export holds: its first and last event, and a recorded head's hash."""

    def __init__(self) -> None:
        self.count = 0
        self.first_seq = self.last_seq = 0
        self.first_prev = self.last_hash = ""
        self.hash_at_head: str | None = None


def verify(lines: Iterable[str], head_seq: int | None = None) -> Summary:
    """Check every line in order; raises BadLine at the first that breaks the chain."""
    done = Summary()
    for number, line in enumerate(lines, start=1):
        event = _parse(number, line)
        seq = int(str(event["seq"]))
        if done.count == 0:
            done.first_seq, done.first_prev = seq, str(event["prev_hash"])
            if seq == 1 and done.first_prev != GENESIS_HASH:
                raise BadLine(number, seq, "the first event does not start from the genesis hash")
        elif seq != done.last_seq + 1:
            raise BadLine(number, seq, f"expected seq {done.last_seq + 1} (missing or moved)")
        elif event["prev_hash"] != done.last_hash:
            raise BadLine(number, seq, "prev_hash does not link to the previous line")
        if event_hash(str(event["prev_hash"]), event) != event["hash"]:
            raise BadLine(number, seq, "content does not match its hash (edited)")
        done.count, done.last_seq, done.last_hash = done.count + 1, seq, str(event["hash"])
        if seq == head_seq:
            done.hash_at_head = done.last_hash
    return done


def _recorded_head(text: str) -> tuple[int, str]:
    seq, _, digest = text.partition(":")
    if not seq.isdigit() or len(digest) != 64:
        raise argparse.ArgumentTypeError("expected SEQ:HASH (64 hex digits)")
    return int(seq), digest.lower()


def _head_problem(done: Summary, head: tuple[int, str]) -> str | None:
    """A head recorded earlier must still be in the export, unchanged."""
    if done.hash_at_head is None:
        return f"the recorded head seq {head[0]} is not in the export (events removed?)"
    if done.hash_at_head != head[1]:
        return f"seq {head[0]} no longer has the recorded hash (history rewritten)"
    return None


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("export", help="the JSON Lines file from `aitower audit export`")
    parser.add_argument("--head", type=_recorded_head, help="a head recorded earlier, as SEQ:HASH")
    args = parser.parse_args(argv)
    try:
        with open(args.export, encoding="utf-8") as lines:
            done = verify(lines, None if args.head is None else args.head[0])
    except BadLine as bad:
        print(f"NOT OK: {bad}")
        return 1
    problem = None if args.head is None else _head_problem(done, args.head)
    if problem is not None:
        print(f"NOT OK: {problem}")
        return 1
    if done.count == 0:
        print("OK: the export holds no events")
        return 0
    print(
        f"OK: {done.count} events, seq {done.first_seq}..{done.last_seq}; "
        f"head seq {done.last_seq} hash {done.last_hash}"
    )
    if done.first_seq != 1:
        print(
            f"note: starts at seq {done.first_seq}, after an event whose hash is {done.first_prev}"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
