"""From a finding to a risk in one step: a risk on the system's register, filled in from what
was found, through the risk register's own ``add_risk`` (so it is checked and audited as any
risk is, in the caller's transaction).

The register has no link field, so the description carries the finding's page
(``/systems/{id}/security?type=…``) beside the counts and dates; the risk's history (its audit
event) keeps them as they were when it was opened.
"""

from __future__ import annotations

import datetime as dt
import uuid
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from aitower.core.audit.service import ChangeContext
from aitower.core.errors import InvalidInput
from aitower.detectors.detection import Category
from aitower.guardrails.findings import FindingFilter, TypeSummary, by_type, conditions
from aitower.risk.register import RiskCategory, RiskFields
from aitower.risk.service import NewRisk, RiskView, add_risk
from aitower.telemetry.finding_tables import ContentFindingRow as F
from aitower.telemetry.scope import Scope, system_scope

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


def _fields(session: Session, scope: Scope, filters: FindingFilter) -> list[str]:
    query = select(F.field).where(*conditions(scope, filters)).distinct()
    return [str(f) for f in session.execute(query).scalars()]


def open_risk(
    session: Session, ctx: ChangeContext, system_id: uuid.UUID, finding_type: str
) -> RiskView:
    """A risk on ``system_id`` from its findings of ``finding_type`` (every one so far).

    NotFound for a system outside the principal's units; InvalidInput ``finding_type`` when
    the system has no such finding. Writes the risk and its audit event, nothing else.
    """
    scope = system_scope(session, ctx.principal, system_id)
    filters = FindingFilter(system_id=system_id, finding_type=finding_type)
    summaries = by_type(session, scope, filters)
    if not summaries:
        raise InvalidInput.on("finding_type", "this system has no finding of this type")
    draft = draft_risk(system_id, summaries[0], _fields(session, scope, filters))
    return add_risk(session, ctx, system_id, NewRisk(draft.fields))
