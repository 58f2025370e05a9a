"""Inventory: every AI system, its models, vendors, data sources, owners and lifecycle stage."""
