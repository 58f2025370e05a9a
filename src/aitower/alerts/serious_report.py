"""The draft of a serious-incident report (EU AI Act Art. 73) from the facts aitower holds.

Pure: plain facts in, Markdown out (the HTML view renders the same facts through a template).
What aitower cannot know (the causal link, the root cause, the corrective actions, the people
affected) is left as a marked placeholder for the reporter to complete; the draft is never sent
by aitower. Art. 73(5) allows an initial, incomplete report followed by a complete one, and
Art. 73(6) asks the provider to investigate without delay, including a risk assessment and
corrective action: the placeholders name those duties.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from aitower.alerts.serious_domain import LIMB_TEXT, Countdown, Deadline, Limb

TO_COMPLETE = "**[To complete]**"
GUARDRAILS_PLACEHOLDER = (
    "_Guardrail findings linked to this incident will be listed here once aitower records them "
    "(issue #16)._"
)

# What aitower cannot know: left for the reporter (Art. 73(6): investigate, assess, correct).
UNKNOWN = (
    "Causal link between the AI system and the incident (established, or reasonably likely)",
    "Root cause",
    "Risk assessment of the incident",
    "Corrective actions taken or planned",
    "Reporter (name, role, contact) and the organisation's role (provider or deployer)",
)


@dataclass(frozen=True, slots=True)
class SystemFacts:
    name: str
    purpose: str
    kind: str
    risk_tier: str | None
    stage: str
    unit: str
    accountable_owner: str | None
    technical_owner: str | None
    vendors: tuple[str, ...]
    models: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class EventFacts:
    at: datetime
    kind: str
    actor: str
    text: str


@dataclass(frozen=True, slots=True)
class ReportFacts:
    incident_id: str
    title: str
    severity: str
    status: str
    owner: str | None
    opened_at: datetime
    resolved_at: datetime | None
    rule: str | None  # the rule that fired and its condition
    system: SystemFacts | None  # None: a portfolio-wide incident
    limbs: tuple[Limb, ...]
    death: bool
    widespread: bool
    note: str
    classified_by: str
    classified_at: datetime
    aware_at: datetime
    aware_time_zone: str
    aware_local: datetime
    deadline: Deadline | None
    deadline_local: datetime | None
    countdown: Countdown | None
    reported_at: datetime | None
    report_reference: str
    events: tuple[EventFacts, ...]
    generated_at: datetime


def _utc(moment: datetime) -> str:
    return f"{moment:%Y-%m-%d %H:%M} UTC"


def _local(moment: datetime, zone: str) -> str:
    return f"{moment:%Y-%m-%d %H:%M} {zone} (UTC{moment:%z})"


def _one_line(text: str) -> str:
    return " ".join(text.split())


def _system(s: SystemFacts | None) -> list[str]:
    if s is None:
        return ["- Portfolio-wide incident: no single AI system is named. " + TO_COMPLETE]
    return [
        f"- **Name:** {s.name}",
        f"- **Intended purpose:** {_one_line(s.purpose) or TO_COMPLETE}",
        f"- **Kind:** {s.kind}",
        f"- **Risk tier (EU AI Act):** {s.risk_tier or 'not assessed'}",
        f"- **Lifecycle stage:** {s.stage}",
        f"- **Business unit:** {s.unit}",
        f"- **Accountable owner:** {s.accountable_owner or 'none named'}",
        f"- **Technical owner:** {s.technical_owner or 'none named'}",
        f"- **Vendor(s):** {', '.join(s.vendors) or 'none recorded'}",
        f"- **Model(s):** {', '.join(s.models) or 'none recorded'}",
    ]


def _classification(f: ReportFacts) -> list[str]:
    lines = [f"- ({limb.value}) {LIMB_TEXT[limb]}" for limb in f.limbs]
    if f.death:
        lines.append("- A person died (Art. 73(4)).")
    if f.widespread:
        lines.append("- A widespread infringement (Art. 3(61); Art. 73(3)).")
    lines.append(f"- Classified by {f.classified_by} at {_utc(f.classified_at)}.")
    if f.note:
        lines.append(f"- Note: {_one_line(f.note)}")
    return lines


def _deadline(f: ReportFacts) -> list[str]:
    zone = f.aware_time_zone
    lines = [f"- **Moment of awareness:** {_utc(f.aware_at)} ({_local(f.aware_local, zone)})"]
    if f.deadline is not None and f.deadline_local is not None:
        d = f.deadline
        lines.append(
            f"- **Report by:** {_utc(d.at)} ({_local(f.deadline_local, zone)})"
            f": {d.days} days, Art. {d.paragraph} ({d.reason})"
        )
    if f.countdown is not None:
        lines.append(f"- **Status at {_utc(f.generated_at)}:** {f.countdown.text}")
    if f.reported_at is not None:
        ref = f", reference {_one_line(f.report_reference)}" if f.report_reference else ""
        lines.append(f"- **Reported:** {_utc(f.reported_at)}{ref}")
    else:
        lines.append("- **Reported:** not yet")
    return lines


def _timeline(events: tuple[EventFacts, ...]) -> list[str]:
    if not events:
        return ["_No events._"]
    return [
        f"- {_utc(e.at)} — {e.kind.replace('_', ' ')} ({e.actor})"
        + (f": {_one_line(e.text)}" if e.text else "")
        for e in events
    ]


def _preface(at: datetime) -> str:
    return (
        f"> Draft generated by aitower at {_utc(at)} under Art. 73 of Regulation (EU) 2024/1689,"
        " for the market surveillance authority of the Member State where the incident"
        " occurred. aitower does not send it. Complete every section marked"
        f" {TO_COMPLETE}; an initial, incomplete report may be followed by a complete one"
        " (Art. 73(5))."
    )


def report_markdown(f: ReportFacts) -> str:
    """The draft as Markdown: each section from aitower's facts, or a marked placeholder."""
    incident = [
        f"- **Title:** {f.title}",
        f"- **Severity:** {f.severity}",
        f"- **Status in aitower:** {f.status}",
        f"- **Owner:** {f.owner or 'nobody'}",
        f"- **Opened:** {_utc(f.opened_at)}",
        f"- **Resolved:** {_utc(f.resolved_at) if f.resolved_at else 'not yet'}",
        f"- **Detected by:** {f.rule or 'entered by hand'}",
        f"- **aitower incident id:** {f.incident_id}",
        f"- **Description of the incident and of the harm:** {TO_COMPLETE}",
        f"- **Persons or groups affected, Member States concerned:** {TO_COMPLETE}",
    ]
    sections = [
        (f"# Serious incident report (draft): {f.title}", []),
        ("", [_preface(f.generated_at)]),
        ("## 1. The AI system", _system(f.system)),
        ("## 2. The incident", incident),
        ("## 3. Classification against Art. 3(49)", _classification(f)),
        ("## 4. Awareness and reporting deadline (Art. 73(2)-(4))", _deadline(f)),
        ("## 5. Timeline in aitower", _timeline(f.events)),
        ("## 6. Guardrail findings", [GUARDRAILS_PLACEHOLDER]),
        (
            "## 7. Causal link, investigation and corrective action (Art. 73(6))",
            [f"- **{item}:** {TO_COMPLETE}" for item in UNKNOWN],
        ),
    ]
    out: list[str] = []
    for heading, body in sections:
        if heading:
            out += [heading, ""]
        if body:
            out += [*body, ""]
    return "\n".join(out)
