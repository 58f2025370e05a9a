"""The findings' metrics that alert rules can watch: names, titles and the category each counts
(pure; ``alert_metrics`` reads their values from ``content_findings``)."""

from __future__ import annotations

from dataclasses import dataclass

from aitower.detectors.detection import Category


@dataclass(frozen=True, slots=True)
class FindingMetric:
    name: str
    title: str
    category: Category | None  # None: every category
    description: str


FINDING_METRICS: tuple[FindingMetric, ...] = (
    FindingMetric("findings", "Findings", None, "Detections of any type in the window"),
    FindingMetric(
        "findings_personal_data",
        "Personal data findings",
        Category.personal_data,
        "Detections of personal data (e-mail, IBAN, card, national id, …) in the window",
    ),
    FindingMetric(
        "findings_secret",
        "Secret findings",
        Category.secret,
        "Detections of secrets (cloud keys, tokens, private keys) in the window",
    ),
    FindingMetric(
        "findings_injection",
        "Prompt-injection findings",
        Category.injection,
        "Detections of prompt-injection or jailbreak attempts in the window",
    ),
)
BY_NAME: dict[str, FindingMetric] = {m.name: m for m in FINDING_METRICS}
