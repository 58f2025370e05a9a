"""What telemetry lets each role do: read dashboards and traces, send OTLP, scrape /metrics.

Each member names its permission, what it allows (the permission doc's text) and the roles
that hold it: the rows of the permission matrix this capability brings (``docs/permissions.md``).
"""

from __future__ import annotations

from aitower.core.access.roles import ALL_ROLES, Permission, Role


class TelemetryPermission(Permission):
    # Traces hold prompts and answers: stakeholders get cost reports, not raw conversations.
    telemetry_read = (
        "telemetry.read",
        "See monitoring dashboards, traces with their stored messages, and unregistered sources",
        ALL_ROLES - {Role.stakeholder},
    )
    # Telemetry is sent by applications with an engineer's (or admin's) API key.
    telemetry_ingest = (
        "telemetry.ingest",
        "Send OpenTelemetry traces to the OTLP endpoint",
        {Role.admin, Role.engineer},
    )
    metrics_read = (
        "metrics.read",
        "Scrape Prometheus metrics at /metrics",
        ALL_ROLES - {Role.stakeholder},
    )
    # What of a system's conversations is kept is a security decision as much as an engineering
    # one (#16): the security specialist turns redaction on; whoever may edit the system keeps
    # the say they had over its content settings (``systems.write`` roles).
    content_settings = (
        "telemetry.content_settings",
        "Change what of a system's messages is stored, scanned and redacted",
        {Role.admin, Role.ops_manager, Role.governance, Role.engineer, Role.security},
    )
