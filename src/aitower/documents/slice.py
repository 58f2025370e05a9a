"""Generated documents as the app sees them: system card, Annex IV skeleton, FRIA template.

The slice stands above alerts: a document reads every other capability's facts (inventory,
risk, governance, model monitors' results, telemetry) through their services.
"""

from __future__ import annotations

from aitower.core.slice import Slice
from aitower.documents import api, cli, pages, tables
from aitower.documents.permissions import DocumentPermission

SLICE = Slice(
    name="documents",
    tables=(tables,),
    permissions=(DocumentPermission,),
    api_routers=(lambda _: api.build_router(),),
    routers=(lambda _: pages.build_router(),),
    cli=(cli.register,),
)
