"""A snapshot as the plain JSON documents the API answers and the bundle holds.

One writer for both, so the file an auditor receives and the API's answer never disagree, and
``aitower audit verify-bundle`` can rebuild each file from the bundled trail byte for byte.
"""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any

from aitower.auditing.replay import Snapshot
from aitower.core.audit.chain import format_time


def _time(moment: datetime | None) -> str | None:
    return None if moment is None else format_time(moment)


def _head(snapshot: Snapshot) -> dict[str, Any]:
    return {"at": format_time(snapshot.at), "seq": snapshot.head_seq, "hash": snapshot.head_hash}


def inventory_document(snapshot: Snapshot) -> dict[str, Any]:
    """Every system with its record, tier and stage at the moment."""
    return {
        "as_of": _head(snapshot),
        "systems": [
            {
                "id": s.id,
                "name": s.name,
                "unit": s.unit,
                "risk_tier": s.risk_tier,
                "stage": s.stage,
                "removed": s.removed,
                "registered_at": _time(s.registered_at),
                "registered_by": s.registered_by,
                "tier_since": _time(s.tier_since),
                "stage_since": _time(s.stage_since),
                "last_changed_at": _time(s.last_changed_at),
                "last_seq": s.last_seq,
                "attributes": dict(s.attributes),
            }
            for s in snapshot.systems
        ],
    }


def approvals_document(snapshot: Snapshot) -> dict[str, Any]:
    """Every decision up to the moment, and the requests they were given on."""
    return {
        "as_of": _head(snapshot),
        "decisions": [
            {
                "request_id": d.request_id,
                "system_id": d.system_id,
                "system_name": d.system_name,
                "move": d.move,
                "decision": d.decision,
                "by": d.by,
                "role": d.role,
                "reason": d.reason,
                "at": format_time(d.at),
                "seq": d.seq,
            }
            for d in snapshot.decisions
        ],
        "requests": [
            {
                "id": r.id,
                "system_id": r.system_id,
                "kind": r.kind,
                "move": r.move,
                "from_stage": r.from_stage,
                "target_stage": r.target_stage,
                "requested_by": r.requested_by,
                "requested_at": format_time(r.requested_at),
                "reason": r.reason,
                "status": r.status,
                "closed_at": _time(r.closed_at),
                "expires_at": _time(r.expires_at),
            }
            for r in snapshot.requests
        ],
    }


def policies_document(snapshot: Snapshot) -> dict[str, Any]:
    """The version of each policy in force at the moment, its YAML as written."""
    return {
        "as_of": _head(snapshot),
        "policies": [
            {
                "key": p.key,
                "name": p.name,
                "version": p.version,
                "enabled": p.enabled,
                "saved_by": p.saved_by,
                "saved_at": format_time(p.saved_at),
                "comment": p.comment,
                "source": p.source,
            }
            for p in snapshot.policies
        ],
    }


def evidence_document(snapshot: Snapshot) -> dict[str, Any]:
    """The evidence attached to each system at the moment (removed documents left out)."""
    names = {s.id: s.name for s in snapshot.systems}
    return {
        "as_of": _head(snapshot),
        "evidence": [
            {
                "id": e.id,
                "system_id": e.system_id,
                "system": names.get(e.system_id, e.system_id),
                "kind": e.kind,
                "title": e.title,
                "uri": e.uri,
                "added_by": e.added_by,
                "added_at": format_time(e.added_at),
                **({"details": dict(e.extra)} if e.extra else {}),
            }
            for e in snapshot.evidence
        ],
    }


def file_bytes(document: dict[str, Any]) -> bytes:
    """A document as the bundle stores it: indented, keys sorted, UTF-8, one final newline."""
    return (json.dumps(document, indent=2, sort_keys=True, ensure_ascii=False) + "\n").encode()


def snapshot_files(snapshot: Snapshot) -> dict[str, bytes]:
    """The bundle's four derived files, by name."""
    return {
        "inventory.json": file_bytes(inventory_document(snapshot)),
        "approvals.json": file_bytes(approvals_document(snapshot)),
        "policies.json": file_bytes(policies_document(snapshot)),
        "evidence.json": file_bytes(evidence_document(snapshot)),
    }
