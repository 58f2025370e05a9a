"""Monitoring: alert rules, incidents and notifications over telemetry rollups."""
