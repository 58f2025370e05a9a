"""Cost: the LLM price catalog (with its sources and dates), the organisation's negotiated
prices, and quotes. Telemetry prices each span with it at ingest, so it sits below telemetry
and imports only the core; spend, budgets and value, which read telemetry, will stand above.
"""
