"""Telemetry: OTLP/HTTP ingest (in worker processes), the semantic-convention mapping to one
LLM-call record, the span store and rollups, retention, /metrics, and the Monitoring pages
(portfolio and system dashboards, the trace explorer).

It may import ``cost`` (pricing at ingest), ``inventory`` and the core; alerting reads its
window metrics from above."""
