"""Governance: policies as code (the language, its validator, the default pack), lifecycle
gates that evaluate them, evidence, and approval requests with separation of duties.

It may import ``risk`` (tiers and open risks are facts a policy reads), ``inventory`` and the
core; the domain modules (``policy``, ``policy_terms``, ``policy_validate``, ``evaluation``,
``facts``) import no web, storage or CLI framework."""
