"""The risk a finding opens, drafted from what was found (pure: ``open_risk`` stores it
through the risk register).

Likely when seen on more than one day, possible otherwise; impact major for personal data and
secrets (a leak), moderate for injection attempts; the category says where it was found.
"""

from __future__ import annotations

import datetime as dt
import uuid
from dataclasses import dataclass

from aitower.detectors.detection import Category
from aitower.guardrails.records import TypeSummary
from aitower.risk.register import RiskCategory, RiskFields

CATEGORY_TITLES = {
    Category.personal_data.value: "Personal data",
    Category.secret.value: "Secret",
    Category.injection.value: "Prompt injection",
}
FIELD_WORDS = {"input": "inputs", "output": "outputs", "other": "other attributes"}


@dataclass(frozen=True, slots=True)
class RiskDraft:
    """What the new risk says, before the register checks it."""

    fields: RiskFields
    link: str


def finding_link(system_id: uuid.UUID, finding_type: str) -> str:
    return f"/systems/{system_id}/security?type={finding_type}#finding-{finding_type}"


def _where(fields: list[str]) -> str:
    words = [FIELD_WORDS.get(f, f) for f in sorted(fields)]
    return " and ".join(words) if words else "traffic"


def risk_category(category: str, fields: list[str]) -> str:
    """Injection attempts are a security risk; data seen in answers is a leak; data only in
    what users send is a privacy risk (a secret there, a security one)."""
    if category == Category.injection.value:
        return RiskCategory.security.value
    if "output" in fields:
        return RiskCategory.data_leakage.value
    if category == Category.personal_data.value:
        return RiskCategory.privacy.value
    return RiskCategory.security.value


def _date(moment: dt.datetime) -> str:
    return moment.strftime("%Y-%m-%d %H:%M UTC")


def draft_risk(system_id: uuid.UUID, summary: TypeSummary, fields: list[str]) -> RiskDraft:
    """The prefilled risk: likely when seen on more than one day, possible otherwise; impact
    major for personal data and secrets (a leak), moderate for injection attempts."""
    kind = CATEGORY_TITLES.get(summary.category, summary.category)
    title = f"{kind} ({summary.title}) in {_where(fields)}"
    link = finding_link(system_id, summary.finding_type)
    description = (
        f"The detectors found {summary.title} {summary.count} times in {summary.spans} spans "
        f"of {summary.traces} traces ({summary.users} users, {summary.values} distinct values), "
        f"first seen {_date(summary.first_seen)}, last seen {_date(summary.last_seen)}.\n"
        f"Finding: {link}"
    )
    several_days = summary.first_seen.date() != summary.last_seen.date()
    impact = 3 if summary.category == Category.injection.value else 4
    fields_ = RiskFields(
        title=title[:200],
        category=risk_category(summary.category, fields),
        likelihood=4 if several_days else 3,
        impact=impact,
        description=description,
    )
    return RiskDraft(fields_, link)
