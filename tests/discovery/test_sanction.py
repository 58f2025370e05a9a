"""The sanction that applies to a unit: the unit's decision, else the organisation's, else the
catalog's default."""

from __future__ import annotations

import uuid

from aitower.discovery.sanction import SanctionStatus, resolve_sanction

S = SanctionStatus
FINANCE, MARKETING = uuid.uuid4(), uuid.uuid4()


def test_the_most_specific_decision_wins() -> None:
    decisions = {None: S.sanctioned, FINANCE: S.blocked}
    assert resolve_sanction(S.under_review, decisions, FINANCE) is S.blocked
    assert resolve_sanction(S.under_review, decisions, MARKETING) is S.sanctioned
    assert resolve_sanction(S.under_review, decisions, None) is S.sanctioned
    assert resolve_sanction(S.unsanctioned, {}, FINANCE) is S.unsanctioned
    assert resolve_sanction(S.unsanctioned, {MARKETING: S.sanctioned}, FINANCE) is S.unsanctioned
