"""Discovery: AI services people use without approval (shadow AI), found in proxy logs, code,
expenses and unregistered telemetry, and the triage that registers, sanctions, blocks or
dismisses them."""
