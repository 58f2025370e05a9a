"""What the three documents share: how a fact reads, the header, and the tables of facts
that appear in more than one document (models, data sources, risks, monitors, evidence).

Numbers are shown as aitower holds them, rounded for reading only (3 significant digits);
a figure aitower does not have reads "not recorded in aitower", never 0.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from aitower.documents.document import Table
from aitower.documents.facts import DocumentFacts, IncidentFact, MonitorFact, TelemetryFact

KIND_TITLES: dict[str, str] = {
    "system-card": "System card",
    "annex-iv": "Technical documentation (EU AI Act Annex IV)",
    "fria": "Fundamental-rights impact assessment (EU AI Act Art. 27)",
}
KINDS: tuple[str, ...] = tuple(KIND_TITLES)

AUTONOMY: dict[str, str] = {
    "human_in_the_loop": "human in the loop (a person decides on every output)",
    "human_on_the_loop": "human on the loop (a person supervises and can intervene)",
    "autonomous": "autonomous (acts without a person's review)",
}


@dataclass(frozen=True, slots=True)
class Issue:
    """Which version of the document this is: set by the service when it is generated."""

    version: int | None  # None: a preview, not kept
    generated_at: datetime
    generated_by: str


def yes_no(value: bool) -> str:
    return "yes" if value else "no"


def when(moment: datetime | date | None) -> str:
    if moment is None:
        return ""
    if isinstance(moment, datetime):
        return moment.strftime("%Y-%m-%d %H:%M UTC")
    return moment.isoformat()


def num(value: float | None, unit: str = "") -> str:
    if value is None:
        return ""
    return f"{value:.3g}{unit}"


def percent(value: float | None) -> str:
    return "" if value is None else f"{value * 100:.1f} %"


def joined(values: tuple[str, ...]) -> str:
    return ", ".join(values)


def header(title: str, facts: DocumentFacts, issue: Issue) -> tuple[tuple[str, str], ...]:
    version = "preview (not kept)" if issue.version is None else str(issue.version)
    return (
        ("System", facts.system.name),
        ("Business unit", facts.system.unit),
        ("Document", title),
        ("Version", version),
        ("Generated", f"{when(issue.generated_at)} by {issue.generated_by}"),
        ("Source", "facts held by aitower at generation time; empty fields say so"),
    )


def models_table(facts: DocumentFacts) -> Table:
    return Table(
        ("provider", "model", "version", "hosting"),
        tuple((m.provider, m.name, m.version, m.hosting) for m in facts.system.models),
    )


def sources_table(facts: DocumentFacts) -> Table:
    return Table(
        ("data source", "classification", "personal data", "special-category data"),
        tuple(
            (d.name, d.classification, yes_no(d.personal_data), yes_no(d.special_category))
            for d in facts.system.data_sources
        ),
    )


def risks_table(facts: DocumentFacts) -> Table:
    return Table(
        ("risk", "category", "status", "inherent", "residual", "mitigations", "owner", "review"),
        tuple(
            (
                r.title,
                r.category,
                r.status,
                str(r.inherent),
                str(r.residual),
                r.mitigations,
                r.owner or "",
                when(r.next_review),
            )
            for r in facts.open_risks
        ),
        empty="no open risk in the register",
    )


def _serious(i: IncidentFact) -> str:
    if i.serious is None:
        return "not classified"
    if not i.serious:
        return "not serious"
    limbs = ", ".join(f"3(49)({limb})" for limb in i.limbs)
    report = f"reported {when(i.reported_at)}" if i.reported_at else "not reported"
    return f"serious ({limbs}); report by {when(i.deadline_at)}, {report}"


def incidents_table(facts: DocumentFacts) -> Table:
    """The system's incidents, newest first, with their Art. 73 standing."""
    return Table(
        ("incident", "severity", "status", "opened", "resolved", "Art. 73"),
        tuple(
            (
                i.title,
                i.severity,
                i.status,
                when(i.opened_at),
                when(i.resolved_at),
                _serious(i),
            )
            for i in facts.incidents
        ),
        empty="no incident recorded",
    )


def performance_text(m: MonitorFact) -> str:
    return ", ".join(f"{name.replace('_', ' ')} {value:.3g}" for name, value in m.performance)


def drift_text(m: MonitorFact) -> str:
    if m.drift_share is None:
        return ""
    return f"{m.drifted_features}/{m.judged_features} features ({percent(m.drift_share)})"


def fairness_text(m: MonitorFact) -> str:
    if m.fairness_ratio is None:
        return "" if not m.sensitive else "no judged window (too few rows or labels)"
    verdict = "meets" if m.fairness_ratio >= m.fairness_floor else "fails"
    return f"{m.fairness_ratio:.3g} ({verdict} the floor {m.fairness_floor:.3g})"


def monitors_table(facts: DocumentFacts) -> Table:
    return Table(
        (
            "monitor",
            "model",
            "status",
            "latest run",
            "rows (labelled)",
            "drift",
            "performance",
            "fairness (demographic parity ratio)",
            "signals",
        ),
        tuple(
            (
                m.name,
                m.model,
                m.status,
                when(m.run_at),
                f"{m.rows} ({m.labelled_rows})" if m.run_at else "",
                drift_text(m),
                performance_text(m),
                fairness_text(m),
                "; ".join(m.signals) or ("none" if m.run_at else ""),
            )
            for m in facts.monitors
        ),
        empty="no model monitor",
    )


def telemetry_rows(t: TelemetryFact) -> tuple[tuple[str, str], ...]:
    return (
        ("Period", f"last {t.days} days"),
        ("Requests", str(t.requests)),
        ("Error rate", percent(t.error_rate)),
        ("Latency p95", "" if t.latency_p95_ms is None else f"{t.latency_p95_ms:.0f} ms"),
        ("LLM calls", str(t.llm_calls)),
        ("Tokens", str(t.total_tokens)),
        ("Cost", f"{t.cost_usd:.2f} USD"),
        ("Cost per request", "" if t.cost_per_request is None else f"{t.cost_per_request:.4f} USD"),
    )


def evidence_table(facts: DocumentFacts, *kinds: str) -> Table:
    found = facts.evidence_of(*kinds) if kinds else facts.evidence
    return Table(
        ("kind", "title", "reference", "added", "status now"),
        tuple(
            (
                e.kind.replace("_", " "),
                e.title,
                e.uri,
                f"{when(e.added_at)} by {e.added_by}",
                e.status or "a document (not judged)",
            )
            for e in found
        ),
        empty="no such document attached",
    )


def policies_table(facts: DocumentFacts) -> Table:
    return Table(
        ("policy", "status now", "what fails"),
        tuple((p.name, p.outcome, "; ".join(p.findings) or "nothing") for p in facts.policies),
        empty="no policy in force selects this system",
    )


def approvals_table(facts: DocumentFacts) -> Table:
    rows = []
    for a in facts.approvals:
        decided = "; ".join(
            f"{d.decision} by {d.approver} ({d.role}) {when(d.decided_at)}" for d in a.decisions
        )
        rows.append((a.title, a.status, f"{a.requested_by}, {when(a.created_at)}", decided))
    return Table(
        ("request", "status", "requested", "decisions"), tuple(rows), empty="no approval request"
    )
