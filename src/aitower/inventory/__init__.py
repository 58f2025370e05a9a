"""Inventory: every AI system (purpose, kind, unit, owners, stage, models, vendors, data,
telemetry service names), every vendor and its rating, bulk import and export, and the unit
scope of records that belong to a system (``system_scope``).

The lowest capability: it imports only the core, and every other capability may import it.
Its domain modules (``domain``, ``vendor_domain``, ``vendor_rating``, ``system_facts``,
``lifecycle``) import no web, storage or CLI framework."""
