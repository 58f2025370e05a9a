"""The hash chain, by hand: each tamper an auditor worries about is caught and located."""

from __future__ import annotations

import hashlib
import json
from typing import Any

from aitower.core.audit.chain import GENESIS_HASH, canonical_json, event_hash, verify_chain


def _chain(n: int) -> list[dict[str, Any]]:
    events: list[dict[str, Any]] = []
    prev = GENESIS_HASH
    for seq in range(1, n + 1):
        event = {
            "seq": seq,
            "id": f"id-{seq}",
            "occurred_at": f"2026-11-25T10:00:0{seq % 10}.000000Z",
            "actor": "user:alice",
            "action": "unit.create",
            "object_type": "business_unit",
            "object_id": f"u{seq}",
            "before": None,
            "after": {"name": f"Unit {seq}", "n": seq},
            "request_id": None,
        }
        event["prev_hash"] = prev
        event["hash"] = prev = event_hash(prev, event)
        events.append(event)
    return events


def test_hash_follows_the_documented_formula() -> None:
    event = _chain(1)[0]
    body = json.dumps(
        {k: event[k] for k in event if k not in ("prev_hash", "hash")},
        sort_keys=True,
        separators=(",", ":"),
        ensure_ascii=False,
    )
    expected = hashlib.sha256(f"{GENESIS_HASH}\n{body}".encode()).hexdigest()
    assert event["hash"] == expected
    assert canonical_json({"b": 1, "a": "é"}) == '{"a":"é","b":1}'


def test_intact_chain_verifies_and_reports_its_head() -> None:
    events = _chain(5)
    report = verify_chain(events, expected_head=(5, events[-1]["hash"]))
    assert report.ok and report.checked == 5 and report.head_seq == 5


def test_edit_is_caught_at_the_edited_event() -> None:
    events = _chain(5)
    events[2]["after"] = {"name": "Renamed", "n": 3}
    report = verify_chain(events)
    assert report.problem is not None and report.problem.seq == 3
    assert "edited" in report.problem.reason


def test_deletion_in_the_middle_is_caught() -> None:
    events = _chain(5)
    del events[1]
    report = verify_chain(events)
    assert report.problem is not None and report.problem.seq == 3
    assert "missing" in report.problem.reason


def test_insertion_of_a_forged_event_is_caught() -> None:
    events = _chain(4)
    forged = dict(events[1], id="forged", after={"name": "evil"})
    forged["hash"] = event_hash(forged["prev_hash"], forged)
    events.insert(2, forged)
    report = verify_chain(events)
    assert report.problem is not None and report.problem.seq == 2
    assert report.problem.event_id == "forged"


def test_reordering_is_caught() -> None:
    events = _chain(4)
    events[1], events[2] = events[2], events[1]
    report = verify_chain(events)
    assert report.problem is not None and report.problem.seq == 3


def test_renumbered_reorder_is_caught_by_the_links() -> None:
    events = _chain(4)
    events[1], events[2] = events[2], events[1]
    events[1]["seq"], events[2]["seq"] = 2, 3
    report = verify_chain(events)
    assert report.problem is not None and report.problem.seq == 2


def test_deleting_the_newest_events_is_caught_against_the_head() -> None:
    events = _chain(5)
    head = (5, events[-1]["hash"])
    report = verify_chain(events[:3], expected_head=head)
    assert report.problem is not None and "removed at the end" in report.problem.reason


def test_verification_can_start_from_a_trusted_point() -> None:
    events = _chain(6)
    start = (3, events[2]["hash"])
    assert verify_chain(events[3:], start=start).ok
