"""Who may read the framework catalogs and crosswalks, and who may import a framework.

Reading is open to every role: the catalogs are public standards (or the organisation's own),
and the policies every role reads cite them. Importing changes what governance works against,
so it belongs to governance and admins.
"""

from __future__ import annotations

from aitower.core.access.roles import ALL_ROLES, Permission, Role


class FrameworkPermission(Permission):
    frameworks_read = (
        "frameworks.read",
        "Read frameworks (NIST AI RMF, ISO/IEC 42001 Annex A, imported ones) and crosswalks",
        ALL_ROLES,
    )
    frameworks_import = (
        "frameworks.import",
        "Import a custom framework from YAML",
        {Role.admin, Role.governance},
    )
