"""The technical documentation of a high-risk AI system: Annex IV of Regulation (EU)
2024/1689, its nine points, with what aitower holds filled in and, per point, what is missing.

Art. 11(1) requires the provider of a high-risk AI system to draw up this documentation before
the system is placed on the market or put into service. aitower holds the inventory, the
EU AI Act assessment, the risk register, policies, evidence, approvals and the live monitors;
it does not hold the design, the development process, the standards applied or the
declaration of conformity, so those points are a skeleton to complete. Point titles follow
the Annex's text (OJ L, 2024/1689, 12.7.2024).
"""

from __future__ import annotations

from aitower.documents.common import (
    AUTONOMY,
    KIND_TITLES,
    Issue,
    approvals_table,
    evidence_table,
    header,
    incidents_table,
    joined,
    models_table,
    monitors_table,
    policies_table,
    risks_table,
    sources_table,
    telemetry_rows,
    when,
)
from aitower.documents.document import (
    Block,
    Document,
    Facts,
    Missing,
    Paragraph,
    Section,
    Table,
)
from aitower.documents.facts import DocumentFacts

KIND = "annex-iv"

POINTS: tuple[str, ...] = (
    "General description of the AI system",
    "Detailed description of the elements of the AI system and of the process for its development",
    "Monitoring, functioning and control of the AI system",
    "Appropriateness of the performance metrics",
    "Risk management system (Art. 9)",
    "Relevant changes made through the lifecycle",
    "Harmonised standards applied, or solutions adopted to meet Chapter III, Section 2",
    "Copy of the EU declaration of conformity (Art. 47)",
    "Post-market monitoring: evaluation of performance and plan (Art. 72)",
)


def _point(number: int, blocks: list[Block], missing: list[str]) -> Section:
    return Section(f"Point {number}: {POINTS[number - 1]}", (*blocks, Missing(tuple(missing))))


def _general(f: DocumentFacts) -> Section:
    s = f.system
    versions = [f"{m.provider} {m.name}" for m in s.models if not m.version]
    missing = []
    if not s.purpose.strip():
        missing.append("(a) the intended purpose")
    missing += ["(a) the name of the provider and the system's version, related to earlier ones"]
    if versions or not s.models:
        missing.append(
            "(c) versions of the models and software: "
            + (joined(tuple(versions)) or "none recorded")
        )
    missing += [
        "(c) requirements related to version updates",
        "(d) the forms in which it is placed on the market or put into service",
        "(e) the hardware it is intended to run on",
        "(f) photographs or illustrations, where it is a component of products",
        "(g) a basic description of the user interface provided to the deployer",
        "(h) instructions for use for the deployer",
    ]
    blocks: list[Block] = [
        Facts(
            (
                ("(a) Intended purpose", s.purpose),
                ("(a) Name", s.name),
                ("(b) Interacts with (vendors, services)", joined(s.vendors + s.services)),
                ("(d) Environments", joined(s.environments)),
                ("Documentation", s.docs_url),
            )
        ),
        models_table(f),
    ]
    return _point(1, blocks, missing)


def _elements(f: DocumentFacts) -> Section:
    s = f.system
    oversight = AUTONOMY.get(s.autonomy, s.autonomy)
    blocks: list[Block] = [
        Paragraph("(d) Data sources recorded in the inventory:"),
        sources_table(f),
        Facts((("(e) Human oversight (as recorded)", oversight), ("Repository", s.repository_url))),
        Paragraph("(e), (g) Documents attached:"),
        evidence_table(
            f,
            "human_oversight_plan",
            "test_report",
            "bias_evaluation",
            "security_review",
            "technical_documentation",
        ),
    ]
    missing = [
        "(a) methods and steps of development, including pre-trained systems and third-party tools",
        "(b) design specifications: general logic, algorithms, key design choices and trade-offs",
        "(c) system architecture and computational resources used",
        "(d) datasheets of training data: provenance, scope, selection, labelling, cleaning",
        "(f) pre-determined changes to the system and its performance",
        "(g) validation and testing procedures, data, metrics, dated and signed test logs",
        "(h) cybersecurity measures",
    ]
    if not f.evidence_of("human_oversight_plan"):
        missing.insert(
            4, "(e) assessment of the human-oversight measures (Art. 14): no plan attached"
        )
    return _point(2, blocks, missing)


