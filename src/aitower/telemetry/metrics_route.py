"""The ``/metrics`` route (Prometheus text format, scraped with an API key as bearer token).

A key limited to business units scrapes the per-system counters of their systems only."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Request
from starlette.responses import Response

from aitower.core.access.principal import Principal
from aitower.core.web.deps import DbDep, guard
from aitower.telemetry import prometheus
from aitower.telemetry.meters import meters_of
from aitower.telemetry.permissions import TelemetryPermission

PROMETHEUS_TEXT = "text/plain; version=0.0.4; charset=utf-8"
Scraper = Annotated[Principal, guard(TelemetryPermission.metrics_read)]


def build_router() -> APIRouter:
    router = APIRouter(tags=["telemetry"])

    @router.get("/metrics", summary="Prometheus metrics", response_class=Response)
    def metrics(request: Request, db: DbDep, scraper: Scraper) -> Response:
        # Other slices add lines (notification failures, say): callables (session) -> lines.
        extra = getattr(request.app.state, "metrics_sources", ())
        with db.reading() as session:
            lines = [line for source in extra for line in source(session)]
            meters = meters_of(request.app)
            text = prometheus.render(meters, session, lines, scraper.unit_ids)
        return Response(text, media_type=PROMETHEUS_TEXT)

    return router
