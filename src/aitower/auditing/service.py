"""Use cases of the audit journey: the snapshot at a moment, and the signed bundle.

Both read the audit trail only (``core.audit.service``), in one ``Database.reading()``
snapshot, so the bundle's files and its trail describe exactly the same events.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import datetime

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from sqlalchemy.orm import Session

from aitower.auditing.bundle import BundleContents, build_bundle
from aitower.auditing.documents import snapshot_files
from aitower.auditing.replay import Replay, Snapshot, TrailEvent, parse_moment
from aitower.core.audit import service as audit
from aitower.core.audit.chain import GENESIS_HASH
from aitower.core.db.base import utcnow
from aitower.core.errors import InvalidInput
from aitower.core.moments import utc_moment


def moment_of(at: str | None) -> datetime:
    """The ``at`` parameter as a UTC moment, refused (422, naming ``at``) when unreadable."""
    if at is None or not at.strip():
        return utcnow()
    try:
        moment = parse_moment(at)
    except ValueError as exc:
        raise InvalidInput.on("at", str(exc)) from None
    return utc_moment(moment, "at")


def _events(session: Session, through_seq: int) -> Iterator[dict[str, object]]:
    if through_seq > 0:
        yield from audit.chain_events(session, through_seq=through_seq)


def snapshot_at(session: Session, at: datetime) -> Snapshot:
    """Everything the trail says was true at ``at`` (systems, policies, approvals,
    evidence), replayed from its first event to the head as it stood then."""
    at = utc_moment(at, "at")
    head_seq, _ = audit.head_at(session, at)
    replay = Replay()
    for doc in _events(session, head_seq):
        replay.apply(TrailEvent.of(doc), str(doc["hash"]))
    return replay.snapshot(at)


def make_bundle(
    session: Session, at: datetime, *, key: Ed25519PrivateKey, made_by: str
) -> tuple[bytes, Snapshot]:
    """The signed zip for ``at`` and the snapshot it holds. Run in ``Database.reading()``."""
    snapshot = snapshot_at(session, at)
    trail = (
        "".join(audit.export_lines(session, through_seq=snapshot.head_seq))
        if (snapshot.head_seq)
        else ""
    )
    head_hash = snapshot.head_hash or GENESIS_HASH
    contents = BundleContents(
        as_of=snapshot.at,
        created_at=utcnow(),
        created_by=made_by,
        head_seq=snapshot.head_seq,
        head_hash=head_hash,
        trail=trail.encode(),
        files=snapshot_files(snapshot),
    )
    return build_bundle(contents, key), snapshot


def bundle_name(at: datetime) -> str:
    return f"aitower-audit-{at.strftime('%Y%m%dT%H%M%SZ')}.zip"


def as_json(document: object) -> str:
    return json.dumps(document, indent=2, sort_keys=True, ensure_ascii=False)
