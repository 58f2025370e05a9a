"""What a generated document knows about one system: plain, frozen facts, and their digest.

The gatherer (``gather``) reads the other slices' services into these dataclasses; the
documents (``system_card``, ``annex_iv``, ``fria``) are pure functions of them. Keeping the
facts plain means a document can be built in a test without a database, and two generations
from the same facts can be recognised by ``facts_digest`` (the versions list says "same facts
as version N" rather than pretending something changed).
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any


@dataclass(frozen=True, slots=True)
class ModelFact:
    provider: str
    name: str
    version: str
    hosting: str


@dataclass(frozen=True, slots=True)
class DataSourceFact:
    name: str
    classification: str
    personal_data: bool
    special_category: bool


@dataclass(frozen=True, slots=True)
class SystemInfo:
    """The inventory's record of the system (references as names)."""

    id: str
    name: str
    purpose: str
    kind: str
    unit: str
    stage: str
    risk_tier: str | None
    accountable_owner: str | None
    technical_owner: str | None
    autonomy: str
    affected: tuple[str, ...]
    models: tuple[ModelFact, ...]
    vendors: tuple[str, ...]
    data_sources: tuple[DataSourceFact, ...]
    data_classification: str
    personal_data: bool
    special_category_data: bool
    environments: tuple[str, ...]
    services: tuple[str, ...]
    docs_url: str
    repository_url: str
    tags: tuple[str, ...]
    notes: str


@dataclass(frozen=True, slots=True)
class AssessmentFact:
    """The EU AI Act assessment in force."""

    version: int
    tier: str
    articles: tuple[str, ...]
    reasons: tuple[str, ...]
    obligations: tuple[str, ...]
    assessed_by: str
    assessed_at: datetime


@dataclass(frozen=True, slots=True)
class RiskFact:
    title: str
    category: str
    status: str
    inherent: int  # likelihood x impact, 1-25
    residual: int
    mitigations: str
    owner: str | None
    next_review: date | None


@dataclass(frozen=True, slots=True)
class PolicyFact:
    """A policy in force and how the system stands against it now."""

    key: str
    name: str
    outcome: str  # pass | warn | block
    findings: tuple[str, ...]  # the warn and block findings, as sentences


@dataclass(frozen=True, slots=True)
class EvidenceFact:
    kind: str
    title: str
    uri: str
    added_by: str
    added_at: datetime
    # A live object's verdict now ("passes: ..." / "fails: ..."), a document's validity
    # ("valid until ..." / "expired on ..."), or "" when neither applies.
    status: str = ""


@dataclass(frozen=True, slots=True)
class DecisionFact:
    approver: str
    role: str
    decision: str
    decided_at: datetime


@dataclass(frozen=True, slots=True)
class ApprovalFact:
    title: str
    status: str
    requested_by: str
    created_at: datetime
    decisions: tuple[DecisionFact, ...]


@dataclass(frozen=True, slots=True)
class MonitorFact:
    """A model monitor and its newest result (``status`` "none" when it has not run yet)."""

    name: str
    model: str
    task: str
    status: str
    run_at: datetime | None
    window_start: datetime | None
    window_end: datetime | None
    rows: int
    labelled_rows: int
    drift_share: float | None  # share of judged features that drifted
    drifted_features: int | None
    judged_features: int | None
    performance: tuple[tuple[str, float], ...]  # measured metrics, by name
    fairness_ratio: float | None  # demographic parity ratio (min/max selection rate)
    fairness_floor: float
    sensitive: tuple[str, ...]
    signals: tuple[str, ...]  # what breached, as sentences


@dataclass(frozen=True, slots=True)
class TelemetryFact:
    """LLM telemetry of the system over the last ``days`` (from rollups)."""

    days: int
    requests: int
    errors: int
    error_rate: float | None
    latency_p95_ms: float | None
    cost_usd: float
    cost_per_request: float | None
    llm_calls: int
    total_tokens: int


@dataclass(frozen=True, slots=True)
class IncidentFact:
    """An incident on the system, and its EU AI Act Art. 73 classification if it has one."""

    title: str
    severity: str
    status: str  # open | acknowledged | resolved
    opened_at: datetime
    resolved_at: datetime | None
    serious: bool | None = None  # None: not classified
    limbs: tuple[str, ...] = ()  # the points of Art. 3(49) it meets
    deadline_at: datetime | None = None  # the Art. 73 reporting deadline
    reported_at: datetime | None = None


@dataclass(frozen=True, slots=True)
class DocumentFacts:
    """Everything aitower holds about a system that a document may cite."""

    system: SystemInfo
    assessment: AssessmentFact | None = None
    risks: tuple[RiskFact, ...] = ()
    policies: tuple[PolicyFact, ...] = ()
    evidence: tuple[EvidenceFact, ...] = ()
    approvals: tuple[ApprovalFact, ...] = ()
    monitors: tuple[MonitorFact, ...] = ()
    telemetry: TelemetryFact | None = None
    incidents: tuple[IncidentFact, ...] = ()  # newest first

    def evidence_of(self, *kinds: str) -> tuple[EvidenceFact, ...]:
        return tuple(e for e in self.evidence if e.kind in kinds)

    @property
    def open_risks(self) -> tuple[RiskFact, ...]:
        return tuple(r for r in self.risks if r.status != "closed")


def _plain(value: Any) -> Any:
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, tuple | list):
        return [_plain(v) for v in value]
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    return value


def facts_digest(facts: DocumentFacts) -> str:
    """SHA-256 of the facts as canonical JSON (sorted keys): equal facts, equal digest."""
    text = json.dumps(_plain(dataclasses.asdict(facts)), sort_keys=True, ensure_ascii=False)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()
