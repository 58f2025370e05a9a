"""The facts of one system, read from the other slices' services (never their tables).

Everything is read as the principal who asks, so a document never shows what its reader
could not see on the system's pages. Live metrics: each model monitor's newest result (the
figures the Models page headlines, with the same minimum-rows rules) and the LLM telemetry
of the last ``TELEMETRY_DAYS`` days from the rollups.
"""

from __future__ import annotations

import uuid
from datetime import date, datetime

from sqlalchemy.orm import Session

from aitower.alerts import incidents, serious
from aitower.core.access.principal import Principal
from aitower.documents.facts import (
    ApprovalFact,
    AssessmentFact,
    DataSourceFact,
    DecisionFact,
    DocumentFacts,
    EvidenceFact,
    IncidentFact,
    ModelFact,
    MonitorFact,
    PolicyFact,
    RiskFact,
    SystemInfo,
    TelemetryFact,
)
from aitower.governance import approvals, compliance, evidence
from aitower.governance.evidence import EvidenceView
from aitower.inventory import service as inventory
from aitower.inventory.records import Person, SystemDetail
from aitower.model_monitors import monitors, page_data, results
from aitower.model_monitors.monitors import MonitorView
from aitower.model_monitors.results import ResultPoint
from aitower.predictions import service as predictions
from aitower.predictions.window import Task
from aitower.risk import service as risk
from aitower.telemetry import queries
from aitower.telemetry.ranges import resolve_range
from aitower.telemetry.scope import system_scope

TELEMETRY_DAYS = 30
MONITORS_SHOWN = 50
APPROVALS_SHOWN = 50
INCIDENTS_SHOWN = 50
RISKS_SHOWN = 200
PERFORMANCE = ("accuracy", "precision", "recall", "f1", "roc_auc", "log_loss", "mae", "rmse", "r2")


def _person(p: Person | None) -> str | None:
    return None if p is None else (p.display_name or p.username)


def _system(d: SystemDetail) -> SystemInfo:
    return SystemInfo(
        id=str(d.id),
        name=d.name,
        purpose=d.purpose,
        kind=d.kind.value,
        unit=d.unit_name,
        stage=d.stage.value,
        risk_tier=None if d.risk_tier is None else d.risk_tier.value,
        accountable_owner=_person(d.accountable_owner),
        technical_owner=_person(d.technical_owner),
        autonomy=d.autonomy.value,
        affected=tuple(a.value for a in d.affected),
        models=tuple(ModelFact(m.provider, m.name, m.version, m.hosting.value) for m in d.models),
        vendors=d.vendors,
        data_sources=tuple(
            DataSourceFact(s.name, s.classification.value, s.personal_data, s.special_category)
            for s in d.data_sources
        ),
        data_classification=d.data_classification.value,
        personal_data=d.personal_data,
        special_category_data=d.special_category_data,
        environments=tuple(e.name for e in d.environments),
        services=d.services,
        docs_url=d.docs_url,
        repository_url=d.repository_url,
        tags=d.tags,
        notes=d.notes,
    )


def _assessment(session: Session, principal: Principal, sid: uuid.UUID) -> AssessmentFact | None:
    a = risk.current_assessment(session, principal, sid)
    if a is None:
        return None
    return AssessmentFact(
        a.version, a.tier.value, a.articles, a.reasons, a.obligations, a.assessed_by, a.assessed_at
    )


def _risks(session: Session, principal: Principal, sid: uuid.UUID) -> tuple[RiskFact, ...]:
    found, _ = risk.list_risks(
        session, principal, risk.RiskFilter(system_id=sid), limit=RISKS_SHOWN
    )
    return tuple(
        RiskFact(
            r.title,
            r.category,
            r.status,
            r.likelihood * r.impact,
            r.residual_likelihood * r.residual_impact,
            r.mitigations,
            r.owner,
            r.next_review,
        )
        for r in found
    )


def _policies(
    session: Session, principal: Principal, sid: uuid.UUID, today: date
) -> tuple[PolicyFact, ...]:
    standing = compliance.system_compliance(session, principal, sid, today)
    return tuple(
        PolicyFact(
            s.policy_key,
            s.policy_name,
            s.outcome,
            tuple(f.message for f in s.findings if f.outcome != "pass"),
        )
        for s in standing.statuses
    )


def _evidence_status(e: EvidenceView, today: date) -> str:
    if e.judgement is not None:
        verdict = "passes" if e.judgement.passed else "fails"
        return f"live object, {verdict} now: {e.judgement.reason}"
    if e.valid_until is None:
        return ""
    if e.expired_on(today):
        return f"expired on {e.valid_until.isoformat()}"
    return f"valid until {e.valid_until.isoformat()}"


def _evidence(
    session: Session, principal: Principal, sid: uuid.UUID, now: datetime
) -> tuple[EvidenceFact, ...]:
    """Attached evidence; live objects (a monitor backing a bias evaluation...) with the
    verdict governance gives them now, documents with their validity."""
    return tuple(
        EvidenceFact(
            e.kind, e.title, e.uri, e.added_by, e.added_at, _evidence_status(e, now.date())
        )
        for e in evidence.list_evidence(session, principal, sid, now)
    )