def _functioning(f: DocumentFacts) -> Section:
    blocks: list[Block] = [Paragraph("Latest results of the model monitors:"), monitors_table(f)]
    if f.telemetry is not None:
        blocks += [Paragraph("LLM telemetry:"), Facts(telemetry_rows(f.telemetry))]
    blocks += [Paragraph("Open risks (foreseeable outcomes and sources of risk):"), risks_table(f)]
    missing = []
    if not any(m.fairness_ratio is not None for m in f.monitors):
        missing.append("degrees of accuracy for the persons or groups it is intended to be used on")
    if not f.monitors and f.telemetry is None:
        missing.append("capabilities and limitations in performance: nothing measured in aitower")
    missing += [
        "overall expected level of accuracy for the intended purpose",
        "specifications on input data",
    ]
    if not f.risks:
        missing.append("foreseeable unintended outcomes and sources of risk: the register is empty")
    return _point(3, blocks, missing)


def _metrics(f: DocumentFacts) -> Section:
    rows = tuple(
        (
            m.name,
            ", ".join(n for n, _ in m.performance),
            f"{m.fairness_floor:.3g}" if m.sensitive else "",
        )
        for m in f.monitors
    )
    blocks: list[Block] = [
        Table(("monitor", "performance metrics", "fairness floor"), rows, empty="no model monitor")
    ]
    return _point(4, blocks, ["why these metrics are appropriate for this system"])


def _risk_management(f: DocumentFacts) -> Section:
    a = f.assessment
    blocks: list[Block] = []
    if a is not None:
        blocks.append(
            Facts(
                (
                    ("EU AI Act tier", a.tier),
                    (
                        "Assessment",
                        f"version {a.version}, {when(a.assessed_at)} by {a.assessed_by}",
                    ),
                    ("Articles", joined(a.articles)),
                    ("Obligations", joined(a.obligations)),
                )
            )
        )
    blocks += [risks_table(f), Paragraph("Policies in force:"), policies_table(f)]
    missing = ["the risk-management process itself: its steps, roles and review cycle"]
    if a is None:
        missing.insert(0, "an EU AI Act assessment")
    if not f.risks:
        missing.append("identified risks: the register holds none for this system")
    return _point(5, blocks, missing)


def _changes(f: DocumentFacts) -> Section:
    blocks: list[Block] = [
        Paragraph("Lifecycle requests and their approvals:"),
        approvals_table(f),
    ]
    missing = ["changes to the system's design, models or data, with their dates"]
    if not f.approvals:
        missing.insert(0, "lifecycle moves: none requested through aitower")
    return _point(6, blocks, missing)


def _standards(f: DocumentFacts) -> Section:
    blocks: list[Block] = [
        Paragraph("Technical documentation attached:"),
        evidence_table(f, "technical_documentation"),
    ]
    return _point(
        7, blocks, ["harmonised standards applied (OJ references) or the solutions adopted"]
    )


def _declaration(f: DocumentFacts) -> Section:
    del f
    return _point(8, [], ["a copy of the EU declaration of conformity"])


def _post_market(f: DocumentFacts) -> Section:
    rows = tuple((m.name, m.model, m.status, when(m.run_at)) for m in f.monitors)
    blocks: list[Block] = [
        Table(("monitor", "model", "status", "latest run"), rows, empty="no model monitor"),
        Paragraph("Monitoring plan attached:"),
        evidence_table(f, "monitoring_plan"),
        Paragraph("Incidents and their reporting under Art. 73:"),
        incidents_table(f),
    ]
    missing = []
    if not f.evidence_of("monitoring_plan"):
        missing.append("the post-market monitoring plan (Art. 72(3)): none attached")
    if not f.monitors and f.telemetry is None:
        missing.append("a system to evaluate performance in production: no monitor, no telemetry")
    return _point(9, blocks, missing)


def _applicability(f: DocumentFacts) -> Paragraph:
    tier = f.system.risk_tier or "not assessed"
    if tier == "high":
        return Paragraph(
            "The system is assessed high-risk: Art. 11(1) requires this documentation."
        )
    return Paragraph(
        f"The system's EU AI Act tier is {tier}: Annex IV applies to high-risk systems, so this "
        "skeleton is informative only."
    )


def annex_iv(facts: DocumentFacts, issue: Issue) -> Document:
    sections = (
        _general(facts),
        _elements(facts),
        _functioning(facts),
        _metrics(facts),
        _risk_management(facts),
        _changes(facts),
        _standards(facts),
        _declaration(facts),
        _post_market(facts),
    )
    first = sections[0]
    sections = (Section(first.title, (_applicability(facts), *first.blocks)), *sections[1:])
    return Document(
        KIND,
        f"Technical documentation (Annex IV): {facts.system.name}",
        header(KIND_TITLES[KIND], facts, issue),
        sections,
        (
            "Structure: Regulation (EU) 2024/1689, Annex IV (technical documentation referred "
            "to in Art. 11(1)), points 1 to 9.",
            "A skeleton: what aitower holds is filled in; each point lists what it lacks.",
        ),
        numbered=False,
    )
