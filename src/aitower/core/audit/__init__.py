"""The audit trail: a hash-chained, append-only record of every change, its pages and export."""
