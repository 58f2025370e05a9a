"""What the prediction store lets each role do: read models, log predictions and labels.

Each member names its permission, what it allows (the permission doc's text) and the roles
that hold it: the rows of the permission matrix this capability brings (``docs/permissions.md``).
"""

from __future__ import annotations

from aitower.core.access.roles import Permission, Role


class PredictionPermission(Permission):
    # Who watches classic models: analysts and who owns or audits the portfolio, and the
    # engineers whose applications log.
    predictions_read = (
        "predictions.read",
        "See monitored models, their logged volume and label coverage (own units; org-wide: all)",
        {Role.admin, Role.ops_manager, Role.governance, Role.engineer, Role.analyst, Role.auditor},
    )
    # Predictions and labels are sent by applications and pipelines with an engineer's or an
    # analyst's API key; registering a model version comes with them.
    predictions_write = (
        "predictions.write",
        "Log predictions and labels, register monitored models",
        {Role.admin, Role.engineer, Role.analyst},
    )
