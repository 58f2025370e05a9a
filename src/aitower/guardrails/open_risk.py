"""From a finding to a risk in one step: a risk on the system's register, filled in from what
was found, through the risk register's own ``add_risk`` (so it is checked and audited as any
risk is, in the caller's transaction).

The register has no link field, so the description carries the finding's page
(``/systems/{id}/security?type=…``) beside the counts and dates; the risk's history (its audit
event) keeps them as they were when it was opened.
"""

from __future__ import annotations

import uuid

from sqlalchemy import select
from sqlalchemy.orm import Session

from aitower.core.audit.service import ChangeContext
from aitower.core.errors import InvalidInput
from aitower.guardrails.findings import FindingFilter, by_type, conditions
from aitower.guardrails.risk_draft import draft_risk
from aitower.risk.service import NewRisk, RiskView, add_risk
from aitower.telemetry.finding_tables import ContentFindingRow as F
from aitower.telemetry.scope import Scope, system_scope


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
