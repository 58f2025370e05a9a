"""Imports every table module so ``Base.metadata`` is complete (migrations, autogenerate checks).

Each slice adds its ``tables`` module here when it has one.
"""

from aitower.core.access import tables as access_tables
from aitower.core.audit import tables as audit_tables
from aitower.core.db.base import Base
from aitower.cost import tables as cost_tables
from aitower.governance import tables as governance_tables
from aitower.inventory import tables as inventory_tables
from aitower.model_monitors import tables as model_monitors_tables
from aitower.monitoring import tables as monitoring_tables
from aitower.predictions import tables as predictions_tables
from aitower.risk import tables as risk_tables
from aitower.telemetry import tables as telemetry_tables

TABLE_MODULES = (
    access_tables,
    audit_tables,
    inventory_tables,
    risk_tables,
    governance_tables,
    telemetry_tables,
    cost_tables,
    monitoring_tables,
    predictions_tables,
    model_monitors_tables,
)
metadata = Base.metadata
