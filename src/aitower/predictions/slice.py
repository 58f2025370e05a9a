"""The prediction store as the app sees it: logged predictions and late labels of classic
models, by API, file upload and CLI."""

from __future__ import annotations

from aitower.core.slice import Slice
from aitower.predictions import api, cli, tables
from aitower.predictions.permissions import PredictionPermission

SLICE = Slice(
    name="predictions",
    tables=(tables,),
    permissions=(PredictionPermission,),
    api_routers=(lambda _: api.build_router(),),
    cli=(cli.register,),
    body_limits=(
        ("/api/v1/predictions", lambda settings: settings.predictions_max_body_bytes),
        ("/api/v1/labels", lambda settings: settings.predictions_max_body_bytes),
    ),
)
