"""The web app's factory: settings and the capabilities' slices in, a ready ASGI app out.

The core's own routes (access, audit, health, login and the Overview) come first, then each
slice's API routers under ``/api/v1`` and its other routers, in the slices' order. The
composition root (``aitower.app``) passes the slices; this module imports none of them.
No globals, no import-time work.
"""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator, Callable, Sequence
from contextlib import AbstractAsyncContextManager, asynccontextmanager
from pathlib import Path
from typing import Any

import fastapi_offline
from fastapi import Depends, FastAPI, Request
from fastapi.staticfiles import StaticFiles
from starlette.responses import HTMLResponse

from aitower import __version__
from aitower.core.access import api as access_api
from aitower.core.access import pages as access_pages
from aitower.core.access import pages_sso
from aitower.core.audit import api as audit_api
from aitower.core.audit import pages as audit_pages
from aitower.core.background import lifespan as background_lifespan
from aitower.core.db.engine import Database
from aitower.core.db.migrate import schema_state
from aitower.core.settings import Settings
from aitower.core.slice import Slice
from aitower.core.web import health, pages
from aitower.core.web.deps import refuse_nul_in_query, refuse_unstorable_json
from aitower.core.web.errors import install_error_handlers
from aitower.core.web.middleware import (
    BodySizeLimitMiddleware,
    RequestIdMiddleware,
    SecurityHeadersMiddleware,
)
from aitower.core.web.navigation import assemble_navigation
from aitower.core.web.openapi import build_openapi
from aitower.core.web.templating import build_templates, render

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
    db: Database, settings: Settings, slices: Sequence[Slice]
) -> Callable[[Any], AbstractAsyncContextManager[None]]:
    """While the server is up: each slice's startup hooks (a server of its own, such as OTLP's
    gRPC endpoint), then the background pass of every slice's jobs; when it stops, each slice's
    shutdown hooks (the ingest workers, say), also those of a start that failed half-way."""
    jobs = [job for s in slices for job in s.jobs]
    background = background_lifespan(db, settings.alerts_interval_seconds, jobs)

    @asynccontextmanager
    async def lifespan(app: Any) -> AsyncIterator[None]:
        try:
            for start in (hook for s in slices for hook in s.on_startup):
                start(app)
            async with background(app):
                yield
        finally:
            for hook in (hook for s in slices for hook in s.on_shutdown):
                hook(app)

    return lifespan


def create_web_app(
    settings: Settings, slices: Sequence[Slice], *, database: Database | None = None
) -> FastAPI:
    """Build the app of these slices. Refuses insecure settings and a database whose schema is
    not current."""
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
        lifespan=_lifespan(db, settings, slices),
        dependencies=[Depends(refuse_nul_in_query), Depends(refuse_unstorable_json)],
    )
    app.state.settings = settings
    app.state.db = db
    app.state.templates = build_templates()
    app.state.navigation = assemble_navigation(item for s in slices for item in s.navigation)
    app.state.overview_sources = tuple(source for s in slices for source in s.overview)
    # What needs attention now (open incidents): listed on the Overview and on Monitoring.
    app.state.attention_sources = tuple(source for s in slices for source in s.attention)
    # Lines the slices add to /metrics: (session) -> Prometheus text lines.
    app.state.metrics_sources = tuple(source for s in slices for source in s.prometheus)
    app.state.nul_tolerant = tuple(prefix for s in slices for prefix in s.nul_tolerant)

    # Each router straight into the app under the API prefix: every include builds its routes
    # again (FastAPI analyses each endpoint's dependencies anew), so a router in between would
    # build all 1,100 routes a third time, 0.3 s of every app made (and tests make hundreds).
    app.include_router(access_api.build_router(), prefix=API_PREFIX)
    app.include_router(audit_api.build_router(), prefix=API_PREFIX)
    for build in (build for s in slices for build in s.api_routers):
        app.include_router(build(settings), prefix=API_PREFIX)
    app.include_router(health.build_router())
    app.include_router(pages.build_router())
    app.include_router(access_pages.build_router())
    app.include_router(pages_sso.build_router(settings))
    app.include_router(audit_pages.build_router())
    for build in (build for s in slices for build in s.routers):
        app.include_router(build(settings))
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
        per_prefix={prefix: limit(settings) for s in slices for prefix, limit in s.body_limits},
    )
    app.add_middleware(SecurityHeadersMiddleware, secure_cookies=settings.secure_cookies)
    app.add_middleware(RequestIdMiddleware)
    return app
