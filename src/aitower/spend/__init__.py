"""Spend: every cost of AI, from every source, attributed to systems, units and vendors.

LLM usage cost comes from telemetry's rollups; everything else (cloud bills, vendor invoices,
licence seats, training runs, people time) from imported files into one ledger. Cost over
time, its drivers, budgets and forecasts read both.
"""
