"""Telemetry: OTLP/HTTP ingest, semantic-convention mapping, span store and rollups."""
