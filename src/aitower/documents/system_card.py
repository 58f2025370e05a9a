"""The system card: the sections of *Model Cards for Model Reporting* (Mitchell et al., 2019,
FAT* '19, doi:10.1145/3287560.3287596), filled from what aitower holds.

Mitchell et al. name nine sections: model details, intended use, factors, metrics, evaluation
data, training data, quantitative analyses, ethical considerations, caveats and
recommendations. Each section here states what aitower records (inventory, EU AI Act
assessment, risk register, policies, evidence, approvals, model monitors, LLM telemetry) and
lists under "Missing" what the paper asks for that aitower does not hold, so nobody mistakes
an empty field for an answer.
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
    yes_no,
)
from aitower.documents.document import (
    Block,
    Bullets,
    Document,
    Facts,
    Missing,
    Paragraph,
    Section,
    Table,
)
from aitower.documents.facts import DocumentFacts

KIND = "system-card"


def _details(f: DocumentFacts) -> Section:
    s = f.system
    missing = []
    if not s.accountable_owner:
        missing.append("the accountable owner")
    if not s.models:
        missing.append("the models the system uses, with their versions")
    elif any(not m.version for m in s.models):
        missing.append("the version of every model (some are recorded without one)")
    if not s.docs_url:
        missing.append("a link to the system's documentation")
    missing += ["licence terms of the models", "citation details and where to send questions"]
    return Section(
        "Model details",
        (
            Facts(
                (
                    ("Name", s.name),
                    ("Kind", s.kind.replace("_", " ")),
                    ("Lifecycle stage", s.stage),
                    ("Business unit", s.unit),
                    ("Accountable owner", s.accountable_owner or ""),
                    ("Technical owner", s.technical_owner or ""),
                    ("Vendors", joined(s.vendors)),
                    ("Environments", joined(s.environments)),
                    ("Telemetry services", joined(s.services)),
                    ("Documentation", s.docs_url),
                    ("Repository", s.repository_url),
                    ("EU AI Act risk tier", s.risk_tier or "not assessed"),
                    ("Tags", joined(s.tags)),
                )
            ),
            models_table(f),
            Missing(tuple(missing)),
        ),
    )


def _intended_use(f: DocumentFacts) -> Section:
    s = f.system
    missing = ["primary intended users", "out-of-scope uses"]
    if not s.purpose.strip():
        missing.insert(0, "the system's purpose (primary intended uses)")
    return Section(
        "Intended use",
        (
            Facts(
                (
                    ("Primary intended uses", s.purpose),
                    ("Human oversight", AUTONOMY.get(s.autonomy, s.autonomy)),
                    ("People affected", joined(s.affected)),
                )
            ),
            Missing(tuple(missing)),
        ),
    )


def _factors(f: DocumentFacts) -> Section:
    groups = sorted({a for m in f.monitors for a in m.sensitive})
    blocks: list[Block] = [
        Facts(
            (
                ("Groups monitored for fairness", joined(tuple(groups))),
                ("People affected", joined(f.system.affected)),
                ("Environments", joined(f.system.environments)),
            )
        )
    ]
    missing = []
    if not groups:
        missing.append("the groups (e.g. age, sex) across which performance may differ")
    missing.append("instrumentation and environmental conditions that change performance")
    blocks.append(Missing(tuple(missing)))
    return Section("Factors", tuple(blocks))


def _metrics(f: DocumentFacts) -> Section:
    items = []
    for m in f.monitors:
        names = ", ".join(n.replace("_", " ") for n, _ in m.performance) or "none measured yet"
        fair = (
            f"; fairness: demographic parity ratio over {joined(m.sensitive)}, floor "
            f"{m.fairness_floor:.3g} (four-fifths rule at 0.8)"
            if m.sensitive
            else ""
        )
        items.append(
            f"{m.name} ({m.model}, {m.task}): performance {names}; drift per feature{fair}"
        )
    if f.telemetry is not None:
        items.append("LLM telemetry: requests, error rate, latency p95, tokens and cost")
    blocks: list[Block] = [Bullets(tuple(items))] if items else []
    if not items:
        blocks.append(Missing(("performance measures, decision thresholds and how they vary",)))
    else:
        blocks.append(Missing(("why these metrics and thresholds were chosen",)))
    return Section("Metrics", tuple(blocks))


def _evaluation_data(f: DocumentFacts) -> Section:
    windows = tuple(
        (m.name, when(m.window_start), when(m.window_end), str(m.rows), str(m.labelled_rows))
        for m in f.monitors
        if m.run_at is not None
    )
    blocks: list[Block] = [
        Paragraph("Production windows of the latest monitor results (logged predictions):"),
        Table(("monitor", "from", "to", "rows", "labelled"), windows, empty="no monitor result"),
        Paragraph("Evaluation documents attached:"),
        evidence_table(f, "test_report", "bias_evaluation"),
        Missing(("datasets used for evaluation before release, why chosen, preprocessing",)),
    ]
    return Section("Evaluation data", tuple(blocks))


def _training_data(f: DocumentFacts) -> Section:
    s = f.system
    return Section(
        "Training data",
        (
            Paragraph("Data sources recorded in the inventory:"),
            sources_table(f),
            Facts(
                (
                    ("Data classification", s.data_classification),
                    ("Personal data", yes_no(s.personal_data)),
                    ("Special-category data", yes_no(s.special_category_data)),
                )
            ),
            Missing(("training datasets: provenance, size, collection, labelling, preprocessing",)),
        ),
    )


def _quantitative(f: DocumentFacts) -> Section:
    blocks: list[Block] = [Paragraph("Latest result of each model monitor:"), monitors_table(f)]
    if f.telemetry is not None:
        blocks += [Paragraph("LLM telemetry:"), Facts(telemetry_rows(f.telemetry))]
    if not f.monitors and f.telemetry is None:
        blocks.append(Missing(("measured results: no monitor and no LLM telemetry",)))
    elif not any(m.fairness_ratio is not None for m in f.monitors):
        blocks.append(Missing(("results disaggregated by group (intersectional analysis)",)))
    return Section("Quantitative analyses", tuple(blocks))


def _ethical(f: DocumentFacts) -> Section:
    a = f.assessment
    blocks: list[Block] = []
    if a is None:
        blocks.append(Missing(("an EU AI Act assessment (the system's risk tier)",)))
    else:
        blocks.append(
            Facts(
                (
                    ("EU AI Act tier", a.tier),
                    ("Assessed", f"version {a.version}, {when(a.assessed_at)} by {a.assessed_by}"),
                    ("Articles", joined(a.articles)),
                )
            )
        )
        blocks.append(Bullets(a.reasons + tuple(f"Obligation: {o}" for o in a.obligations)))
    blocks += [Paragraph("Open risks in the register:"), risks_table(f)]
    blocks += [Paragraph("Policies in force:"), policies_table(f)]
    blocks += [Paragraph("Evidence attached:"), evidence_table(f)]
    blocks += [Paragraph("Approvals:"), approvals_table(f)]
    if not f.risks:
        blocks.append(Missing(("risks identified for this system (the register is empty)",)))
    return Section("Ethical considerations", tuple(blocks))


def _caveats(f: DocumentFacts) -> Section:
    items = [
        f"{p.name}: {finding}" for p in f.policies if p.outcome != "pass" for finding in p.findings
    ]
    items += [f"{m.name}: {signal}" for m in f.monitors for signal in m.signals]
    blocks: list[Block] = [Bullets(tuple(items))] if items else []
    blocks += [Paragraph("Incidents recorded:"), incidents_table(f)]
    if f.system.notes.strip():
        blocks.append(Paragraph(f"Notes: {f.system.notes}"))
    blocks.append(Missing(("known limitations and recommendations from the system's owners",)))
    return Section("Caveats and recommendations", tuple(blocks))


def system_card(facts: DocumentFacts, issue: Issue) -> Document:
    title = f"System card: {facts.system.name}"
    return Document(
        KIND,
        title,
        header(KIND_TITLES[KIND], facts, issue),
        (
            _details(facts),
            _intended_use(facts),
            _factors(facts),
            _metrics(facts),
            _evaluation_data(facts),
            _training_data(facts),
            _quantitative(facts),
            _ethical(facts),
            _caveats(facts),
        ),
        (
            "Sections after Mitchell et al., Model Cards for Model Reporting (FAT* 2019).",
            "Generated by aitower from the facts it holds; a value it does not hold reads "
            "'not recorded in aitower'.",
        ),
    )
