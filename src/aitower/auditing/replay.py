"""The organisation as it stood at a moment, rebuilt from the audit trail alone.

Every change aitower makes is an audit event with the object's state before and after it
(``docs/audit.md``), so replaying the chain from its first event up to a moment yields what
was true then: each AI system's record, risk tier and lifecycle stage, the policy versions in
force, the approval requests and every decision on them, and the evidence attached. Reading
the trail rather than today's tables is the point: tables hold only the present (a removed
document, a policy's later edit, a system's former tier are gone from them), and an auditor
can replay the same events from the exported JSON Lines without trusting aitower.

Which events count: the *prefix* of the chain up to the last event recorded at or before the
moment. The chain's order is ``seq``; times come from the servers' clocks and may step back a
little between replicas, so "every event up to seq N" is the only cut that is also a chain an
auditor can verify from its first event (the bundle's ``audit-trail.jsonl`` is exactly it).

Pure: plain mappings in (the export's form), frozen dataclasses out.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

import yaml

# Fields of a system's audit document that are its record (the stage is tracked on its own).
_NOT_ATTRIBUTES = frozenset({"stage"})


@dataclass(frozen=True, slots=True)
class TrailEvent:
    """What the replay reads of one audit event."""

    seq: int
    occurred_at: datetime
    actor: str
    action: str
    object_type: str
    object_id: str | None
    before: Mapping[str, Any] | None
    after: Mapping[str, Any] | None

    @classmethod
    def of(cls, doc: Mapping[str, Any]) -> TrailEvent:
        """An event as exported (``aitower audit export``, one JSON line) or as stored."""
        moment = doc["occurred_at"]
        if not isinstance(moment, datetime):
            moment = datetime.fromisoformat(str(moment).replace("Z", "+00:00"))
        moment = moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)
        return cls(
            seq=int(doc["seq"]),
            occurred_at=moment,
            actor=str(doc["actor"]),
            action=str(doc["action"]),
            object_type=str(doc["object_type"]),
            object_id=None if doc.get("object_id") is None else str(doc["object_id"]),
            before=doc.get("before"),
            after=doc.get("after"),
        )


@dataclass(frozen=True, slots=True)
class SystemAsOf:
    """One AI system as it stood: its record (the audit document's fields), tier and stage."""

    id: str
    name: str
    unit: str | None
    attributes: Mapping[str, Any]
    stage: str | None
    risk_tier: str | None
    registered_at: datetime | None
    registered_by: str | None
    stage_since: datetime | None
    tier_since: datetime | None
    last_changed_at: datetime
    last_seq: int
    removed: bool = False  # deleted before the moment: shown as it was, flagged


@dataclass(frozen=True, slots=True)
class PolicyAsOf:
    """The version of a policy in force: its YAML as written, who saved it and when."""

    key: str
    name: str
    version: int
    enabled: bool
    source: str
    comment: str
    saved_by: str
    saved_at: datetime


@dataclass(frozen=True, slots=True)
class DecisionAsOf:
    """One approval or rejection: who gave it, in which role, when, on which request."""

    request_id: str
    system_id: str | None
    system_name: str | None
    move: str  # "development → deployment", or "admission"
    decision: str
    by: str
    role: str
    reason: str
    at: datetime
    seq: int


@dataclass(frozen=True, slots=True)
class RequestAsOf:
    """An approval request as it stood: the move it asked for and where it had got to."""

    id: str
    system_id: str | None
    kind: str
    from_stage: str | None
    target_stage: str | None
    requested_by: str
    requested_at: datetime
    reason: str
    status: str  # pending, completed, rejected, withdrawn, expired
    closed_at: datetime | None = None
    expires_at: datetime | None = None

    @property
    def move(self) -> str:
        if self.kind == "intake":
            return "admission"
        return f"{self.from_stage or '?'} → {self.target_stage or '?'}"


@dataclass(frozen=True, slots=True)
class EvidenceAsOf:
    """A document or piece of evidence attached to a system, and not yet removed."""

    id: str
    system_id: str
    kind: str
    title: str
    uri: str
    added_by: str
    added_at: datetime
    extra: Mapping[str, Any] = field(default_factory=dict)  # any further recorded fields


@dataclass(frozen=True, slots=True)
class Snapshot:
    """Everything the audit trail says was true at ``at``, up to event ``head_seq``."""

    at: datetime
    head_seq: int
    head_hash: str | None
    systems: tuple[SystemAsOf, ...]
    policies: tuple[PolicyAsOf, ...]
    requests: tuple[RequestAsOf, ...]
    decisions: tuple[DecisionAsOf, ...]
    evidence: tuple[EvidenceAsOf, ...]

    def system(self, system_id: str) -> SystemAsOf | None:
        return next((s for s in self.systems if s.id == system_id), None)


def end_of_day(day: date) -> datetime:
    """The last microsecond of a UTC day: "as of 2026-03-31" includes all of that day."""
    return datetime.combine(day + timedelta(days=1), time(0), UTC) - timedelta(microseconds=1)


def parse_moment(text: str) -> datetime:
    """``YYYY-MM-DD`` (the end of that UTC day) or an ISO 8601 time (UTC when bare).

    Raises ``ValueError`` naming the accepted forms."""
    value = text.strip()
    try:
        if len(value) == 10:
            return end_of_day(date.fromisoformat(value))
        moment = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        raise ValueError(f"{text!r} is neither a date (YYYY-MM-DD) nor an ISO 8601 time") from None
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)


