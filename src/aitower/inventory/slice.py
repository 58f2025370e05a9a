"""The inventory as the app sees it: AI systems, vendors, their pages, API, CLI and demo."""

from __future__ import annotations

from aitower.core.slice import Slice
from aitower.core.web.navigation import NavItem
from aitower.inventory import api, cli, pages, tables
from aitower.inventory.demo import add_demo_inventory
from aitower.inventory.overview import inventory_panel
from aitower.inventory.permissions import InventoryPermission

SLICE = Slice(
    name="inventory",
    tables=(tables,),
    permissions=(InventoryPermission,),
    api_routers=(lambda _: api.build_router(),),
    routers=(lambda _: pages.build_router(),),
    navigation=(
        NavItem("inventory", "Inventory", "/systems", InventoryPermission.systems_read, rank=10),
    ),
    cli=(cli.register,),
    demo=(add_demo_inventory,),
    overview=(inventory_panel,),
)
