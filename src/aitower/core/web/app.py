"""The application factory: settings in, a ready ASGI app out; no globals, no import-time work."""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator, Callable
from contextlib import AbstractAsyncContextManager, asynccontextmanager
from pathlib import Path
from threading import BoundedSemaphore
from typing import Any

import fastapi_offline
from fastapi import APIRouter, FastAPI, Request
from fastapi.staticfiles import StaticFiles
from starlette.responses import HTMLResponse

from aitower import __version__
from aitower.core.access import api as access_api
from aitower.core.access import pages as access_pages
from aitower.core.audit import api as audit_api
from aitower.core.audit import pages as audit_pages
from aitower.core.db.engine import Database
from aitower.core.db.migrate import schema_state
from aitower.core.settings import Settings
from aitower.core.web import health, pages
from aitower.core.web.errors import install_error_handlers
from aitower.core.web.middleware import (
    BodySizeLimitMiddleware,
    RequestIdMiddleware,
    SecurityHeadersMiddleware,
)
from aitower.core.web.openapi import build_openapi
from aitower.core.web.templating import build_templates, render
from aitower.cost import api as cost_api
from aitower.cost import pages as cost_pages
from aitower.governance import api as governance_api
from aitower.governance import pages as governance_pages
from aitower.inventory import api as inventory_api
from aitower.inventory import pages as inventory_pages
from aitower.model_monitors import api as model_monitors_api
from aitower.model_monitors import pages as model_monitors_pages
from aitower.monitoring import api as monitoring_api
from aitower.monitoring import pages as monitoring_pages
from aitower.monitoring import prometheus as monitoring_prometheus
from aitower.monitoring import runner as alert_runner
from aitower.predictions import api as predictions_api
from aitower.risk import api as risk_api
from aitower.risk import pages as risk_pages
from aitower.telemetry import api as telemetry_api
from aitower.telemetry import api_scores as telemetry_scores_api
from aitower.telemetry import metrics_route, otlp_http
from aitower.telemetry import pages as telemetry_pages

STATIC_DIR = Path(__file__).parent / "static"
SWAGGER_DIR = Path(fastapi_offline.__file__).parent / "static"
API_PREFIX = "/api/v1"

API_DESCRIPTION = """
The REST API of aitower. Authenticate with an API key (`Authorization: Bearer atk_…` or
`x-api-key: atk_…`). Errors are RFC 9457 `application/problem+json` naming the field at fault.
Lists take `limit` (1-200, default 50) and `offset`, answer `{items, total, limit, offset,
next_offset}`, and filter by query parameters.
"""


class SchemaNotCurrentError(RuntimeError):
    pass


def _lifespan(
    db: Database, settings: Settings
) -> Callable[[Any], AbstractAsyncContextManager[None]]:
    """While the server is up: the alert runner; when it stops, the ingest workers too."""
    alerts = alert_runner.lifespan(db, settings.alerts_interval_seconds)

    @asynccontextmanager
    async def lifespan(app: Any) -> AsyncIterator[None]:
        try:
            async with alerts(app):
                yield
        finally:
            otlp_http.stop_ingest(app)

    return lifespan


def create_app(settings: Settings, *, database: Database | None = None) -> FastAPI:
    """Build the app. Refuses insecure settings and a database whose schema is not current."""
    settings.check_secure()
    db = database or Database(settings.resolved_database_url)
    state = schema_state(db.engine)
    if not state.up_to_date:
        raise SchemaNotCurrentError(state.explain())
    logging.getLogger("aitower").setLevel(settings.log_level.upper())

    app = FastAPI(
        title="aitower",
        version=__version__,
        description=API_DESCRIPTION,
        openapi_url=f"{API_PREFIX}/openapi.json",
        docs_url=None,
        redoc_url=None,
        lifespan=_lifespan(db, settings),
    )
    app.state.settings = settings
    app.state.db = db
    app.state.templates = build_templates()
    # Lines other slices add to /metrics: (session) -> Prometheus text lines.
    app.state.metrics_sources = (monitoring_prometheus.notification_lines,)

    api = APIRouter(prefix=API_PREFIX)
    api.include_router(access_api.build_router())
    api.include_router(audit_api.build_router())
    api.include_router(inventory_api.build_router())
    api.include_router(risk_api.build_router())
    api.include_router(governance_api.build_router())
    api.include_router(telemetry_api.build_router())
    api.include_router(telemetry_scores_api.build_router())
    api.include_router(cost_api.build_router())
    api.include_router(monitoring_api.build_router())
    api.include_router(predictions_api.build_router())
    api.include_router(model_monitors_api.build_router())
    app.include_router(api)
    app.include_router(otlp_http.build_router(BoundedSemaphore(settings.otlp_max_in_flight)))
    app.include_router(metrics_route.build_router())
    app.include_router(health.build_router())
    app.include_router(pages.build_router())
    app.include_router(access_pages.build_router())
    app.include_router(audit_pages.build_router())
    app.include_router(inventory_pages.build_router())
    app.include_router(risk_pages.build_router())
    app.include_router(governance_pages.build_router())
    app.include_router(telemetry_pages.build_router())
    app.include_router(cost_pages.build_router())
    app.include_router(monitoring_pages.build_router())
    app.include_router(model_monitors_pages.build_router())
    app.mount("/static/vendor/swagger", StaticFiles(directory=SWAGGER_DIR), name="swagger")
    app.mount("/static", StaticFiles(directory=STATIC_DIR), name="static")

    @app.get("/api/docs", include_in_schema=False)
    def api_docs(request: Request) -> HTMLResponse:
        return render(request, "api_docs.html", None, openapi_url=app.openapi_url)

    app.openapi = lambda: build_openapi(app)  # type: ignore[method-assign]
    install_error_handlers(app)
    # Outermost first: ids for everything, then headers, then the body limit closest to the app.
    app.add_middleware(
        BodySizeLimitMiddleware,
        max_bytes=settings.max_body_bytes,
        per_prefix={
            "/v1/": settings.otlp_max_body_bytes,
            "/api/v1/predictions": settings.predictions_max_body_bytes,
            "/api/v1/labels": settings.predictions_max_body_bytes,
        },
    )
    app.add_middleware(SecurityHeadersMiddleware, secure_cookies=settings.secure_cookies)
    app.add_middleware(RequestIdMiddleware)
    return app
