"""Imports every table module so ``Base.metadata`` is complete (migrations, autogenerate checks).

Each slice adds its ``tables`` module here when it has one.
"""

from aitower.core.access import tables as access_tables
from aitower.core.audit import tables as audit_tables
from aitower.core.db.base import Base

TABLE_MODULES = (access_tables, audit_tables)
metadata = Base.metadata
