"""The fundamental-rights impact assessment of Art. 27 of Regulation (EU) 2024/1689, as a
template prefilled with what aitower holds.

Art. 27(1) binds deployers that are bodies governed by public law or private entities
providing public services, and deployers of the high-risk systems of Annex III point 5(b)
(creditworthiness, credit score) and 5(c) (life and health insurance), before first use of a
high-risk system of Art. 6(2) (except Annex III point 2). The assessment consists of six
elements, (a) to (f), each a section here. Art. 27(4): where a data-protection impact
assessment (GDPR Art. 35) covers some of these, the FRIA complements it; Art. 27(3): the
deployer notifies the market surveillance authority of its results.
"""

from __future__ import annotations

from aitower.documents.common import (
    AUTONOMY,
    KIND_TITLES,
    Issue,
    evidence_table,
    header,
    joined,
    monitors_table,
    risks_table,
    when,
)
from aitower.documents.document import (
    Block,
    Bullets,
    Document,
    Facts,
    Missing,
    Paragraph,
    Section,
)
from aitower.documents.facts import DocumentFacts

KIND = "fria"


def _scope(f: DocumentFacts) -> Section:
    a = f.assessment
    blocks: list[Block] = [
        Facts(
            (
                ("EU AI Act tier", f.system.risk_tier or "not assessed"),
                ("Articles", "" if a is None else joined(a.articles)),
                ("Assessment", "" if a is None else f"version {a.version}, {when(a.assessed_at)}"),
            )
        ),
        Paragraph(
            "Art. 27(1) applies to deployers that are bodies governed by public law or private "
            "entities providing public services, and to deployers of Annex III point 5(b) and "
            "5(c) systems; it is done before the system's first use."
        ),
    ]
    if a is not None and a.reasons:
        blocks.append(Bullets(a.reasons))
    missing = ["whether the organisation is a deployer bound by Art. 27(1), and why"]
    if a is None:
        missing.insert(0, "an EU AI Act assessment (is the system high-risk under Art. 6(2)?)")
    return Section("Scope: is a FRIA required?", (*blocks, Missing(tuple(missing))))


def _processes(f: DocumentFacts) -> Section:
    s = f.system
    blocks: list[Block] = [
        Facts(
            (
                ("Intended purpose", s.purpose),
                ("Business unit", s.unit),
                ("Accountable owner", s.accountable_owner or ""),
                ("Lifecycle stage", s.stage),
            )
        )
    ]
    return Section(
        "(a) The deployer's processes in which the system is used",
        (*blocks, Missing(("the processes the system is used in, in line with its purpose",))),
    )


def _period(f: DocumentFacts) -> Section:
    t = f.telemetry
    rows: tuple[tuple[str, str], ...] = (("Environments", joined(f.system.environments)),)
    if t is not None:
        rows += ((f"Requests in the last {t.days} days (measured)", str(t.requests)),)
    for m in f.monitors:
        if m.run_at is not None:
            window = f"{when(m.window_start)} to {when(m.window_end)}"
            rows += ((f"Predictions in {m.name}'s latest window", f"{m.rows} ({window})"),)
    return Section(
        "(b) The period of time and frequency of intended use",
        (
            Facts(rows),
            Missing(("the period within which, and how often, it is intended to be used",)),
        ),
    )


def _persons(f: DocumentFacts) -> Section:
    s = f.system
    groups = sorted({a for m in f.monitors for a in m.sensitive})
    blocks: list[Block] = [
        Facts(
            (
                ("People affected (inventory)", joined(s.affected)),
                ("Personal data", "yes" if s.personal_data else "no"),
                ("Special-category data", "yes" if s.special_category_data else "no"),
                ("Groups monitored for fairness", joined(tuple(groups))),
            )
        )
    ]
    missing = ["the categories of natural persons and groups likely affected in this context"]
    if not s.affected:
        missing.insert(0, "who is affected: the inventory names no one")
    return Section(
        "(c) Categories of persons and groups likely to be affected",
        (*blocks, Missing(tuple(missing))),
    )


def _harms(f: DocumentFacts) -> Section:
    blocks: list[Block] = [
        Paragraph("Risks in the register:"),
        risks_table(f),
        Paragraph("Measured disparities (model monitors):"),
        monitors_table(f),
    ]
    missing = [
        "specific risks of harm to each category in (c), with the provider's Art. 13 information"
    ]
    if not f.risks:
        missing.insert(0, "identified risks: the register holds none for this system")
    return Section(
        "(d) Specific risks of harm to those persons and groups", (*blocks, Missing(tuple(missing)))
    )


def _oversight(f: DocumentFacts) -> Section:
    s = f.system
    blocks: list[Block] = [
        Facts((("Oversight (as recorded)", AUTONOMY.get(s.autonomy, s.autonomy)),)),
        Paragraph("Human-oversight plan attached:"),
        evidence_table(f, "human_oversight_plan"),
    ]
    missing = ["how human oversight is implemented, following the instructions for use"]
    if not f.evidence_of("human_oversight_plan"):
        missing.append("a human-oversight plan: none attached")
    return Section(
        "(e) Implementation of human-oversight measures", (*blocks, Missing(tuple(missing)))
    )


def _measures(f: DocumentFacts) -> Section:
    mitigations = tuple(
        f"{r.title}: {r.mitigations}" for r in f.open_risks if r.mitigations.strip()
    )
    blocks: list[Block] = []
    if mitigations:
        blocks += [Paragraph("Mitigations recorded in the register:"), Bullets(mitigations)]
    blocks += [
        Facts(
            (
                ("Accountable owner", f.system.accountable_owner or ""),
                ("Technical owner", f.system.technical_owner or ""),
            )
        ),
        Paragraph("Impact and data-protection impact assessments attached:"),
        evidence_table(f, "impact_assessment", "data_protection_impact_assessment"),
    ]
    missing = [
        "measures to be taken if the risks materialise",
        "internal governance arrangements",
        "complaint mechanisms open to affected persons",
        "notification of the results to the market surveillance authority (Art. 27(3))",
    ]
    return Section(
        "(f) Measures if the risks materialise: internal governance and complaints",
        (*blocks, Missing(tuple(missing))),
    )


def fria(facts: DocumentFacts, issue: Issue) -> Document:
    return Document(
        KIND,
        f"Fundamental-rights impact assessment: {facts.system.name}",
        header(KIND_TITLES[KIND], facts, issue),
        (
            _scope(facts),
            _processes(facts),
            _period(facts),
            _persons(facts),
            _harms(facts),
            _oversight(facts),
            _measures(facts),
        ),
        (
            "Elements (a) to (f) of Art. 27(1) of Regulation (EU) 2024/1689. Where a "
            "data-protection impact assessment (GDPR Art. 35) already covers an element, this "
            "assessment complements it (Art. 27(4)).",
            "A template: what aitower holds is filled in; each element lists what the deployer "
            "must still write.",
        ),
        numbered=False,
    )
