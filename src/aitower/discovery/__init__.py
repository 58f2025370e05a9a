"""Discovery: shadow AI found in logs, code and expenses, and duplicate initiatives across units."""
