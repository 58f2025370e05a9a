"""What generated documents let each role do: read the kept versions, generate new ones.

Each member names its permission, what it allows (the permission doc's text) and the roles
that hold it: the rows of the permission matrix this capability brings (``docs/permissions.md``).
"""

from __future__ import annotations

from aitower.core.access.roles import ALL_ROLES, Permission, Role


class DocumentPermission(Permission):
    documents_read = (
        "documents.read",
        "See a system's generated documents (system card, Annex IV, FRIA) and download them",
        ALL_ROLES,
    )
    documents_generate = (
        "documents.generate",
        "Generate a new version of a system's document (kept and audited)",
        {Role.admin, Role.ops_manager, Role.governance, Role.engineer},
    )
