"""What discovery lets each role do: read findings, triage them, keep the catalog of services.

Shadow AI is the security specialist's beat; governance and the operations manager decide
what the organisation allows, so the three triage. Auditors and the engineers who connect
telemetry read. Readers limited to business units see their units' findings only.
"""

from __future__ import annotations

from aitower.core.access.roles import Permission, Role

TRIAGERS = frozenset({Role.admin, Role.ops_manager, Role.governance, Role.security})


class DiscoveryPermission(Permission):
    findings_read = (
        "discovery.read",
        "See discovered AI services (shadow AI), their risk, scans and the service catalog",
        TRIAGERS | {Role.engineer, Role.analyst, Role.auditor},
    )
    # Registering, sanctioning, blocking or dismissing a finding is a policy call.
    triage = (
        "discovery.triage",
        "Triage discovered AI use: register as a system, sanction, block, dismiss, assign; "
        "record scans",
        TRIAGERS,
    )
    # The catalog and its sanction statuses are the organisation's allow-list.
    catalog_write = (
        "discovery.catalog",
        "Add AI services to the catalog and set their sanction status per business unit",
        TRIAGERS,
    )
