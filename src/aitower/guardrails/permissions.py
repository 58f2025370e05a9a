"""What guardrails let each role do: read the findings, scan a text inline.

Each member names its permission, what it allows (the permission doc's text) and the roles
that hold it: the rows of the permission matrix this capability brings (``docs/permissions.md``).
Opening a risk from a finding is a change to the risk register, guarded by ``risk.write``.
"""

from __future__ import annotations

from aitower.core.access.roles import ALL_ROLES, Permission, Role


class GuardrailsPermission(Permission):
    # A finding names a type, a count and the traces, never the value: whoever may read the
    # traces themselves may read what was found in them (stakeholders read neither).
    findings_read = (
        "findings.read",
        "See what the detectors found in each system's traffic (types, counts, traces, users)",
        ALL_ROLES - {Role.stakeholder},
    )
    # An LLM gateway scans each prompt and answer with an engineer's (or admin's) API key;
    # the security specialist tries texts by hand.
    scan = (
        "guardrails.scan",
        "Scan a text inline for personal data, secrets and prompt injection (POST /api/v1/scan)",
        {Role.admin, Role.engineer, Role.security},
    )