class Replay:
    """Folds events, in chain order, into the state they describe.

    Events this replay does not know (telemetry settings, alert rules …) are passed over: they
    change nothing it reports. A system first seen through a later event (a trail that began
    after it was registered) is kept with the fields that event gives.
    """

    def __init__(self) -> None:
        self.systems: dict[str, SystemAsOf] = {}
        self.policies: dict[str, PolicyAsOf] = {}
        self.requests: dict[str, RequestAsOf] = {}
        self.decisions: list[DecisionAsOf] = []
        self.evidence: dict[str, EvidenceAsOf] = {}
        self.head_seq = 0
        self.head_hash: str | None = None

    def apply(self, event: TrailEvent, event_hash: str | None = None) -> None:
        self.head_seq, self.head_hash = event.seq, event_hash
        if event.object_type == "ai_system" and event.object_id is not None:
            self._system_event(event, event.object_id)
        elif event.object_type == "policy" and event.object_id is not None:
            self._policy_event(event, event.object_id)
        elif event.object_type == "approval_request" and event.object_id is not None:
            self._request_event(event, event.object_id)

    # --- systems ---------------------------------------------------------------------------

    def _system(self, event: TrailEvent, system_id: str) -> SystemAsOf:
        found = self.systems.get(system_id)
        if found is not None:
            return found
        return SystemAsOf(
            id=system_id,
            name=system_id,
            unit=None,
            attributes={},
            stage=None,
            risk_tier=None,
            registered_at=None,
            registered_by=None,
            stage_since=None,
            tier_since=None,
            last_changed_at=event.occurred_at,
            last_seq=event.seq,
        )

    def _system_event(self, event: TrailEvent, system_id: str) -> None:
        after = event.after or {}
        current = self._system(event, system_id)
        touched = replace(current, last_changed_at=event.occurred_at, last_seq=event.seq)
        action = event.action
        if action in ("system.create", "system.update") and event.after is not None:
            touched = self._record(touched, event, after, created=action == "system.create")
        elif action == "risk.assessed" and "tier" in after:
            touched = replace(touched, risk_tier=after["tier"], tier_since=event.occurred_at)
        elif action in ("lifecycle.moved", "lifecycle.admitted") and "stage" in after:
            if after["stage"] != touched.stage or touched.stage_since is None:
                touched = replace(touched, stage=after["stage"], stage_since=event.occurred_at)
        elif action == "evidence.attached" and event.after is not None:
            self._attach(event, system_id, after)
            return
        elif action == "evidence.removed" and event.before is not None:
            self.evidence.pop(str(event.before.get("evidence_id")), None)
            return
        elif action.endswith((".delete", ".deleted")) and event.after is None:
            touched = replace(touched, removed=True)
        else:
            return
        self.systems[system_id] = touched

    def _record(
        self, system: SystemAsOf, event: TrailEvent, doc: Mapping[str, Any], *, created: bool
    ) -> SystemAsOf:
        attributes = {k: v for k, v in doc.items() if k not in _NOT_ATTRIBUTES}
        changed = replace(
            system,
            name=str(doc.get("name", system.name)),
            unit=None if doc.get("unit") is None else str(doc["unit"]),
            attributes=attributes,
            removed=False,
        )
        if created:
            changed = replace(
                changed,
                registered_at=event.occurred_at,
                registered_by=event.actor,
                stage=doc.get("stage") or "planning",
                stage_since=event.occurred_at,
            )
        elif system.stage is None and doc.get("stage"):
            changed = replace(changed, stage=doc["stage"], stage_since=event.occurred_at)
        return changed

    def _attach(self, event: TrailEvent, system_id: str, doc: Mapping[str, Any]) -> None:
        known = {"evidence_id", "kind", "title", "uri"}
        evidence_id = str(doc.get("evidence_id", f"seq-{event.seq}"))
        self.evidence[evidence_id] = EvidenceAsOf(
            id=evidence_id,
            system_id=system_id,
            kind=str(doc.get("kind", "")),
            title=str(doc.get("title", "")),
            uri=str(doc.get("uri", "")),
            added_by=event.actor,
            added_at=event.occurred_at,
            extra={k: v for k, v in doc.items() if k not in known},
        )

    # --- policies --------------------------------------------------------------------------

    def _policy_event(self, event: TrailEvent, key: str) -> None:
        after = event.after or {}
        current = self.policies.get(key)
        if event.action in ("policy.created", "policy.updated") and "source" in after:
            source = str(after["source"])
            self.policies[key] = PolicyAsOf(
                key=key,
                name=_policy_name(source, key),
                version=int(after.get("version", 0 if current is None else current.version + 1)),
                enabled=True if current is None else current.enabled,
                source=source,
                comment=str(after.get("comment", "")),
                saved_by=event.actor,
                saved_at=event.occurred_at,
            )
        elif event.action in ("policy.enabled", "policy.disabled") and current is not None:
            self.policies[key] = replace(current, enabled=event.action == "policy.enabled")

    # --- approvals -------------------------------------------------------------------------

    def _request_event(self, event: TrailEvent, request_id: str) -> None:
        after = event.after or {}
        if event.action == "approval.requested":
            self.requests[request_id] = RequestAsOf(
                id=request_id,
                system_id=_text(after.get("system_id")),
                kind=str(after.get("kind", "move")),
                from_stage=_text(after.get("from_stage")),
                target_stage=_text(after.get("target_stage")),
                requested_by=event.actor,
                requested_at=event.occurred_at,
                reason=str(after.get("reason", "")),
                status="pending",
                expires_at=_moment(after.get("expires_at")),
            )
        elif event.action == "approval.decided":
            self._decision(event, request_id, after)
        elif event.action.startswith("approval.") and request_id in self.requests:
            status = str(after.get("status", event.action.removeprefix("approval.")))
            self.requests[request_id] = replace(
                self.requests[request_id], status=status, closed_at=event.occurred_at
            )

    def _decision(self, event: TrailEvent, request_id: str, doc: Mapping[str, Any]) -> None:
        request = self.requests.get(request_id)
        system_id = _text(doc.get("system_id")) or (None if request is None else request.system_id)
        system = None if system_id is None else self.systems.get(system_id)
        self.decisions.append(
            DecisionAsOf(
                request_id=request_id,
                system_id=system_id,
                system_name=None if system is None else system.name,
                move="?" if request is None else request.move,
                decision=str(doc.get("decision", "")),
                by=event.actor,
                role=str(doc.get("role", "")),
                reason=str(doc.get("reason", "")),
                at=event.occurred_at,
                seq=event.seq,
            )
        )

    # --- the result ------------------------------------------------------------------------

    def snapshot(self, at: datetime) -> Snapshot:
        return Snapshot(
            at=at,
            head_seq=self.head_seq,
            head_hash=self.head_hash,
            systems=tuple(sorted(self.systems.values(), key=lambda s: (s.name.lower(), s.id))),
            policies=tuple(sorted(self.policies.values(), key=lambda p: p.key)),
            requests=tuple(
                _effective(r, at) for r in sorted(self.requests.values(), key=_requested)
            ),
            decisions=tuple(self.decisions),
            evidence=tuple(
                sorted(self.evidence.values(), key=lambda e: (e.system_id, e.added_at, e.id))
            ),
        )


