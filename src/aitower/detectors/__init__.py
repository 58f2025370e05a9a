"""Offline detectors of what should not be in an AI system's text: personal data, secrets and
prompt-injection attempts, plus a groundedness signal for answers given with context documents.

Pure library code (no web, storage or CLI framework), so that telemetry's ingest, the inline
``POST /api/v1/scan`` and the benchmarks all run the same detectors. ``detection`` holds the
shapes every caller sees; ``scan`` is the one entry point.
"""
