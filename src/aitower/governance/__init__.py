"""Governance: policies as code, stage gates, evidence and approvals."""