def _requested(request: RequestAsOf) -> datetime:
    return request.requested_at


def _effective(request: RequestAsOf, at: datetime) -> RequestAsOf:
    """A pending request past its expiry reads "expired" (as governance shows it), though the
    ``approval.expired`` event is written only when someone next touches the system."""
    if request.status == "pending" and request.expires_at is not None and request.expires_at < at:
        return replace(request, status="expired")
    return request


def _moment(value: object) -> datetime | None:
    if not isinstance(value, str):
        return None
    try:
        moment = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return None
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment


def _text(value: object) -> str | None:
    return None if value is None else str(value)


def _policy_name(source: str, key: str) -> str:
    """The policy's ``name`` from its YAML; the key when the source cannot be read (an old
    version written before a format change must not stop the replay)."""
    try:
        doc = yaml.safe_load(source)
    except yaml.YAMLError:
        return key
    name = doc.get("name") if isinstance(doc, dict) else None
    return str(name) if name else key


def chain_prefix(events: Sequence[TrailEvent], at: datetime) -> Sequence[TrailEvent]:
    """The events up to the last one recorded at or before ``at`` (module docstring: why a
    prefix of the chain, not a filter on time)."""
    last = max((i for i, e in enumerate(events) if e.occurred_at <= at), default=-1)
    return events[: last + 1]


def reconstruct(events: Iterable[TrailEvent], at: datetime) -> Snapshot:
    """The state at ``at`` of the events given in chain order."""
    replay = Replay()
    for event in chain_prefix(list(events), at):
        replay.apply(event)
    return replay.snapshot(at)
