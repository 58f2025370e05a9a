"""What alerting lets each role do: alert rules, incidents and notification channels.

Each member names its permission, what it allows (the permission doc's text) and the roles
that hold it: the rows of the permission matrix this capability brings (``docs/permissions.md``).
"""

from __future__ import annotations

from aitower.core.access.roles import ALL_ROLES, Permission, Role


class AlertPermission(Permission):
    alerts_read = (
        "alerts.read",
        "See alert rules and their current state",
        ALL_ROLES,
    )
    alerts_write = (
        "alerts.write",
        "Create, change and delete alert rules",
        {Role.admin, Role.ops_manager, Role.analyst},
    )
    incidents_read = (
        "incidents.read",
        "See incidents and their timelines (own units; org-wide: all)",
        ALL_ROLES,
    )
    # Who works incidents: those who watch systems in production.
    incidents_write = (
        "incidents.write",
        "Acknowledge, comment on, assign and resolve incidents",
        {
            Role.admin,
            Role.ops_manager,
            Role.engineer,
            Role.analyst,
            Role.security,
            Role.prompt_engineer,
        },
    )
    channels_read = (
        "channels.read",
        "See notification channels (never their secrets)",
        {Role.admin, Role.ops_manager, Role.engineer, Role.analyst, Role.auditor},
    )
    channels_write = (
        "channels.write",
        "Create, change, delete and test notification channels",
        {Role.admin, Role.ops_manager},
    )
    # The legal judgement of Art. 3(49) and the report to the authority: compliance and the
    # portfolio's owner (issue #15); everyone who reads incidents reads the classification.
    # The admin holds every permission, so that it can grant keys of every role.
    incidents_classify = (
        "incidents.classify",
        "Classify incidents as serious (EU AI Act Art. 73) and record their reports",
        {Role.admin, Role.governance, Role.ops_manager},
    )
