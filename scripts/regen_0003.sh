#!/bin/sh
# Rewrites migration 0003 from the current models (development of issue 3 only).
set -e
cd "$(dirname "$0")/.."
f=src/aitower/core/db/migrations/versions/0003_inventory_governance.py
rm -f "$f"
.venv/bin/python scripts/draft_migration.py 0003 "Inventory, risk and governance: systems, vendors, assessments, risks, policies, approvals." > "$f.tmp"
mv "$f.tmp" "$f"
.venv/bin/ruff format -q "$f" && .venv/bin/ruff check -q --fix "$f"
