#!/bin/sh
# Rewrites migration 0004 from the current models (development of issue 4 only).
set -e
cd "$(dirname "$0")/.."
f=src/aitower/core/db/migrations/versions/0004_telemetry_monitoring.py
rm -f "$f"
.venv/bin/python scripts/draft_migration.py 0004 "Telemetry, cost and monitoring: spans, rollups, prices, alerts, incidents." > "$f.tmp"
mv "$f.tmp" "$f"
.venv/bin/ruff format -q "$f" && .venv/bin/ruff check -q --fix "$f"
