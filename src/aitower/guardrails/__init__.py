"""Guardrails: what the detectors found in each system's traffic, the inline scan for a gateway,
and the way from a finding to a risk."""
