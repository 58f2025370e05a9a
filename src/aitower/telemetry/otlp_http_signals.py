"""``POST /v1/logs`` and ``POST /v1/metrics``: the other two OTLP/HTTP signals.

Same authentication, encodings (protobuf or JSON; gzip or deflate), body limits, in-flight
slots and error answers as ``/v1/traces`` (``otlp_http.OtlpRoute``). An exporter set up with
one endpoint sends all three signals; without these routes it would log an error at every
interval. What is kept: ``otlp_logs`` (GenAI events join their spans), ``otlp_metrics``
(counted per family, not stored).
"""

from __future__ import annotations

import json
from typing import Any

from fastapi import APIRouter, Request
from starlette.concurrency import run_in_threadpool
from starlette.responses import Response

from aitower.core.access.principal import Principal
from aitower.core.web.deps import guard
from aitower.telemetry import otlp_logs, otlp_metrics
from aitower.telemetry.meters import meters_of
from aitower.telemetry.otlp_http import JSON, PROTOBUF, OtlpRoute, encoding_of, in_flight
from aitower.telemetry.permissions import TelemetryPermission


def _answer(request: Request, protobuf: bytes, encoding: str) -> Response:
    meters_of(request.app).count_request(200)
    if encoding == "json":
        return Response(json.dumps({}).encode(), media_type=JSON)
    return Response(protobuf, media_type=PROTOBUF)


def _logs(request: Request, body: bytes, encoding: str) -> Response:
    with in_flight(request.app):
        outcome = otlp_logs.store_logs(
            request.app, body, encoding, request.headers.get("content-encoding")
        )
    return _answer(request, otlp_logs.protobuf_response(outcome), encoding)


def _metrics(request: Request, body: bytes, encoding: str) -> Response:
    counts = otlp_metrics.count_metrics(
        request.app, body, encoding, request.headers.get("content-encoding")
    )
    return _answer(request, otlp_metrics.protobuf_response(counts), encoding)


def build_router() -> APIRouter:
    router = APIRouter(route_class=OtlpRoute, tags=["telemetry"])
    ingest = TelemetryPermission.telemetry_ingest

    @router.post(
        "/v1/logs",
        summary="OTLP/HTTP log export: GenAI events join their spans; other records dropped",
        response_class=Response,
    )
    async def export_logs(
        request: Request,
        principal: Principal = guard(ingest),  # noqa: ARG001
    ) -> Response:
        encoding = encoding_of(request)
        body = await request.body()
        return await run_in_threadpool(_logs, request, body, encoding)

    @router.post(
        "/v1/metrics",
        summary="OTLP/HTTP metric export: acknowledged and counted by family, not stored",
        response_class=Response,
    )
    async def export_metrics(
        request: Request,
        principal: Principal = guard(ingest),  # noqa: ARG001
    ) -> Response:
        encoding = encoding_of(request)
        body = await request.body()
        return await run_in_threadpool(_metrics, request, body, encoding)

    return router


__all__: list[Any] = ["build_router"]
