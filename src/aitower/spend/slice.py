"""Spend as the app sees it: imports, cost over time, budgets (filled in by its modules)."""

from __future__ import annotations

from aitower.core.slice import Slice
from aitower.spend import tables
from aitower.spend.permissions import SpendPermission

SLICE = Slice(name="spend", tables=(tables,), permissions=(SpendPermission,))
