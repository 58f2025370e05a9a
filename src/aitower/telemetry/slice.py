"""Telemetry as the app sees it: the OTLP endpoint, /metrics, dashboards, traces, retention."""

from __future__ import annotations

from aitower.core.background import BackgroundJob
from aitower.core.slice import Slice
from aitower.core.web.navigation import NavItem
from aitower.telemetry import (
    api,
    api_content,
    api_scores,
    cli,
    finding_tables,
    log_tables,
    metrics_route,
    otlp_grpc,
    otlp_http,
    otlp_http_signals,
    pages,
    span_log_events,
    tables,
)
from aitower.telemetry.demo import add_demo_traffic
from aitower.telemetry.permissions import TelemetryPermission
from aitower.telemetry.reattribution import run_pending as reattribute
from aitower.telemetry.retention import purge

# Retention deletes are idempotent: replicas purging at once only repeat work.
PURGE_EVERY_SECONDS = 3600.0
# Joining is also done at once by each request; this pass only catches a server stopped between
# a span's commit and that step, and drops events whose span never came.
LOG_EVENTS_EVERY_SECONDS = 300.0

SLICE = Slice(
    name="telemetry",
    tables=(tables, log_tables, finding_tables),
    permissions=(TelemetryPermission,),
    api_routers=(
        lambda _: api.build_router(),
        lambda _: api_scores.build_router(),
        lambda _: api_content.build_router(),
    ),
    routers=(
        lambda _: otlp_http.build_router(),
        lambda _: otlp_http_signals.build_router(),
        lambda _: metrics_route.build_router(),
        lambda _: pages.build_router(),
    ),
    navigation=(
        NavItem(
            "monitoring", "Monitoring", "/monitoring", TelemetryPermission.telemetry_read, rank=40
        ),
    ),
    cli=(cli.register,),
    demo=(add_demo_traffic,),
    jobs=(
        # Every pass: a registration's history should follow within one interval.
        BackgroundJob("telemetry re-attribution", lambda db, _, owner: reattribute(db, owner)),
        BackgroundJob(
            "telemetry retention", lambda db, now, _: purge(db, now), PURGE_EVERY_SECONDS
        ),
        BackgroundJob(
            "GenAI log events waiting for their spans",
            span_log_events.sweep,
            LOG_EVENTS_EVERY_SECONDS,
        ),
    ),
    body_limits=(("/v1/", lambda settings: settings.otlp_max_body_bytes),),
    nul_tolerant=("/api/v1/feedback", "/api/v1/evaluations"),
    on_startup=(otlp_grpc.start,),
    # The gRPC endpoint first: its calls in progress still use the ingest workers.
    on_shutdown=(otlp_grpc.stop, otlp_http.stop_ingest),
)