def _approvals(
    session: Session, principal: Principal, sid: uuid.UUID, now: datetime
) -> tuple[ApprovalFact, ...]:
    found, _ = approvals.list_requests(
        session, principal, system_id=sid, limit=APPROVALS_SHOWN, now=now
    )
    return tuple(
        ApprovalFact(
            r.title,
            r.status,
            r.requested_by,
            r.created_at,
            tuple(DecisionFact(d.approver, d.role, d.decision, d.decided_at) for d in r.decisions),
        )
        for r in found
    )


def _performance(task: Task, point: ResultPoint) -> tuple[tuple[str, float], ...]:
    """The metrics measured on enough labelled rows; without them (labels come late), the
    headline's CBPE estimate, named ``estimated_...`` (as the Models page shows it)."""
    measured = [(n, page_data.measured_value(point, n)) for n in PERFORMANCE]
    found = tuple((n, v) for n, v in measured if v is not None)
    if found:
        return found
    figure = page_data.headline_metric(task, point)
    return () if figure is None else ((figure.metric, figure.value),)


def _monitor(session: Session, principal: Principal, m: MonitorView) -> MonitorFact:
    model = predictions.get_model(session, principal, m.model_id).model
    latest = results.latest_result(session, principal, m.id)
    point = None if latest is None else latest.point
    s = {} if point is None else point.summary

    def whole(name: str) -> int | None:
        value = s.get(name)
        return None if value is None else int(value)

    performance = () if point is None else _performance(model.task, point)
    return MonitorFact(
        name=m.spec.name,
        model=f"{model.name} {model.version}".strip(),
        task=str(model.task.value),
        status="none" if point is None else point.status,
        run_at=None if point is None else point.run_at,
        window_start=None if point is None else point.window_start,
        window_end=None if point is None else point.window_end,
        rows=0 if point is None else point.rows,
        labelled_rows=0 if point is None else point.labelled_rows,
        drift_share=s.get("drift_share"),
        drifted_features=whole("drifted_features"),
        judged_features=whole("judged_features"),
        performance=performance,
        fairness_ratio=None
        if point is None
        else page_data.fairness_value(point, "demographic_parity_ratio"),
        fairness_floor=m.spec.fairness_floor,
        sensitive=m.spec.sensitive,
        signals=()
        if point is None
        else tuple(page_data.describe_signal(sig) for sig in point.signals),
    )


def _monitors(session: Session, principal: Principal, sid: uuid.UUID) -> tuple[MonitorFact, ...]:
    found, _ = monitors.list_monitors(session, principal, system_id=sid, limit=MONITORS_SHOWN)
    return tuple(_monitor(session, principal, m) for m in found)


def _telemetry(
    session: Session, principal: Principal, sid: uuid.UUID, now: datetime
) -> TelemetryFact | None:
    """The last days' LLM figures, or None when the system had no request in them."""
    trange = resolve_range(f"{TELEMETRY_DAYS}d", None, None, now)
    f = queries.summary_of(session, system_scope(session, principal, sid), trange).totals.figures()
    if f.requests == 0:
        return None
    return TelemetryFact(
        TELEMETRY_DAYS,
        f.requests,
        f.errors,
        f.error_rate,
        f.latency_p95_ms,
        f.cost,
        f.cost_per_request,
        f.llm_calls,
        f.total_tokens,
    )


def _incidents(session: Session, principal: Principal, sid: uuid.UUID) -> tuple[IncidentFact, ...]:
    """The newest incidents of the system, each with its Art. 73 classification if any."""
    found, _ = incidents.list_incidents(
        session, principal, incidents.IncidentFilter(system_id=sid), limit=INCIDENTS_SHOWN, offset=0
    )
    classified = serious.serious_of(session, [i.id for i in found])
    facts = []
    for i in found:
        c = classified.get(i.id)
        facts.append(
            IncidentFact(
                i.title,
                i.severity,
                str(i.status),
                i.opened_at,
                i.resolved_at,
                None if c is None else c.serious,
                () if c is None else tuple(str(limb) for limb in c.limbs),
                None if c is None or c.deadline is None else c.deadline.at,
                None if c is None else c.reported_at,
            )
        )
    return tuple(facts)


def gather_facts(
    session: Session, principal: Principal, system_id: uuid.UUID, now: datetime
) -> DocumentFacts:
    """Everything the principal may see about the system (NotFound outside their units)."""
    detail = inventory.get_system(session, principal, system_id)
    return DocumentFacts(
        system=_system(detail),
        assessment=_assessment(session, principal, system_id),
        risks=_risks(session, principal, system_id),
        policies=_policies(session, principal, system_id, now.date()),
        evidence=_evidence(session, principal, system_id, now),
        approvals=_approvals(session, principal, system_id, now),
        monitors=_monitors(session, principal, system_id),
        telemetry=_telemetry(session, principal, system_id, now),
        incidents=_incidents(session, principal, system_id),
    )
